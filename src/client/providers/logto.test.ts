import { describe, expect, it } from 'vitest';
import { logto } from './logto.js';

describe('Logto preset', () => {
  it('finds the issuer at <endpoint>/oidc and calls it, with offline_access, Basic, Logto’s `username` and its 14-day refresh tokens', () => {
    expect(logto.settings({ baseUrl: 'https://acme.logto.app/' })).toEqual({
      discovery: { issuer: 'https://acme.logto.app/oidc' },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://acme.logto.app/oidc',
      tokenEndpointAuthMethod: 'client_secret_basic',
      claimNames: { preferredUsername: 'username' },
      refreshTokenIdleSeconds: 14 * 86_400,
    });
  });

  it('keeps a self-hosted server’s path', () => {
    expect(logto.settings({ baseUrl: 'https://id.acme.test/logto' }).discovery).toEqual({ issuer: 'https://id.acme.test/logto/oidc' });
  });
});
