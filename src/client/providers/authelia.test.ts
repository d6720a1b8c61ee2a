import { describe, expect, it } from 'vitest';
import { authelia } from './authelia.js';

describe('Authelia preset', () => {
  it('finds the issuer at the root URL and calls it, with offline_access and no consent prompt, Basic, and no keep-alive for its 90-minute refresh tokens', () => {
    expect(authelia.settings({ baseUrl: 'https://auth.acme.test/' })).toEqual({
      discovery: { issuer: 'https://auth.acme.test' },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://auth.acme.test',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
  });

  it('keeps a sub-path', () => {
    expect(authelia.settings({ baseUrl: 'https://acme.test/authelia' }).discovery).toEqual({ issuer: 'https://acme.test/authelia' });
  });
});
