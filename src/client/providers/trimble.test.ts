import { describe, expect, it } from 'vitest';
import { trimble } from './trimble.js';

describe('trimble settings', () => {
  it('discovers https://id.trimble.com, asks openid, sends the client as plain Basic, no PKCE, and keeps a refresh token alive within its 9 days', () => {
    const settings = trimble.settings({});
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://id.trimble.com' },
      scope: 'openid',
      apiBaseUrl: 'https://id.trimble.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      pkce: false,
      refreshTokenIdleSeconds: 777_600,
    });
    expect(settings.endpoints).toBeUndefined();
    expect(settings.hooks).toBeUndefined();
    expect(trimble.values).toBeUndefined();
  });
});
