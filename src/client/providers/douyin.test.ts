import { describe, expect, it } from 'vitest';
import { douyin } from './douyin.js';

const settings = douyin.settings({}, { clientId: 'awx2a5n8ot1k3c7z' });
const { tokenRequest, tokenResponse, tokenResponseProfile, tokenRejected, authorizationScope } = settings.hooks!;

async function rewritten(body: unknown, status = 200) {
  const answer = await tokenResponse!(new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
  return { status: answer.status, text: await answer.text() };
}

const apiAnswer = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('douyin settings', () => {
  it('authorizes at open.douyin.com with the client key, asks user_info, exchanges codes and refreshes at their own endpoints, calls the API with an access-token header', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://open.douyin.com/platform/oauth/connect/',
        tokenEndpoint: 'https://open.douyin.com/oauth/access_token/',
        refreshEndpoint: 'https://open.douyin.com/oauth/refresh_token/',
      },
      scope: 'user_info',
      apiBaseUrl: 'https://open.douyin.com',
      accessTokenHeader: 'access-token',
      successMayRejectToken: true,
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      authorizationParams: { client_key: 'awx2a5n8ot1k3c7z' },
      subjectClaim: 'open_id',
    });
    expect(settings.endpoints?.userinfoEndpoint).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(douyin.settings({}).authorizationParams).toBeUndefined();
    expect(authorizationScope!('user_info video.list')).toBe('user_info,video.list');
  });
});

describe('douyin tokenRequest', () => {
  it('names the client client_key, and leaves the secret out of a refresh', () => {
    const exchange = tokenRequest!({ body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c1', client_id: 'k', client_secret: 's' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(Object.fromEntries(new URLSearchParams(exchange.body))).toEqual({ grant_type: 'authorization_code', code: 'c1', client_key: 'k', client_secret: 's' });
    const refresh = tokenRequest!({ body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'rft.1', client_id: 'k', client_secret: 's' }), headers: {} });
    expect(Object.fromEntries(new URLSearchParams(refresh.body))).toEqual({ grant_type: 'refresh_token', refresh_token: 'rft.1', client_key: 'k' });
  });
});

describe('douyin tokenResponse', () => {
  it('unwraps data, adds the Bearer token type, reads numbers sent as text, and names the refresh lifetime', async () => {
    const answer = await rewritten({ data: { access_token: 'act.1', captcha: '', desc_url: '', description: '', error_code: 0, expires_in: '1296000', log_id: 'L', open_id: 'b9b71865-7fea', refresh_expires_in: 2592000, refresh_token: 'rft.1', scope: 'user_info,video.list' }, message: 'success' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ access_token: 'act.1', expires_in: 1296000, open_id: 'b9b71865-7fea', refresh_expires_in: 2592000, refresh_token_expires_in: 2592000, refresh_token: 'rft.1', scope: 'user_info video.list', token_type: 'Bearer' });
  });

  it('a refusal sent with HTTP 200 becomes RFC 6749’s: an expired refresh token (10010) invalid_grant, a wrong client invalid_client with 401, a missing parameter invalid_request', async () => {
    expect(await rewritten({ data: { description: 'refresh_token 过期', error_code: 10010 }, message: 'error' })).toEqual({ status: 400, text: JSON.stringify({ error: 'invalid_grant', error_description: 'refresh_token 过期', douyin_error_code: 10010 }) });
    expect(JSON.parse((await rewritten({ data: { description: 'client_key 或者 client_secret 报错', error_code: '10013' } })).text)).toMatchObject({ error: 'invalid_client' });
    expect((await rewritten({ data: { error_code: 10013 } })).status).toBe(401);
    expect(JSON.parse((await rewritten({ data: { description: 'Parameter error', error_code: 2100005 }, extra: { logid: 'x' } })).text)).toEqual({ error: 'invalid_request', error_description: 'Parameter error', douyin_error_code: 2100005 });
  });

  it('an answer without data, or not 200, passes as it came', async () => {
    expect(await rewritten('<html>busy</html>', 503)).toEqual({ status: 503, text: '<html>busy</html>' });
    expect(await rewritten({ error: 'invalid_request' }, 400)).toEqual({ status: 400, text: '{"error":"invalid_request"}' });
  });
});

describe('douyin tokenResponseProfile and tokenRejected', () => {
  it('the person is the open_id of the code exchange, nothing else', () => {
    expect(tokenResponseProfile!({ access_token: 'act.1', open_id: 'b9b71865-7fea', scope: 'user_info' })).toEqual({ open_id: 'b9b71865-7fea' });
    expect(tokenResponseProfile!({ access_token: 'act.1' })).toBeUndefined();
    expect(tokenResponseProfile!({ open_id: ' ' })).toBeUndefined();
    expect(tokenResponseProfile!({ open_id: 42 })).toBeUndefined();
  });

  it('reads an HTTP 200 whose err_no or data.error_code says the token is invalid or expired as the token refused', async () => {
    expect(await tokenRejected!(apiAnswer({ err_no: 28001003, err_msg: 'access_token无效', data: {} }))).toBe(true);
    expect(await tokenRejected!(apiAnswer({ err_no: 28001008, err_msg: 'access_token过期,请刷新或重新授权' }))).toBe(true);
    expect(await tokenRejected!(apiAnswer({ data: { error_code: 2190008, description: 'access_token过期' } }))).toBe(true);
    expect(await tokenRejected!(apiAnswer({ data: { error_code: 0, ticket: 'T' } }))).toBe(false);
    expect(await tokenRejected!(apiAnswer({ err_no: 28001012, err_msg: '用户未授权该OpenAPI' }))).toBe(false);
    expect(await tokenRejected!(apiAnswer({ err_no: 28001003 }, 500))).toBe(false);
  });
});
