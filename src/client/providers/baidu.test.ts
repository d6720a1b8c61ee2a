import { describe, expect, it } from 'vitest';
import { baidu } from './baidu.js';

const settings = baidu.settings({});
const { profileClaims, tokenRejected } = settings.hooks!;

describe('baidu settings', () => {
  it('names openapi.baidu.com’s OAuth endpoints and passport/users/getInfo, asks basic and no PKCE, sends the client in the form and the token as access_token, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://openapi.baidu.com/oauth/2.0/authorize',
        tokenEndpoint: 'https://openapi.baidu.com/oauth/2.0/token',
        userinfoEndpoint: 'https://openapi.baidu.com/rest/2.0/passport/users/getInfo',
      },
      apiBaseUrl: 'https://openapi.baidu.com/rest/2.0',
      scope: 'basic',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      omitsTokenType: true,
      accessTokenParameter: 'access_token',
      subjectClaim: 'openid',
    });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
    expect(baidu.values).toBeUndefined();
  });
});

describe('baidu profileClaims: passport/users/getInfo', () => {
  it('takes the openid and the username, not the portrait', () => {
    expect(profileClaims!({ openid: 'oPXyY4O0ZTmUqSX4MRxYDDCccT6Kc9E', username: ' ada ', portrait: 'e2c1776c31393837...' })).toEqual({ openid: 'oPXyY4O0ZTmUqSX4MRxYDDCccT6Kc9E', name: 'ada' });
    expect(profileClaims!({ openid: 'oPXyY4O0ZTmUqSX4MRxYDDCccT6Kc9E', username: '' })).toEqual({ openid: 'oPXyY4O0ZTmUqSX4MRxYDDCccT6Kc9E' });
  });

  it.each([[{ userid: 2097322476, username: 'ada' }], [{ openid: 42 }], [{ openid: ' ' }], [{ error_code: 110, error_msg: 'Access token invalid or no longer valid' }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('baidu tokenRejected: the error codes of a token Baidu no longer takes', () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it.each([110, 111])('error %i is a rejected token', async (code) => {
    expect(await tokenRejected!(answer(400, { error_code: code, error_msg: 'Access token invalid or no longer valid' }))).toBe(true);
  });

  it('another error is not', async () => {
    expect(await tokenRejected!(answer(400, { error_code: 100, error_msg: 'Invalid parameter' }))).toBe(false);
  });
});
