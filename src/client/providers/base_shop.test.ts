import { describe, expect, it } from 'vitest';
import { base_shop } from './base_shop.js';

const settings = base_shop.settings({});
const tokenResponse = settings.hooks!.tokenResponse!;
const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('base_shop settings', () => {
  it("is connect-only: BASE API's endpoints, read_users, the client in the form, the redirect_uri again on each refresh, 30-day refresh tokens, no PKCE, no revocation", () => {
    const { hooks, ...rest } = settings;
    expect(rest).toEqual({
      endpoints: {
        authorizationEndpoint: 'https://api.thebase.in/1/oauth/authorize',
        tokenEndpoint: 'https://api.thebase.in/1/oauth/token',
      },
      scope: 'read_users',
      apiBaseUrl: 'https://api.thebase.in/1',
      pkce: false,
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshSendsRedirectUri: true,
      refreshTokenIdleSeconds: 30 * 86_400,
      connectOnly: true,
    });
    expect(Object.keys(hooks!)).toEqual(['tokenResponse']);
    expect(base_shop.values).toBeUndefined();
  });

  it("reads BASE's refusals of a code, a refresh token or a person gone as RFC 6749 §5.2 invalid_grant", async () => {
    const refused = [
      ['invalid_request', '不正な認可コードです。'],
      ['invalid_request', '認可コードの有効期限が切れています。'],
      ['invalid_request', '不正なリフレッシュトークンです。'],
      ['invalid_request', 'リフレッシュトークンの有効期限が切れています。'],
      ['access_denied', 'ユーザーが存在しません。'],
    ];
    for (const [error, description] of refused) {
      const rewritten = await tokenResponse(answer(400, { error, error_description: description }));
      expect(rewritten.status).toBe(400);
      expect(await rewritten.json()).toEqual({ error: 'invalid_grant', error_description: description });
    }
  });

  it("leaves BASE's refusals of the client or the request, a success and other statuses as they were", async () => {
    const client = await tokenResponse(answer(400, { error: 'unauthorized_client', error_description: 'クライアントが見つかりませんでした。' }));
    expect([client.status, await client.json()]).toEqual([400, { error: 'unauthorized_client', error_description: 'クライアントが見つかりませんでした。' }]);
    const missing = await tokenResponse(answer(400, { error: 'invalid_request', error_description: 'client_idもしくはclient_secretがありません。' }));
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
    expect(await (await tokenResponse(new Response('not json', { status: 400 }))).text()).toBe('not json');
    const success = await tokenResponse(answer(200, { access_token: 'at', token_type: 'bearer' }));
    expect(await success.json()).toEqual({ access_token: 'at', token_type: 'bearer' });
    const outage = await tokenResponse(answer(500, { error: 'server_error', error_description: 'DB error' }));
    expect([outage.status, await outage.json()]).toEqual([500, { error: 'server_error', error_description: 'DB error' }]);
  });
});
