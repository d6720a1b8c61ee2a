import { describe, expect, it } from 'vitest';
import { beyond_identity } from './beyond_identity.js';

describe('Beyond Identity preset', () => {
  it("finds the application's Issuer by discovery and calls it, asking openid, with the client as HTTP Basic and no revocation of its own", () => {
    const issuer = 'https://auth-eu.beyondidentity.com/v1/tenants/000176d94fd7b4d1/realms/5a0f2b7c9e3d1846/applications/1233449b-11c4-4884-b622-0bfbaefd44d3';
    expect(beyond_identity.settings({ baseUrl: `${issuer}/` })).toEqual({
      discovery: { issuer },
      scope: 'openid',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    expect(beyond_identity.values).toEqual({ baseUrl: 'issuer' });
  });
});
