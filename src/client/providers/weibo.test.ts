import { describe, expect, it } from 'vitest';
import { weibo } from './weibo.js';

const settings = weibo.settings({}, { clientId: '1352222456' });
const { profileClaims, tokenRejected } = settings.hooks!;

describe('weibo settings', () => {
  it('names api.weibo.com’s OAuth endpoints and get_token_info as the profile, asks no scope and no PKCE, sends the client in the form, reads answers without token_type, sends the token as access_token, and revokes through its hook', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://api.weibo.com/oauth2/authorize',
        tokenEndpoint: 'https://api.weibo.com/oauth2/access_token',
        userinfoEndpoint: 'https://api.weibo.com/oauth2/get_token_info',
      },
      apiBaseUrl: 'https://api.weibo.com/2',
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      omitsTokenType: true,
      userinfoTokenInForm: true,
      accessTokenParameter: 'access_token',
      subjectClaim: 'uid',
    });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeTypeOf('function');
    expect(weibo.values).toBeUndefined();
  });
});

describe('weibo profileClaims: get_token_info, checked against the App Key', () => {
  it('takes the uid of a token issued to this App Key, as a number or a string', () => {
    expect(profileClaims!({ uid: 1073880650, appkey: 1352222456, scope: null, create_at: 1352267591, expire_in: 157679471 })).toEqual({ uid: '1073880650' });
    expect(profileClaims!({ uid: '1073880650', appkey: '1352222456' })).toEqual({ uid: '1073880650' });
  });

  it.each([
    [{ uid: 1073880650, appkey: 3820007755 }],
    [{ uid: 1073880650 }],
    [{ appkey: 1352222456 }],
    [{ uid: 0, appkey: 1352222456 }],
    [{ uid: 'ada', appkey: 1352222456 }],
    [{ error: 'invalid_access_token', error_code: 21332, request: '/oauth2/get_token_info' }],
    [null],
  ])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });

  it('finds no one when the client is not known, as no App Key can be compared', () => {
    expect(weibo.settings({}).hooks!.profileClaims!({ uid: 1073880650, appkey: 1352222456 })).toBeUndefined();
  });
});

describe('weibo tokenRejected: the error codes of a token Weibo no longer takes', () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it.each([21317, 21327, 21332])('error %i is a rejected token', async (code) => {
    expect(await tokenRejected!(answer(400, { error: 'expired_token', error_code: code, request: '/2/users/show.json' }))).toBe(true);
  });

  it('another error is not', async () => {
    expect(await tokenRejected!(answer(400, { error: 'User does not exists!', error_code: 20003, request: '/2/users/show.json' }))).toBe(false);
    expect(await tokenRejected!(answer(403, { error: 'Insufficient app permissions!', error_code: 10014 }))).toBe(false);
  });
});
