import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { roblox } from './roblox.js';

const settings = roblox.settings({});
const { revoke } = settings.hooks!;

describe('roblox settings', () => {
  it('discovery at the issuer with its trailing slash, openid profile, the client in the form, Open Cloud as the API, 90-day refresh tokens kept alive', () => {
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://apis.roblox.com/oauth/' },
      metadataOverrides: { revocationEndpoint: 'https://apis.roblox.com/oauth/v1/token/revoke' },
      scope: 'openid profile',
      apiBaseUrl: 'https://apis.roblox.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenIdleSeconds: 90 * 86_400,
    });
    expect(settings.pkce).toBeUndefined();
  });
});

describe('roblox revoke: the session, by its refresh token, at /oauth/v1/token/revoke', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status), { clientId: '840974200211308101', clientSecret: 'RBX-secret', revocationEndpoint: 'https://apis.roblox.com/oauth/v1/token/revoke', ...state });

  it('200 is revoked; the refresh token and the client go in the form, once', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://apis.roblox.com/oauth/v1/token/revoke');
    expect(sent[0]!.init).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.init.body))).toEqual({ token: 'refresh', client_id: '840974200211308101', client_secret: 'RBX-secret' });
  });

  it('a 4xx after Roblox refused the refresh token is already revoked; otherwise, or for the client (401) or a fault (5xx), a refusal', async () => {
    expect(await revoke!(request(400, { refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(400).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(401, { refreshTokenRefused: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503, { refreshTokenRefused: true }).value)).rejects.toMatchObject({ code: 'provider_error' });
  });

  it('a connection without a refresh token sends nothing and says why', async () => {
    const { value, sent } = request(200, { refreshToken: null });
    await expect(revoke!(value)).rejects.toThrow('by its refresh token');
    expect(sent).toHaveLength(0);
  });
});
