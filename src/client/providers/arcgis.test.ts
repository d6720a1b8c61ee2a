import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import type { RevocationRequest } from '../provider-hooks.js';
import { arcgis } from './arcgis.js';

const { profileClaims, revoke, tokenResponse } = arcgis.settings({}).hooks!;

/** ArcGIS's error body with HTTP 200, as its REST API sends refusals. */
const arcgisError = (code: number, error: string | undefined, description: string) =>
  new Response(JSON.stringify({ error: { code, ...(error ? { error, error_description: description } : {}), message: description, details: [] } }), { status: 200, headers: { 'content-type': 'application/json' } });

describe('arcgis tokenResponse: error bodies sent with HTTP 200', () => {
  it.each([
    [400, 'invalid_request', 'Invalid refresh_token', 400, 'invalid_grant'],
    [400, 'invalid_request', 'Invalid authorization code', 400, 'invalid_grant'],
    [400, 'invalid_request', 'Invalid redirect_uri', 400, 'invalid_grant'],
    [400, 'invalid_request', 'Invalid code_verifier', 400, 'invalid_grant'],
    [400, 'invalid_grant', 'Expired', 400, 'invalid_grant'],
    [400, 'invalid_client_id', 'Invalid client_id', 401, 'invalid_client'],
    [401, 'invalid_client', 'Invalid client_secret', 401, 'invalid_client'],
    [400, 'unsupported_grant_type', 'Invalid grant_type', 400, 'unsupported_grant_type'],
    [400, undefined, 'Unable to generate token.', 400, 'invalid_request'],
  ])('code %i, %s, "%s" is HTTP %i %s', async (code, error, description, status, rewritten) => {
    const rewrittenAnswer = await tokenResponse!(arcgisError(code, error, description));
    expect(rewrittenAnswer.status).toBe(status);
    expect(await rewrittenAnswer.json()).toEqual({ error: rewritten, error_description: description });
  });

  it('a 5xx code is that status, the provider failing', async () => {
    const rewritten = await tokenResponse!(arcgisError(500, undefined, 'Internal server error'));
    expect(rewritten.status).toBe(500);
    expect(await rewritten.json()).toMatchObject({ error: 'server_error' });
  });

  it('leaves a success, and a failure without an error body, as they came', async () => {
    const success = { access_token: 'at', expires_in: 1800, username: 'jsmith', ssl: true, refresh_token: 'rt', refresh_token_expires_in: 1209599 };
    const kept = await tokenResponse!(new Response(JSON.stringify(success), { status: 200, headers: { 'content-type': 'application/json' } }));
    expect(kept.status).toBe(200);
    expect(await kept.json()).toEqual(success);
    const outage = await tokenResponse!(new Response('<h1>Service Unavailable</h1>', { status: 503, headers: { 'content-type': 'text/html' } }));
    expect(outage.status).toBe(503);
    expect(await outage.text()).toBe('<h1>Service Unavailable</h1>');
  });
});

describe('arcgis profileClaims: /community/self', () => {
  it('takes the id, the full name, the names, the username, the e-mail and the orgId', () => {
    expect(
      profileClaims!({ username: 'jsmith', id: '9b1c4e7a2d5f48c3a6e0f1d2c3b4a596', fullName: 'Jane Smith', firstName: 'Jane', lastName: 'Smith', email: 'jane@example.com', orgId: 'Xj56SBi2udA78cC9', role: 'org_user', groups: [] }),
    ).toEqual({ id: '9b1c4e7a2d5f48c3a6e0f1d2c3b4a596', name: 'Jane Smith', given_name: 'Jane', family_name: 'Smith', preferred_username: 'jsmith', email: 'jane@example.com', org_id: 'Xj56SBi2udA78cC9' });
  });

  it('joins the first and last names without a full name, and leaves out empty members', () => {
    expect(profileClaims!({ id: 'abc', firstName: 'Jane', lastName: 'Smith', email: '' })).toEqual({ id: 'abc', name: 'Jane Smith', given_name: 'Jane', family_name: 'Smith' });
  });

  it.each([[{ username: 'jsmith' }], [{ id: 42 }], [{ id: ' ' }], [{ error: { code: 498, message: 'Invalid token.' } }], [{ id: 'abc', error: { code: 498 } }], [null], [[]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('arcgis revoke: POST /oauth2/revokeToken', () => {
  const endpoint = 'https://www.arcgis.com/sharing/rest/oauth2/revokeToken';
  const request = (status: number, body: unknown, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status, body), { clientId: 'GGjeDjEY6kKEiDmX', clientSecret: 's3cret', revocationEndpoint: endpoint, ...state });

  it('{ success: true } is revoked; the refresh token goes as auth_token with the client id, no secret', async () => {
    const { value, sent } = request(200, { success: true });
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('POST');
    expect(Object.fromEntries(new URLSearchParams(String(sent[0]!.init.body)))).toEqual({ auth_token: 'refresh', token_type_hint: 'refresh_token', client_id: 'GGjeDjEY6kKEiDmX', f: 'json' });
  });

  it('without a refresh token, the access token goes', async () => {
    const { value, sent } = request(200, { success: true }, { refreshToken: null });
    expect(await revoke!(value)).toBe('revoked');
    expect(Object.fromEntries(new URLSearchParams(String(sent[0]!.init.body)))).toMatchObject({ auth_token: 'live', token_type_hint: 'access_token' });
  });

  it('an error body with HTTP 200, or another answer, fails', async () => {
    await expect(revoke!(request(200, { error: { code: 400, message: 'auth_token is required' } }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503, 'down').value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
