import { describe, expect, it } from 'vitest';
import { withChallengeWithoutErrorDropped } from '../challenge-without-error.js';
import { yahoo } from './yahoo.js';

const hooks = yahoo.settings({}).hooks!;

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('Yahoo preset', () => {
  it('a refresh request carries redirect_uri=oob, as Yahoo’s refresh takes it; a code exchange, and a redirect_uri already sent, are left as they are', () => {
    const headers = { authorization: 'Basic eDp5' };
    const refresh = hooks.tokenRequest!({ body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'rt' }), headers });
    expect(Object.fromEntries(new URLSearchParams(refresh.body))).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt', redirect_uri: 'oob' });
    expect(refresh.headers).toBe(headers);
    const exchange = { grant_type: 'authorization_code', code: 'c', redirect_uri: 'https://app.example.com/auth/yahoo/callback' };
    expect(Object.fromEntries(new URLSearchParams(hooks.tokenRequest!({ body: new URLSearchParams(exchange), headers }).body))).toEqual(exchange);
    const withOwn = { grant_type: 'refresh_token', refresh_token: 'rt', redirect_uri: 'https://app.example.com/cb' };
    expect(Object.fromEntries(new URLSearchParams(hooks.tokenRequest!({ body: new URLSearchParams(withOwn), headers }).body))).toEqual(withOwn);
  });

  it.each([
    [400, 'INVALID_REFRESH_TOKEN', 400, 'invalid_grant'],
    [401, 'TOKEN_EXPIRED', 400, 'invalid_grant'],
    [401, 'INVALID_GRANT', 400, 'invalid_grant'],
    [400, 'INVALID_CLIENT', 401, 'invalid_client'],
    [401, 'INVALID_CLIENT_SECRET', 401, 'invalid_client'],
    [400, 'invalid_request', 400, 'invalid_request'],
    [400, 'UNSUPPORTED_GRANT_TYPE', 400, 'unsupported_grant_type'],
    [401, 'INVALID_CALLBACK', 401, 'invalid_callback'],
  ])('a %i %s is read as RFC 6749’s %i %s, its description kept', async (status, code, rfcStatus, rfcError) => {
    // Read as the core reads it: the preset's rewrite, then the challenge that names no error dropped.
    const read = await withChallengeWithoutErrorDropped(await hooks.tokenResponse!(answer(status, { error: code, error_description: 'from Yahoo' }, { 'www-authenticate': 'Basic realm="yahoo"' })));
    expect(read.status).toBe(rfcStatus);
    expect(await read.json()).toEqual({ error: rfcError, error_description: 'from Yahoo' });
    expect(read.headers.has('www-authenticate')).toBe(false);
  });

  it('leaves a token answer, a server fault and a body that is no refusal as they are', async () => {
    const tokens = { access_token: 'at', token_type: 'bearer', expires_in: 3600, refresh_token: 'rt', xoauth_yahoo_guid: 'JT4FACLQZI2OCE' };
    const ok = await hooks.tokenResponse!(answer(200, tokens));
    expect([ok.status, await ok.json()]).toEqual([200, tokens]);
    const fault = await hooks.tokenResponse!(answer(500, { error: 'ERROR_HANDLING_REQUEST' }));
    expect([fault.status, await fault.json()]).toEqual([500, { error: 'ERROR_HANDLING_REQUEST' }]);
    const page = await hooks.tokenResponse!(new Response('<html>Bad Request</html>', { status: 400, headers: { 'content-type': 'text/html' } }));
    expect([page.status, await page.text()]).toEqual([400, '<html>Bad Request</html>']);
  });
});
