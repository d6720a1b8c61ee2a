import { describe, expect, it } from 'vitest';
import { binance } from './binance.js';

const settings = binance.settings({});
const { profileClaims, authorizationScope } = settings.hooks!;

describe('binance settings', () => {
  it('signs in at accounts.binance.com, reads the person and revokes at www.binanceapis.com, asks user:openId, sends the client in the form, no PKCE', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://accounts.binance.com/en/oauth/authorize',
        tokenEndpoint: 'https://accounts.binance.com/oauth/token',
        userinfoEndpoint: 'https://www.binanceapis.com/oauth-api/v1/user-info',
        revocationEndpoint: 'https://www.binanceapis.com/oauth-api/v1/revoke-token',
      },
      apiBaseUrl: 'https://www.binanceapis.com/oauth-api',
      scope: 'user:openId',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'userId',
    });
    expect(binance.values).toBeUndefined();
    expect(settings.hooks?.revoke).toBeTypeOf('function');
  });

  it('joins several scopes with commas, as Binance takes them', () => {
    expect(authorizationScope!('user:openId create:apikey')).toBe('user:openId,create:apikey');
  });
});

describe('binance profileClaims: the user info envelope', () => {
  it('takes the userId and the e-mail from data', () => {
    expect(profileClaims!({ code: '000000', message: null, data: { userId: 'e10e20b7f20947e7bd206b15ce3dae90', email: ' xx@xx.com ' }, success: true })).toEqual({ userId: 'e10e20b7f20947e7bd206b15ce3dae90', email: 'xx@xx.com' });
    expect(profileClaims!({ code: '000000', message: null, data: { userId: 'e10e20b7f20947e7bd206b15ce3dae90' }, success: true })).toEqual({ userId: 'e10e20b7f20947e7bd206b15ce3dae90' });
  });

  it.each([
    [{ code: '000000', data: { userId: 'e10e' }, success: false }],
    [{ code: '000000', data: { userId: 'e10e' } }],
    [{ code: '000000', data: { userId: 42 }, success: true }],
    [{ code: '000000', data: { userId: ' ' }, success: true }],
    [{ code: '000000', data: null, success: true }],
    [{ userId: 'e10e' }],
    [null],
  ])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
