import { describe, expect, it } from 'vitest';
import { dexcom } from './dexcom.js';

describe('dexcom settings: the United States, or another server through the base URL', () => {
  it('the United States by default: the OAuth endpoints under /v2/oauth2, the person from /v3/users/self/dataRange, the API the same server', () => {
    expect(dexcom.settings({})).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://api.dexcom.com/v2/oauth2/login',
        tokenEndpoint: 'https://api.dexcom.com/v2/oauth2/token',
        userinfoEndpoint: 'https://api.dexcom.com/v3/users/self/dataRange',
      },
      scope: 'offline_access',
      apiBaseUrl: 'https://api.dexcom.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'userId',
    });
    expect(dexcom.settings({}).endpoints!.revocationEndpoint).toBeUndefined();
    expect(dexcom.settings({}).hooks!.revoke).toBeUndefined();
  });

  it.each(['https://api.dexcom.eu', 'https://api.dexcom.jp/', 'https://sandbox-api.dexcom.com'])('%s holds every endpoint and the API', (baseUrl) => {
    const origin = baseUrl.replace(/\/$/, '');
    const settings = dexcom.settings({ baseUrl });
    expect(settings.endpoints).toEqual({
      authorizationEndpoint: `${origin}/v2/oauth2/login`,
      tokenEndpoint: `${origin}/v2/oauth2/token`,
      userinfoEndpoint: `${origin}/v3/users/self/dataRange`,
    });
    expect(settings.apiBaseUrl).toBe(origin);
  });
});

describe('dexcom profileClaims: the userId of a v3 answer, and nothing else', () => {
  const { profileClaims } = dexcom.settings({}).hooks!;

  it('keeps the userId alone, not the data range', () => {
    const body = { recordType: 'dataRange', recordVersion: '3.0', userId: '35d77a14-243f-4d5d-9f3f-3b3a7d7e9c3a', egvs: { start: { systemTime: '2026-01-15T08:00:00', displayTime: '2026-01-15T01:00:00' } } };
    expect(profileClaims!(body)).toEqual({ userId: '35d77a14-243f-4d5d-9f3f-3b3a7d7e9c3a' });
  });

  it.each([[{ recordType: 'dataRange' }], [{ userId: '' }], [{ userId: 42 }], [null], [['35d77a14']]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
