import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { revocationRequest } from '../../../test/support/revocation-request.js';
import { heroku } from './heroku.js';

const settings = heroku.settings({});
const { tokenResponse, profileClaims, revoke } = settings.hooks!;
const CLIENT_ID = '01234567-89ab-cdef-0123-456789abcdef';

describe("heroku tokenResponse: the Platform API's refusals as RFC 6749's", () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const rewritten = async (status: number, body: unknown) => {
    const response = await tokenResponse!(answer(status, body));
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('a refused code or refresh token is invalid_grant (400), keeping the id and message', async () => {
    expect(await rewritten(401, { id: 'unauthorized', message: 'Invalid credentials provided.' })).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid credentials provided.', heroku_error: 'unauthorized' },
    });
    expect((await rewritten(404, { id: 'not_found', message: "Couldn't find that refresh token." })).body.error).toBe('invalid_grant');
  });

  it('a refusal about the client or its secret is invalid_client (401)', async () => {
    expect(await rewritten(401, { id: 'unauthorized', message: 'Invalid OAuth client secret.' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('tokens, RFC 6749 errors and server failures pass as they were', async () => {
    const tokens = { access_token: 'HRKU-a', expires_in: 28799, refresh_token: 'r', token_type: 'Bearer', user_id: 'u', session_nonce: 'n' };
    expect(await rewritten(200, tokens)).toEqual({ status: 200, body: tokens });
    expect(await rewritten(400, { error: 'invalid_grant' })).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect(await rewritten(503, { id: 'unavailable', message: 'Down' })).toEqual({ status: 503, body: { id: 'unavailable', message: 'Down' } });
  });
});

describe('heroku profileClaims: /account', () => {
  it('takes the id, name and e-mail; verified (billing) is not read', () => {
    const account = { id: '01234567-89ab-cdef-0123-456789abcdef', email: 'username@example.com', name: 'Tina Edmonds', verified: false, two_factor_authentication: true };
    expect(profileClaims!(account)).toEqual({ id: account.id, name: 'Tina Edmonds', email: 'username@example.com' });
    expect(profileClaims!({ ...account, name: null })).toEqual({ id: account.id, email: 'username@example.com' });
  });

  it.each([[{ email: 'a@b.c' }], [{ id: '' }], [{ id: 7 }], [null], [[]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe("heroku revoke: this client's authorizations deleted", () => {
  const API = 'https://api.heroku.com';
  const authorization = (id: string, clientId: string, token: string | null = null) => ({ id, client: { id: clientId, name: 'App' }, access_token: token === null ? null : { id: `t-${id}`, token } });
  const request = (answers: Record<string, () => Response>, state: Partial<RevocationRequest> = {}) =>
    revocationRequest((url) => answers[url]?.() ?? new Response(null, { status: 599 }), { clientId: CLIENT_ID, apiBaseUrl: API, accessToken: 'HRKU-live', apiHeaders: { accept: 'application/vnd.heroku+json; version=3' }, ...state });
  const list = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const status = (code: number) => () => new Response(null, { status: code });

  it("deletes each authorization of this client, the token's own last, with the token and Heroku's Accept", async () => {
    const { value, sent } = request({
      [`${API}/oauth/authorizations`]: list(200, [authorization('a1', CLIENT_ID, 'HRKU-live'), authorization('other', 'another-client'), authorization('a2', CLIENT_ID)]),
      [`${API}/oauth/authorizations/a1`]: list(200, {}),
      [`${API}/oauth/authorizations/a2`]: list(200, {}),
    });
    expect(await revoke!(value)).toBe('revoked');
    expect(sent.map(({ url, init }) => `${init.method} ${url}`)).toEqual([`GET ${API}/oauth/authorizations`, `DELETE ${API}/oauth/authorizations/a2`, `DELETE ${API}/oauth/authorizations/a1`]);
    for (const { init } of sent) expect(init.headers).toMatchObject({ authorization: 'Bearer HRKU-live', accept: 'application/vnd.heroku+json; version=3' });
  });

  it("none of this client's is already revoked; a 404 is one gone, a 401 after a deletion the token's own gone", async () => {
    expect(await revoke!(request({ [`${API}/oauth/authorizations`]: list(200, [authorization('other', 'another-client')]) }).value)).toBe('already_revoked');
    const gone = request({
      [`${API}/oauth/authorizations`]: list(200, [authorization('a1', CLIENT_ID), authorization('a2', CLIENT_ID), authorization('a3', CLIENT_ID)]),
      [`${API}/oauth/authorizations/a1`]: status(404),
      [`${API}/oauth/authorizations/a2`]: status(200),
      [`${API}/oauth/authorizations/a3`]: status(401),
    });
    expect(await revoke!(gone.value)).toBe('revoked');
    expect(gone.sent).toHaveLength(4);
  });

  it('a 401 for a live token, or after the refresh was refused, is already revoked; for an expired one a refusal', async () => {
    const refused = { [`${API}/oauth/authorizations`]: status(401) };
    expect(await revoke!(request(refused).value)).toBe('already_revoked');
    expect(await revoke!(request(refused, { accessTokenExpired: true, refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(refused, { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
  });

  it('a token without the global scope (403), a failing Heroku or a refused deletion is a failure, saying why', async () => {
    await expect(revoke!(request({ [`${API}/oauth/authorizations`]: status(403) }).value)).rejects.toThrow(/global scope/);
    await expect(revoke!(request({ [`${API}/oauth/authorizations`]: status(500) }).value)).rejects.toMatchObject({ code: 'provider_error' });
    await expect(revoke!(request({ [`${API}/oauth/authorizations`]: list(200, { id: 'x' }) }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    const refusedDelete = request({ [`${API}/oauth/authorizations`]: list(200, [authorization('a1', CLIENT_ID)]), [`${API}/oauth/authorizations/a1`]: status(403) });
    await expect(revoke!(refusedDelete.value)).rejects.toMatchObject({ code: 'provider_bad_response' });
  });
});
