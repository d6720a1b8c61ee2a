import { describe, expect, it } from 'vitest';
import { wechat } from './wechat.js';

const settings = wechat.settings({}, { clientId: 'wx5f2d8a0c3b7e9146' });
const { tokenRequest, tokenResponse, tokenResponseProfile, tokenRejected } = settings.hooks!;

async function rewritten(body: unknown, status = 200) {
  const answer = await tokenResponse!(new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'text/plain' } }));
  return { status: answer.status, text: await answer.text() };
}

const apiAnswer = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('wechat settings', () => {
  it('opens the QR connect page with the appid and snsapi_login, exchanges and refreshes with GETs at their own endpoints, calls the API with the token in the query', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://open.weixin.qq.com/connect/qrconnect#wechat_redirect',
        tokenEndpoint: 'https://api.weixin.qq.com/sns/oauth2/access_token',
        refreshEndpoint: 'https://api.weixin.qq.com/sns/oauth2/refresh_token',
      },
      scope: 'snsapi_login',
      apiBaseUrl: 'https://api.weixin.qq.com',
      accessTokenParameter: 'access_token',
      successMayRejectToken: true,
      tokenEndpointAuthMethod: 'client_secret_post',
      tokenRequestsInQuery: true,
      pkce: false,
      authorizationParams: { appid: 'wx5f2d8a0c3b7e9146' },
      subjectClaim: 'openid',
    });
    expect(settings.endpoints?.userinfoEndpoint).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(wechat.settings({}).authorizationParams).toBeUndefined();
  });
});

describe('wechat tokenRequest', () => {
  it('sends the client as appid and secret with the code, and only the appid with a refresh; nothing WeChat does not name', () => {
    const exchange = tokenRequest!({ body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c1', redirect_uri: 'https://app.test/cb', client_id: 'wx1', client_secret: 's' }), headers: {} });
    expect(Object.fromEntries(new URLSearchParams(exchange.body))).toEqual({ appid: 'wx1', secret: 's', code: 'c1', grant_type: 'authorization_code' });
    const refresh = tokenRequest!({ body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'wx1', client_secret: 's' }), headers: {} });
    expect(Object.fromEntries(new URLSearchParams(refresh.body))).toEqual({ appid: 'wx1', grant_type: 'refresh_token', refresh_token: 'r1' });
  });
});

describe('wechat tokenResponse', () => {
  it('adds the Bearer type and makes the scope space-separated, keeping openid and unionid', async () => {
    const answer = await rewritten({ access_token: 'AT', expires_in: 7200, refresh_token: 'RT', openid: 'oH9d2v7N', scope: 'snsapi_login,snsapi_userinfo', unionid: 'o4wcnwx0' });
    expect(JSON.parse(answer.text)).toEqual({ access_token: 'AT', expires_in: 7200, refresh_token: 'RT', openid: 'oH9d2v7N', scope: 'snsapi_login snsapi_userinfo', unionid: 'o4wcnwx0', token_type: 'Bearer' });
  });

  it('an errcode sent with HTTP 200 becomes RFC 6749’s refusal: a code or refresh token invalid_grant, the client invalid_client with 401, the rest invalid_request', async () => {
    expect(await rewritten({ errcode: 40029, errmsg: 'invalid code' })).toEqual({ status: 400, text: JSON.stringify({ error: 'invalid_grant', error_description: 'invalid code', wechat_errcode: 40029 }) });
    for (const code of [40163, 42003, 40030, 42002]) expect(JSON.parse((await rewritten({ errcode: code, errmsg: 'x' })).text).error).toBe('invalid_grant');
    for (const code of [40013, 40125, 41004]) expect(await rewritten({ errcode: code })).toMatchObject({ status: 401, text: expect.stringContaining('"invalid_client"') });
    expect(JSON.parse((await rewritten({ errcode: 41008, errmsg: 'missing code' })).text).error).toBe('invalid_request');
  });

  it('a body that is not JSON, or an answer that is not 200, passes as it came', async () => {
    expect(await rewritten('<html>busy</html>', 503)).toEqual({ status: 503, text: '<html>busy</html>' });
  });
});

describe('wechat tokenResponseProfile and tokenRejected', () => {
  it('the person is the openid, with the unionid when there is one', () => {
    expect(tokenResponseProfile!({ access_token: 'AT', openid: 'oH9d2v7N', unionid: 'o4wcnwx0' })).toEqual({ openid: 'oH9d2v7N', unionid: 'o4wcnwx0' });
    expect(tokenResponseProfile!({ access_token: 'AT', openid: 'oH9d2v7N' })).toEqual({ openid: 'oH9d2v7N' });
    expect(tokenResponseProfile!({ access_token: 'AT' })).toBeUndefined();
    expect(tokenResponseProfile!({ openid: '' })).toBeUndefined();
  });

  it('reads an HTTP 200 with errcode 40001, 40014 or 42001 as the token refused, and nothing else', async () => {
    for (const code of [40001, 40014, 42001]) expect(await tokenRejected!(apiAnswer({ errcode: code, errmsg: 'invalid' }))).toBe(true);
    expect(await tokenRejected!(apiAnswer({ errcode: 0, errmsg: 'ok' }))).toBe(false);
    expect(await tokenRejected!(apiAnswer({ openid: 'o', nickname: 'N' }))).toBe(false);
    expect(await tokenRejected!(apiAnswer({ errcode: 40003, errmsg: 'invalid openid' }))).toBe(false);
    expect(await tokenRejected!(apiAnswer({ errcode: 42001 }, 500))).toBe(false);
  });
});
