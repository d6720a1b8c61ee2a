import { describe, expect, it } from 'vitest';
import { huawei } from './huawei.js';

const settings = huawei.settings({});
const tokenResponse = settings.hooks!.tokenResponse!;

async function rewritten(body: string, status = 400, contentType = 'application/json') {
  const answer = await tokenResponse(new Response(body, { status, headers: { 'content-type': contentType } }));
  return { status: answer.status, text: await answer.text() };
}

describe('huawei settings', () => {
  it('signs in at oauth-login.cloud.huawei.com with openid profile and access_type=offline, checks ID tokens issued by accounts.huawei.com, sends the client in the form, no PKCE, no nonce, no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        issuer: 'https://accounts.huawei.com',
        authorizationEndpoint: 'https://oauth-login.cloud.huawei.com/oauth2/v3/authorize',
        tokenEndpoint: 'https://oauth-login.cloud.huawei.com/oauth2/v3/token',
        jwksUri: 'https://oauth-login.cloud.huawei.com/oauth2/v3/certs',
      },
      scope: 'openid profile',
      authorizationParams: { access_type: 'offline' },
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      idTokenNonce: false,
      claimNames: { name: 'display_name' },
    });
    expect(settings.endpoints?.userinfoEndpoint).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.apiBaseUrl).toBeUndefined();
    expect(settings.subjectClaim).toBeUndefined();
  });
});

describe('huawei tokenResponse: the numeric refusals under RFC 6749 §5.2 names', () => {
  it('a wrong or missing client secret (1101 with 12304, 20085, 20171) is invalid_client, Huawei’s codes kept', async () => {
    const answer = await rewritten(JSON.stringify({ sub_error: 12304, error_description: 'invalid client_secret', error: 1101 }));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({ error: 'invalid_client', error_description: 'invalid client_secret', sub_error: 12304, huawei_error: 1101, huawei_sub_error: 12304 });
    for (const sub of [20002, 20085, 20171]) expect(JSON.parse((await rewritten(JSON.stringify({ error: 1101, sub_error: sub }))).text).error).toBe('invalid_client');
  });

  it('a code used, expired or ended, or a refresh token refused, is invalid_grant', async () => {
    for (const sub of [20152, 20154, 20155, 20156, 20158, 20192, 99999]) {
      expect(JSON.parse((await rewritten(JSON.stringify({ error: 1101, sub_error: sub, error_description: 'invalid code' }))).text)).toMatchObject({ error: 'invalid_grant', huawei_sub_error: sub });
    }
    expect(JSON.parse((await rewritten(JSON.stringify({ error: '1101', sub_error: '20156' }))).text).error).toBe('invalid_grant');
  });

  it('another numeric code is invalid_request', async () => {
    expect(JSON.parse((await rewritten(JSON.stringify({ error: 1203, error_description: 'something else' }))).text)).toEqual({ error: 'invalid_request', error_description: 'something else', huawei_error: 1203 });
  });

  it('a token answer, an RFC error and a body that is not JSON pass as they came', async () => {
    const tokens = JSON.stringify({ access_token: 'CgB6e3x9', expires_in: 3600, id_token: 'a.b.c', scope: 'openid profile', token_type: 'Bearer' });
    expect(await rewritten(tokens, 200)).toEqual({ status: 200, text: tokens });
    expect(await rewritten('{"error":"invalid_request"}')).toEqual({ status: 400, text: '{"error":"invalid_request"}' });
    expect(await rewritten('<html>busy</html>', 503, 'text/html')).toEqual({ status: 503, text: '<html>busy</html>' });
  });
});
