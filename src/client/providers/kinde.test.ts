import { describe, expect, it } from 'vitest';
import { kinde } from './kinde.js';

describe('Kinde preset', () => {
  it('finds the business’s host as the issuer and the API, asking Kinde’s `offline` (not offline_access) for a refresh token, the client in the form', () => {
    expect(kinde.settings({ domain: 'acme.kinde.com' })).toEqual({
      discovery: { issuer: 'https://acme.kinde.com' },
      scope: 'openid profile email offline',
      apiBaseUrl: 'https://acme.kinde.com',
      tokenEndpointAuthMethod: 'client_secret_post',
    });
  });

  it('takes a custom domain as the issuer too', () => {
    expect(kinde.settings({ domain: 'auth.acme.test' }).discovery).toEqual({ issuer: 'https://auth.acme.test' });
  });
});
