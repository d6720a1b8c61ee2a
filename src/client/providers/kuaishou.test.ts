import { describe, expect, it } from 'vitest';
import { kuaishou } from './kuaishou.js';

const settings = kuaishou.settings({}, { clientId: 'ks682049317560248193' });
const { authorizationScope, tokenRequest, tokenResponse, tokenAnswerClaims, profileClaims } = settings.hooks!;

async function rewritten(body: unknown, status = 200) {
  const answer = await tokenResponse!(new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
  return { status: answer.status, text: await answer.text() };
}

describe('kuaishou settings', () => {
  it('authorizes with the app_id, ua=pc and user_info, exchanges and refreshes with GETs at their own endpoints, reads user_info and calls the open API with app_id and the token in the query', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://open.kuaishou.com/oauth2/authorize',
        tokenEndpoint: 'https://open.kuaishou.com/oauth2/access_token',
        refreshEndpoint: 'https://open.kuaishou.com/oauth2/refresh_token',
        userinfoEndpoint: 'https://open.kuaishou.com/openapi/user_info',
      },
      scope: 'user_info',
      apiBaseUrl: 'https://open.kuaishou.com/openapi',
      accessTokenParameter: 'access_token',
      apiQueryParameters: { app_id: 'ks682049317560248193' },
      tokenEndpointAuthMethod: 'client_secret_post',
      tokenRequestsInQuery: true,
      pkce: false,
      authorizationParams: { app_id: 'ks682049317560248193', ua: 'pc' },
      subjectClaim: 'open_id',
    });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
    expect(kuaishou.settings({}).authorizationParams).toBeUndefined();
    expect(kuaishou.settings({}).apiQueryParameters).toBeUndefined();
  });

  it('joins the scopes with commas in the authorization', () => {
    expect(authorizationScope!('user_info user_video_publish')).toBe('user_info,user_video_publish');
  });
});

describe('kuaishou tokenRequest', () => {
  it('sends the client as app_id and app_secret with the code or the refresh token; nothing Kuaishou does not name', () => {
    const exchange = tokenRequest!({ body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c1', redirect_uri: 'https://app.test/cb', client_id: 'ks1', client_secret: 's' }), headers: {} });
    expect(Object.fromEntries(new URLSearchParams(exchange.body))).toEqual({ app_id: 'ks1', app_secret: 's', code: 'c1', grant_type: 'authorization_code' });
    const refresh = tokenRequest!({ body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'ks1', client_secret: 's' }), headers: {} });
    expect(Object.fromEntries(new URLSearchParams(refresh.body))).toEqual({ app_id: 'ks1', app_secret: 's', refresh_token: 'r1', grant_type: 'refresh_token' });
  });
});

describe('kuaishou tokenResponse', () => {
  it('adds the Bearer type and makes the scopes one space-separated scope, keeping open_id', async () => {
    const answer = await rewritten({ result: 1, access_token: 'AT', expires_in: 172800, refresh_token: 'RT', refresh_token_expires_in: 15552000, open_id: 'f18c2a7e', scopes: ['user_info', 'user_video_publish'] });
    expect(JSON.parse(answer.text)).toEqual({ result: 1, access_token: 'AT', expires_in: 172800, refresh_token: 'RT', refresh_token_expires_in: 15552000, open_id: 'f18c2a7e', scope: 'user_info user_video_publish', token_type: 'Bearer' });
  });

  it('a result other than 1 becomes RFC 6749’s refusal: 100200101 the client’s (401 invalid_client), any other the grant’s (400 invalid_grant)', async () => {
    expect(await rewritten({ result: 100200101, error_msg: 'app_id or app_secret invalid' })).toEqual({ status: 401, text: JSON.stringify({ error: 'invalid_client', error_description: 'app_id or app_secret invalid', kuaishou_result: 100200101 }) });
    expect(await rewritten({ result: 100200100, error: 'code invalid' })).toEqual({ status: 400, text: JSON.stringify({ error: 'invalid_grant', error_description: 'code invalid', kuaishou_result: 100200100 }) });
    expect(JSON.parse((await rewritten({ access_token: 'AT' })).text).error).toBe('invalid_grant');
  });

  it('a body that is not JSON, or an answer that is not 200, passes as it came', async () => {
    expect(await rewritten('<html>busy</html>', 503)).toEqual({ status: 503, text: '<html>busy</html>' });
    expect(await rewritten({ result: 100200101 }, 500)).toEqual({ status: 500, text: JSON.stringify({ result: 100200101 }) });
  });
});

describe('kuaishou tokenAnswerClaims and profileClaims', () => {
  it("keeps the code exchange's open_id, never the tokens; a refresh's answer names no one", () => {
    expect(tokenAnswerClaims!({ result: 1, access_token: 'AT', refresh_token: 'RT', open_id: ' f18c2a7e ' })).toEqual({ open_id: 'f18c2a7e' });
    expect(tokenAnswerClaims!({ result: 1, access_token: 'AT' })).toEqual({});
    expect(tokenAnswerClaims!({ open_id: 42 })).toEqual({});
  });

  it("takes user_info's nickname and avatar, not the counts, the sex or the city", () => {
    expect(profileClaims!({ result: 1, user_info: { name: ' 快手用户 ', sex: 'M', fan: 12, follow: 17, head: 'https://p2.a.yximgs.com/uhead/a.jpg', bigHead: '', city: '河北省石家庄市' } })).toEqual({ name: '快手用户', picture: 'https://p2.a.yximgs.com/uhead/a.jpg' });
    expect(profileClaims!({ result: 1, user_info: {} })).toEqual({});
  });

  it.each([[{ result: 100200100, error_msg: 'access_token invalid' }], [{ result: 1 }], [{ user_info: { name: 'N' } }], [null], [[{ result: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
