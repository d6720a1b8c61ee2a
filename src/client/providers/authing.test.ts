import { describe, expect, it } from 'vitest';
import { authing } from './authing.js';

describe('Authing preset', () => {
  it('finds the issuer at <domain>/oidc and calls it, asking offline_access, with the client in the form (Authing’s default)', () => {
    expect(authing.settings({ baseUrl: 'https://acme.authing.cn/' })).toEqual({
      discovery: { issuer: 'https://acme.authing.cn/oidc' },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://acme.authing.cn/oidc',
      tokenEndpointAuthMethod: 'client_secret_post',
    });
    expect(authing.values).toEqual({ baseUrl: 'issuer' });
  });

  it('takes an application’s custom domain as it is', () => {
    expect(authing.settings({ baseUrl: 'https://login.acme.test' }).discovery).toEqual({ issuer: 'https://login.acme.test/oidc' });
  });
});
