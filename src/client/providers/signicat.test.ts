import { describe, expect, it } from 'vitest';
import { signicat } from './signicat.js';

describe('Signicat preset', () => {
  it("makes the issuer and the API from the account's domain under /auth/open, with openid profile offline_access, Basic and no consent prompt", () => {
    expect(signicat.settings({ domain: 'acme.sandbox.signicat.com' })).toEqual({
      discovery: { issuer: 'https://acme.sandbox.signicat.com/auth/open' },
      scope: 'openid profile offline_access',
      apiBaseUrl: 'https://acme.sandbox.signicat.com/auth/open',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
  });

  it("takes a production or custom domain as the issuer's host too", () => {
    expect(signicat.settings({ domain: 'acme.app.signicat.com' }).discovery).toEqual({ issuer: 'https://acme.app.signicat.com/auth/open' });
    expect(signicat.settings({ domain: 'id.acme.test' }).discovery).toEqual({ issuer: 'https://id.acme.test/auth/open' });
  });
});
