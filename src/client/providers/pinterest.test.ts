import { describe, expect, it } from 'vitest';
import { withChallengeWithoutErrorDropped } from '../challenge-without-error.js';
import { pinterest } from './pinterest.js';

const { authorizationScope, tokenRequest, tokenResponse } = pinterest.settings({}).hooks!;

describe('pinterest authorizationScope: the scopes comma-joined', () => {
  it('joins them with commas, dropping empty names', () => {
    expect(authorizationScope!('user_accounts:read  boards:read pins:read')).toBe('user_accounts:read,boards:read,pins:read');
  });
});

describe('pinterest tokenRequest: a continuous refresh token asked for at the code exchange', () => {
  const headers = { authorization: 'Basic MTIzNDpzZWNyZXQ=', 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' };

  it('adds continuous_refresh=true to the code exchange, the rest as it was', () => {
    const sent = tokenRequest!({ body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: 'https://app.example.com/auth/pinterest/callback' }), headers });
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: 'https://app.example.com/auth/pinterest/callback', continuous_refresh: 'true' });
    expect(sent.headers).toEqual(headers);
  });

  it('leaves a refresh as it was', () => {
    const sent = tokenRequest!({ body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'pinr.1' }), headers });
    expect(sent.body).toBe('grant_type=refresh_token&refresh_token=pinr.1');
  });
});

describe('pinterest tokenResponse: RFC 6749 shape', () => {
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

  it('makes a comma-separated scope space-separated; a space-separated one passes as it was', async () => {
    const tokens = { access_token: 'pina.1', token_type: 'bearer', expires_in: 2592000, refresh_token: 'pinr.1', refresh_token_expires_in: 5184000, refresh_token_expires_at: 1790000000, response_type: 'authorization_code' };
    const rewritten = await tokenResponse!(answer(200, { ...tokens, scope: 'boards:read,user_accounts:read' }));
    expect(await rewritten.json()).toEqual({ ...tokens, scope: 'boards:read user_accounts:read' });
    const spaced = await tokenResponse!(answer(200, { ...tokens, scope: 'boards:read user_accounts:read' }));
    expect(await spaced.json()).toEqual({ ...tokens, scope: 'boards:read user_accounts:read' });
  });

  it('reads code 283 as invalid_grant (HTTP 400), code 2 or another 401 as invalid_client without its Basic challenge, another refusal as invalid_request', async () => {
    const grant = await tokenResponse!(answer(401, { code: 283, message: 'The authorization grant is invalid' }));
    expect(grant.status).toBe(400);
    expect(await grant.json()).toEqual({ error: 'invalid_grant', error_description: 'The authorization grant is invalid' });
    // Read as the core reads it: the preset's rewrite, then the challenge that names no error dropped.
    const client = await withChallengeWithoutErrorDropped(await tokenResponse!(answer(401, { code: 2, message: 'Authentication failed.' }, { 'www-authenticate': 'Basic realm="api"' })));
    expect(client.status).toBe(401);
    expect(client.headers.get('www-authenticate')).toBeNull();
    expect(await client.json()).toEqual({ error: 'invalid_client', error_description: 'Authentication failed.' });
    const other401 = await tokenResponse!(answer(401, { code: 3, message: 'Authorization failed.' }));
    expect(await other401.json()).toEqual({ error: 'invalid_client', error_description: 'Authorization failed.' });
    const request = await tokenResponse!(answer(400, { code: 1, message: 'Invalid parameters.' }));
    expect(request.status).toBe(400);
    expect(await request.json()).toEqual({ error: 'invalid_request', error_description: 'Invalid parameters.' });
  });

  it('passes an RFC 6749 error, a 5xx and a body that is not JSON on as they came', async () => {
    const rfc = await tokenResponse!(answer(400, { error: 'invalid_grant' }));
    expect(await rfc.json()).toEqual({ error: 'invalid_grant' });
    const outage = await tokenResponse!(answer(503, { code: 8, message: 'Service unavailable' }));
    expect(outage.status).toBe(503);
    expect(await outage.json()).toEqual({ code: 8, message: 'Service unavailable' });
    const page = await tokenResponse!(new Response('<h1>Bad Gateway</h1>', { status: 502, headers: { 'content-type': 'text/html' } }));
    expect(await page.text()).toBe('<h1>Bad Gateway</h1>');
  });
});
