import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { fusionauth } from './fusionauth.js';

describe('FusionAuth preset', () => {
  it("reads discovery at the server's own URL (the tenant's issuer need not be it), plain Basic, offline_access without a consent prompt", () => {
    const settings = fusionauth.settings({ baseUrl: 'https://auth.acme.test/' });
    expect(settings).toEqual({
      discovery: { metadataUrl: 'https://auth.acme.test/.well-known/openid-configuration' },
      scope: 'openid offline_access profile email',
      apiBaseUrl: 'https://auth.acme.test',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      refreshTokenNeedsConsent: false,
      hooks: { revoke: expect.any(Function) },
    });
  });

  it("a tenant: its discovery document and tenantId on the authorization request; no base URL (the issuer given alone), no API base", () => {
    const tenant = '30663132-6464-6665-3032-326466613934';
    expect(fusionauth.settings({ baseUrl: 'https://auth.acme.test', tenant })).toMatchObject({
      discovery: { metadataUrl: `https://auth.acme.test/.well-known/openid-configuration?tenantId=${tenant}` },
      authorizationParams: { tenantId: tenant },
    });
    expect(fusionauth.settings({})).not.toHaveProperty('apiBaseUrl');
    expect(fusionauth.settings({ baseUrl: 'https://auth.acme.test' })).not.toHaveProperty('authorizationParams');
  });
});

describe('fusionauth revoke: DELETE /api/jwt/refresh with the access token', () => {
  const { revoke } = fusionauth.settings({ baseUrl: 'https://auth.acme.test' }).hooks!;
  const request = (status: number, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status), { apiBaseUrl: 'https://auth.acme.test/', accessToken: 'eyJ.jwt.sig', refreshToken: 'ze9fi6Y9+sMSf3', ...state });

  it('200 is revoked: the refresh token in a form body, the access token as Bearer, no client secret', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toEqual([
      {
        url: 'https://auth.acme.test/api/jwt/refresh',
        init: { method: 'DELETE', headers: { authorization: 'Bearer eyJ.jwt.sig', 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=ze9fi6Y9%2BsMSf3' },
      },
    ]);
  });

  it('404 (a token FusionAuth does not know) or a refresh token it refused already is already revoked, the latter with no request', async () => {
    expect(await revoke!(request(404).value)).toBe('already_revoked');
    const refused = request(401, { refreshTokenRefused: true, accessTokenExpired: true });
    expect(await revoke!(refused.value)).toBe('already_revoked');
    expect(refused.sent).toEqual([]);
  });

  it('any other answer is a refusal; no refresh token or no API base sends nothing', async () => {
    await expect(revoke!(request(401).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
    const none = request(200, { refreshToken: null });
    await expect(revoke!(none.value)).rejects.toThrow(/refresh tokens alone/);
    const noBase = request(200, { apiBaseUrl: undefined });
    await expect(revoke!(noBase.value)).rejects.toThrow(/API base/);
    expect([...none.sent, ...noBase.sent]).toEqual([]);
  });
});
