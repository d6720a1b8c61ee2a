import { describe, expect, it } from 'vitest';
import { onelogin } from './onelogin.js';

describe('OneLogin preset', () => {
  it('finds the account’s OpenID Connect API version 2 as the issuer and the API, asking openid profile email with Basic and no keep-alive of its own', () => {
    expect(onelogin.settings({ domain: 'acme.onelogin.com' })).toEqual({
      discovery: { issuer: 'https://acme.onelogin.com/oidc/2' },
      scope: 'openid profile email',
      apiBaseUrl: 'https://acme.onelogin.com/oidc/2',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });
});
