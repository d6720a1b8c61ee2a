import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { zendesk } from './zendesk.js';

const settings = zendesk.settings({ domain: 'acme.zendesk.com' });
const { tokenRequest, profileClaims, revoke } = settings.hooks!;

describe('zendesk settings: everything on the account’s own host', () => {
  it('makes the endpoints and the API base from the domain', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://acme.zendesk.com/oauth/authorizations/new',
        tokenEndpoint: 'https://acme.zendesk.com/oauth/tokens',
        userinfoEndpoint: 'https://acme.zendesk.com/api/v2/users/me.json',
      },
      apiBaseUrl: 'https://acme.zendesk.com/api/v2',
      scope: 'read',
      refreshTokenIdleSeconds: 30 * 86_400,
    });
    expect(zendesk.values).toEqual({ domain: 'required' });
  });
});

describe('zendesk tokenRequest: the form as the JSON Zendesk documents', () => {
  it('sends every field as JSON, with its content type and the other headers as they were', () => {
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'c0de', client_id: 'acme_app', client_secret: 's3cret', redirect_uri: 'https://app.test/cb', code_verifier: 'v' });
    const sent = tokenRequest!({ body, headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(sent.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json' });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'c0de', client_id: 'acme_app', client_secret: 's3cret', redirect_uri: 'https://app.test/cb', code_verifier: 'v' });
  });
});

describe('zendesk profileClaims: the user of /api/v2/users/me.json', () => {
  it('takes user, keeping its members', () => {
    const user = { id: 35_436, name: 'Ada Lovelace', email: 'ada@acme.test', role: 'agent', verified: true };
    expect(profileClaims!({ user })).toEqual(user);
  });

  it.each([[{ user: { id: null, name: 'Anonymous user' } }], [{ user: null }], [{ error: 'invalid_token' }], [null], [[]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('zendesk revoke: DELETE /api/v2/oauth/tokens/current.json with the access token', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status), { apiBaseUrl: 'https://acme.zendesk.com/api/v2/', ...state });

  it('204 is revoked', async () => {
    const { value, sent } = request(204);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toEqual([{ url: 'https://acme.zendesk.com/api/v2/oauth/tokens/current.json', init: { method: 'DELETE', headers: { authorization: 'Bearer live' } } }]);
  });

  it('its answer is read by revokeWithBearer: a 401 to a live token is already revoked, a 503 a fault of Zendesk', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error', message: 'Zendesk answered HTTP 503 to the token revocation.' });
  });

  it('needs the API base', async () => {
    await expect(revoke!(request(204, { apiBaseUrl: undefined }).value)).rejects.toThrow('Zendesk revocation needs the API base URL');
  });
});
