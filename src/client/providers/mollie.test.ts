import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { mollie } from './mollie.js';

const { profileClaims, revoke } = mollie.settings({}).hooks!;

describe('mollie settings', () => {
  it('sends each refresh with the redirect_uri the code exchange sent, as Mollie wants', () => {
    expect(mollie.settings({})).toMatchObject({ refreshSendsRedirectUri: true, tokenEndpointAuthMethod: 'client_secret_basic', basicCredentials: 'plain', pkce: false });
  });
});

describe('mollie profileClaims: /v2/organizations/me', () => {
  it('takes the id, name, e-mail and locale of the organization', () => {
    expect(
      profileClaims!({ resource: 'organization', id: 'org_12345678', name: 'Mollie B.V.', email: 'info@mollie.com', locale: 'nl_NL', address: { city: 'Amsterdam' }, registrationNumber: '30204462', _links: {} }),
    ).toEqual({ id: 'org_12345678', name: 'Mollie B.V.', email: 'info@mollie.com', locale: 'nl_NL' });
  });

  it('leaves out an empty name, e-mail and locale', () => {
    expect(profileClaims!({ resource: 'organization', id: 'org_1', name: ' ', email: '', locale: '' })).toEqual({ id: 'org_1' });
  });

  it.each([[{ resource: 'organization', name: 'x' }], [{ resource: 'profile', id: 'org_1' }], [{ resource: 'organization', id: 'pfl_1' }], [{ resource: 'organization', id: 1 }], [null], [[]]])('finds no organization in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('mollie revoke: DELETE /oauth2/tokens', () => {
  const endpoint = 'https://api.mollie.com/oauth2/tokens';
  const request = (status: number, body?: unknown, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status, body), { clientId: 'app_x', clientSecret: 's3cret', revocationEndpoint: endpoint, ...state });

  it('204 is revoked; the refresh token goes with its hint, the client as plain Basic', async () => {
    const { value, sent } = request(204);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('DELETE');
    expect(sent[0]!.init.headers.authorization).toBe(`Basic ${Buffer.from('app_x:s3cret').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(String(sent[0]!.init.body)))).toEqual({ token_type_hint: 'refresh_token', token: 'refresh' });
  });

  it('without a refresh token, the access token is revoked', async () => {
    const { value, sent } = request(204, undefined, { refreshToken: null });
    expect(await revoke!(value)).toBe('revoked');
    expect(Object.fromEntries(new URLSearchParams(String(sent[0]!.init.body)))).toEqual({ token_type_hint: 'access_token', token: 'live' });
  });

  it('400 invalid_grant (a token Mollie no longer knows) is already revoked', async () => {
    expect(await revoke!(request(400, { error: 'invalid_grant', error_description: "Token doesn't exist" }).value)).toBe('already_revoked');
  });

  it('other answers fail', async () => {
    await expect(revoke!(request(400, { error: 'invalid_request' }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(401, { error: 'invalid_client' }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
