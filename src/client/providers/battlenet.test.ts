import { describe, expect, it } from 'vitest';
import { battlenet } from './battlenet.js';

describe('battlenet settings: the global OAuth server, or China’s through the base URL', () => {
  it('oauth.battle.net by default: discovery there, the game profile scopes, Basic credentials, the US API with every region’s reachable', () => {
    const settings = battlenet.settings({});
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://oauth.battle.net' },
      scope: 'openid wow.profile sc2.profile d3.profile',
      apiBaseUrl: 'https://us.api.blizzard.com',
      extraApiBaseUrls: ['https://*.api.blizzard.com'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    // Revocation is the discovery document's RFC 7009 endpoint: no hook, no endpoint of the preset's own.
    expect(settings.hooks!.revoke).toBeUndefined();
    expect(settings.metadataOverrides).toBeUndefined();
  });

  it('China’s OAuth server moves the API to its gateway, and no blizzard.com region is reachable', () => {
    for (const baseUrl of ['https://oauth.battlenet.com.cn', 'https://oauth.battlenet.com.cn/']) {
      const settings = battlenet.settings({ baseUrl });
      expect(settings.discovery).toEqual({ issuer: 'https://oauth.battlenet.com.cn' });
      expect(settings.apiBaseUrl).toBe('https://gateway.battlenet.com.cn');
      expect(settings.extraApiBaseUrls).toBeUndefined();
    }
  });
});

describe('battlenet profileClaims: the BattleTag as the name', () => {
  const { profileClaims } = battlenet.settings({}).hooks!;

  it('keeps userinfo’s members, with the BattleTag as name and preferred_username', () => {
    expect(profileClaims!({ sub: '100000001', id: 100000001, battletag: 'Ada#1815' })).toEqual({
      sub: '100000001',
      id: 100000001,
      battletag: 'Ada#1815',
      name: 'Ada#1815',
      preferred_username: 'Ada#1815',
    });
  });

  it('an answer without a BattleTag keeps its members and names no one by name', () => {
    expect(profileClaims!({ sub: '100000002', id: 100000002 })).toEqual({ sub: '100000002', id: 100000002 });
    expect(profileClaims!({ sub: '100000003', battletag: '  ' })).toEqual({ sub: '100000003', battletag: '  ' });
  });

  it.each([[null], [['100000001']], ['Ada#1815']])('finds no profile in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
