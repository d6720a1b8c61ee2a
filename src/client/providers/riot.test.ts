import { describe, expect, it } from 'vitest';
import { riot } from './riot.js';

describe('riot settings', () => {
  it('discovers https://auth.riotgames.com, asks openid offline_access, sends the client as Basic without PKCE, and calls the Riot Games API at the Americas routing host, the other routing hosts allowed', () => {
    const settings = riot.settings({});
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://auth.riotgames.com' },
      scope: 'openid offline_access',
      apiBaseUrl: 'https://americas.api.riotgames.com',
      extraApiBaseUrls: ['https://*.api.riotgames.com'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: false,
    });
    expect(settings.endpoints).toBeUndefined();
    expect(settings.hooks).toBeUndefined();
    expect(riot.values).toBeUndefined();
  });
});
