import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { akahu } from './akahu.js';

const settings = akahu.settings({});
const { profileClaims, revoke, tokenRequest } = settings.hooks!;

describe('akahu settings', () => {
  it('asks ENDURING_CONSENT without PKCE, the client in a JSON body, and sends the App ID Token as X-Akahu-ID', () => {
    expect(settings).toMatchObject({ scope: 'ENDURING_CONSENT', pkce: false, tokenEndpointAuthMethod: 'client_secret_post', clientIdHeader: 'x-akahu-id', subjectClaim: 'id' });
    const sent = tokenRequest!({ body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c1', client_id: 'app_token_1', client_secret: 's' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(sent.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'c1', client_id: 'app_token_1', client_secret: 's' });
  });
});

describe('akahu profileClaims: the user inside /v1/me’s { success, item }', () => {
  it('is the User ID, the preferred name as the name, the names and the e-mail', () => {
    const item = { _id: 'user_ck9uh3kex000107muemzpdkr7', created_at: '2020-05-05T22:17:08.121Z', first_name: 'Oliver', last_name: 'Fawcett', preferred_name: ' Olly ', email: 'olly@example.nz', access_granted_at: '2026-01-01T00:00:00.000Z' };
    expect(profileClaims!({ success: true, item })).toEqual({ id: 'user_ck9uh3kex000107muemzpdkr7', name: 'Olly', given_name: 'Oliver', family_name: 'Fawcett', email: 'olly@example.nz' });
  });

  it('without a preferred name, the first and last names; without the AKAHU scope, no e-mail', () => {
    expect(profileClaims!({ success: true, item: { _id: 'user_1', first_name: 'Oliver', last_name: 'Fawcett' } })).toEqual({ id: 'user_1', name: 'Oliver Fawcett', given_name: 'Oliver', family_name: 'Fawcett' });
    expect(profileClaims!({ success: true, item: { _id: 'user_2' } })).toEqual({ id: 'user_2' });
  });

  it('names no one without a User ID, outside `item`, or in an answer that is not a success', () => {
    expect(profileClaims!({ success: true, item: { first_name: 'Oliver' } })).toBeUndefined();
    expect(profileClaims!({ success: true, item: { _id: ' ' } })).toBeUndefined();
    expect(profileClaims!({ success: true, _id: 'user_1' })).toBeUndefined();
    expect(profileClaims!({ success: false, item: { _id: 'user_1' }, message: 'Unauthorized' })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});

describe('akahu revoke: DELETE /v1/token with the token as Bearer and the API’s headers', () => {
  const endpoint = 'https://api.akahu.io/v1/token';
  const request = (status: number, state: Parameters<typeof revocationRequest>[1] = {}) =>
    revocationRequest(answer(status, status === 200 ? { success: true } : { success: false, message: 'Unauthorized' }), { revocationEndpoint: endpoint, apiHeaders: { 'x-akahu-id': 'app_token_1' }, refreshToken: null, ...state });

  it('sends one DELETE with the access token and X-Akahu-ID; a 2xx is revoked', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toEqual([{ url: endpoint, init: { method: 'DELETE', headers: { 'x-akahu-id': 'app_token_1', authorization: 'Bearer live' } } }]);
  });

  it('a 401 to a live token is revoked already; a 500 is the provider’s fault', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(500).value)).rejects.toThrow('Akahu answered HTTP 500 to the token revocation.');
  });
});
