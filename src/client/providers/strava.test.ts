import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { revocationRequest } from '../../../test/support/revocation-request.js';
import { strava } from './strava.js';

const { tokenResponse, tokenResponseProfile, authorizationScope, grantedScope, revoke } = strava.settings({}).hooks!;

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('strava tokenResponse: Strava faults as RFC 6749 §5.2 errors', () => {
  it('a refused code or refresh token is invalid_grant, the client invalid_client, anything else invalid_request; the status stays', async () => {
    const read = async (status: number, resource: string, field: string) => {
      const rewritten = await tokenResponse!(answer(status, { message: 'Bad Request', errors: [{ resource, field, code: 'invalid' }] }));
      return { status: rewritten.status, body: await rewritten.json() };
    };
    expect(await read(400, 'AuthorizationCode', 'code')).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Bad Request: AuthorizationCode code invalid' } });
    expect(await read(400, 'RefreshToken', 'refresh_token')).toMatchObject({ body: { error: 'invalid_grant' } });
    expect(await read(401, 'Application', '')).toEqual({ status: 401, body: { error: 'invalid_client', error_description: 'Bad Request: Application invalid' } });
    expect(await read(400, 'Athlete', 'scope')).toMatchObject({ body: { error: 'invalid_request' } });
  });

  it('leaves tokens, server faults and RFC 6749 errors as they came', async () => {
    const tokens = { token_type: 'Bearer', access_token: 'a', expires_at: 1, expires_in: 21600, refresh_token: 'r', athlete: { id: 1 } };
    expect(await (await tokenResponse!(answer(200, tokens))).json()).toEqual(tokens);
    const outage = await tokenResponse!(answer(503, { message: 'Service Unavailable', errors: [] }));
    expect(outage.status).toBe(503);
    expect(await (await tokenResponse!(answer(400, { error: 'invalid_grant' }))).json()).toEqual({ error: 'invalid_grant' });
  });
});

describe('strava scopes: comma-joined at the authorization request, read back from the redirect', () => {
  it('joins and splits on commas', () => {
    expect(authorizationScope!('read activity:read_all')).toBe('read,activity:read_all');
    expect(grantedScope!(new URLSearchParams({ code: 'c', scope: 'read,activity:read_all' }))).toBe('read activity:read_all');
    expect(grantedScope!(new URLSearchParams({ code: 'c', scope: 'read' }))).toBe('read');
    expect(grantedScope!(new URLSearchParams({ code: 'c' }))).toBeUndefined();
  });
});

describe('strava tokenResponseProfile: the athlete summary', () => {
  it('the athlete with a name of first and last name and the picture; no tokens', () => {
    const profile = tokenResponseProfile!({ access_token: 'a', refresh_token: 'r', athlete: { id: 134815, username: 'marianne_t', firstname: 'Marianne', lastname: 'T.', profile: 'https://example.test/large.jpg' } });
    expect(profile).toEqual({ id: 134815, username: 'marianne_t', firstname: 'Marianne', lastname: 'T.', profile: 'https://example.test/large.jpg', name: 'Marianne T.', picture: 'https://example.test/large.jpg' });
  });

  it('no athlete, or one without an id, is no profile', () => {
    expect(tokenResponseProfile!({ access_token: 'a' })).toBeUndefined();
    expect(tokenResponseProfile!({ athlete: { firstname: 'M' } })).toBeUndefined();
  });
});

describe('strava revoke: the access token to /oauth/deauthorize', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(() => answer(status, {}), { clientId: '12345', revocationEndpoint: 'https://www.strava.com/oauth/deauthorize', accessToken: 'at.live', ...state });

  it('2xx is revoked; 401 to a live token is already revoked; anything else is refused', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toEqual([{ url: 'https://www.strava.com/oauth/deauthorize', init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'access_token=at.live' } }]);
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(401, { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(502).value)).rejects.toMatchObject({ code: 'provider_error', message: 'Strava answered HTTP 502 to the deauthorization.' });
  });
});
