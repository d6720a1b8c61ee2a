import { describe, expect, it } from 'vitest';
import { dingtalk } from './dingtalk.js';

const settings = dingtalk.settings({});
const { tokenRequest, tokenResponse, profileClaims } = settings.hooks!;

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('dingtalk settings', () => {
  it('signs in at login.dingtalk.com with prompt=consent, exchanges and reads the person at api.dingtalk.com with its own token header, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://login.dingtalk.com/oauth2/auth',
        tokenEndpoint: 'https://api.dingtalk.com/v1.0/oauth2/userAccessToken',
        userinfoEndpoint: 'https://api.dingtalk.com/v1.0/contact/users/me',
      },
      scope: 'openid',
      idTokenUnused: true,
      authorizationParams: { prompt: 'consent' },
      apiBaseUrl: 'https://api.dingtalk.com',
      accessTokenHeader: 'x-acs-dingtalk-access-token',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'union_id',
    });
    expect(dingtalk.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('dingtalk tokenRequest: the form as a camelCase JSON body', () => {
  it('renames the client, the grant type, the code and the refresh token, and leaves out redirect_uri', () => {
    const code = tokenRequest!({
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'abcd', redirect_uri: 'https://app.example/cb', client_id: 'dingx', client_secret: 's3cret' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' },
    });
    expect(JSON.parse(code.body)).toEqual({ grantType: 'authorization_code', code: 'abcd', clientId: 'dingx', clientSecret: 's3cret' });
    expect(code.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json' });
    const refresh = tokenRequest!({ body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'dingx', client_secret: 's3cret' }), headers: {} });
    expect(JSON.parse(refresh.body)).toEqual({ grantType: 'refresh_token', refreshToken: 'r1', clientId: 'dingx', clientSecret: 's3cret' });
  });
});

describe("dingtalk tokenResponse: DingTalk's answer in RFC 6749's words", () => {
  it('renames accessToken, refreshToken and expireIn, adds the Bearer type and the 30-day refresh token, and drops corpId', async () => {
    const rebuilt = await tokenResponse!(answer(200, { expireIn: 7200, accessToken: 'a1', refreshToken: 'r1', corpId: 'ding123' }));
    expect(rebuilt.status).toBe(200);
    expect(await rebuilt.json()).toEqual({ access_token: 'a1', token_type: 'Bearer', expires_in: 7200, refresh_token: 'r1', refresh_token_expires_in: 30 * 86_400 });
    const bare = await tokenResponse!(answer(200, { accessToken: 'a2' }));
    expect(await bare.json()).toEqual({ access_token: 'a2', token_type: 'Bearer' });
  });

  it.each([
    [401, 'invalidClientSecret', 401, 'invalid_client'],
    [400, 'invalidParameter.appKey.notFound', 401, 'invalid_client'],
    [400, 'invalidParameter.authCode.invalid', 400, 'invalid_grant'],
    [400, 'invalidParameter.refreshToken.invalid', 400, 'invalid_grant'],
    [400, 'MissingParameter', 400, 'invalid_request'],
  ])('a %i with code %s is a %i %s, its message the description', async (status, code, rebuiltStatus, error) => {
    const rebuilt = await tokenResponse!(answer(status, { code, requestid: 'req-1', message: '不合法' }));
    expect(rebuilt.status).toBe(rebuiltStatus);
    expect(await rebuilt.json()).toEqual({ error, error_description: '不合法', dingtalk_code: code });
  });

  it('leaves a server failure, an RFC 6749 error and a body that is not JSON as they came', async () => {
    const failure = await tokenResponse!(answer(503, { code: 'ServiceUnavailable', message: 'busy' }));
    expect(failure.status).toBe(503);
    expect(await failure.json()).toEqual({ code: 'ServiceUnavailable', message: 'busy' });
    const rfc = await tokenResponse!(answer(400, { error: 'invalid_grant', code: 'x' }));
    expect(await rfc.json()).toEqual({ error: 'invalid_grant', code: 'x' });
    const page = await tokenResponse!(new Response('<h1>Bad Gateway</h1>', { status: 502, headers: { 'content-type': 'text/html' } }));
    expect(page.status).toBe(502);
    expect(await page.text()).toBe('<h1>Bad Gateway</h1>');
  });
});

describe('dingtalk profileClaims: the person of /v1.0/contact/users/me', () => {
  it('takes the unionId, the openId, the nickname, the avatar and the e-mail, never the mobile number', () => {
    expect(
      profileClaims!({ nick: ' 张三 ', avatarUrl: 'https://static-legacy.dingtalk.com/media/a.jpg', mobile: '13800000000', openId: 'Xo5vQk', unionId: 'ii6Ew2', email: 'zhangsan@example.com', stateCode: '86' }),
    ).toEqual({ union_id: 'ii6Ew2', open_id: 'Xo5vQk', name: '张三', picture: 'https://static-legacy.dingtalk.com/media/a.jpg', email: 'zhangsan@example.com' });
    expect(profileClaims!({ unionId: 'ii6Ew2', nick: '', email: null })).toEqual({ union_id: 'ii6Ew2' });
  });

  it.each([[{ openId: 'Xo5vQk', nick: '张三' }], [{ unionId: 42 }], [{ unionId: ' ' }], [{ code: 'InvalidAuthentication', message: '不合法的access_token' }], [null], [[{ unionId: 'ii6Ew2' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
