import { describe, expect, it } from 'vitest';
import { jumpcloud } from './jumpcloud.js';

describe('JumpCloud preset', () => {
  it("finds JumpCloud's one issuer by discovery (its trailing slash kept), asks openid profile email offline_access with the client as HTTP Basic, and calls the issuer's host", () => {
    expect(jumpcloud.settings({})).toEqual({
      discovery: { issuer: 'https://oauth.id.jumpcloud.com/' },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://oauth.id.jumpcloud.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    expect(jumpcloud.values).toBeUndefined();
  });

  it('names no endpoint, subject claim or hook of its own: discovery and OpenID Connect give them', () => {
    const settings = jumpcloud.settings({});
    expect(settings.endpoints).toBeUndefined();
    expect(settings.subjectClaim).toBeUndefined();
    expect(settings.hooks).toBeUndefined();
  });
});
