import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { BASE_ACCESS_TOKEN_SECONDS, BASE_REFRESH_TOKEN_SECONDS, startBaseShopEmulator, type BaseShop, type BaseShopEmulator } from './base_shop.emulator.js';
import { connectOnlyCases, useConnectOnlyTest } from './kit/connect-only.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider, type RefreshAtProviderOptions } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { expectAccessTokenLifetime, expireAccessTokens } from './kit/standard-cases.js';

// A client id and secret of the kind BASE Developers gives an app.
const CLIENT_ID = '2aacd57f14ffe6edafd402934593a0ce';
const CLIENT_SECRET = '9c1e07b4d2f85a3e6b0d4c7a1f2e8b53';
const REDIRECT_URI = `${APP_ORIGIN}/auth/base_shop/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const TOKEN_PATH = '/1/oauth/token';

const shop = (shopId: string, shopName: string): BaseShop => ({ shopId, shopName });

/** The preset and client, the endpoints and API base pointed at the emulator; the dev provider beside it as the way in. */
function baseShopEnv(base: BaseShopEmulator): Record<string, string> {
  return presetEnv('base_shop', CLIENT_ID, CLIENT_SECRET, {
    BASE_SHOP_AUTHORIZE_URL: `${base.origin}/1/oauth/authorize`,
    BASE_SHOP_ACCESS_TOKEN_URL: `${base.origin}${TOKEN_PATH}`,
    BASE_SHOP_API_BASE_URL: `${base.origin}/1`,
  });
}

const usersMe = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/base_shop/proxy/users/me`);

describeEachDialect('BASE, connect-only, against an emulator of BASE API', (dialect) => {
  // The way in: people sign in with the dev provider, then connect BASE from the account page.
  // The emulator's clock, moved ahead to let a refresh token's 30 days run out.
  let ahead = 0;
  const context = useConnectOnlyTest(
    () => dialect.openTestDatabase(),
    {
      preset: 'base_shop',
      startEmulator: () => startBaseShopEmulator({ ...CLIENT, redirectUri: REDIRECT_URI, now: () => Math.floor(Date.now() / 1000) + ahead }),
      env: baseShopEnv,
    },
    { misconfiguredEnv: () => ({ BASE_SHOP_CLIENT_SECRET: 'not-the-secret' }) },
  );
  const { connect } = context;
  const rowsOf = async (userId: string) => ({
    accounts: await context.database.db.selectFrom('accounts').select(['subject']).where('user_id', '=', userId).where('provider', '=', 'base_shop').execute(),
    tokens: await context.database.db.selectFrom('tokens').select('status').where('user_id', '=', userId).where('provider', '=', 'base_shop').execute(),
  });
  const refreshAtBase = (refreshToken: string, options: RefreshAtProviderOptions) => statusAndBody(refreshAtProvider(`${context.emulator.origin}${TOKEN_PATH}`, CLIENT, refreshToken, options));

  it("connects to the signed-in user, whose own id is the subject: read_users and state asked, no PKCE; the code exchanged with the client and the redirect_uri in the form; an hour's token with a refresh token", async () => {
    const { emulator: base, app } = context;
    const { userId, page } = await connect(shop('tamanegido', '玉葱堂書店'));
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    const authorize = new URL(base.server.requests.filter((r) => r.path.startsWith('/1/oauth/authorize?')).at(-1)!.path, base.origin).searchParams;
    expect(authorize.get('scope')).toBe('read_users');
    expect(authorize.get('response_type')).toBe('code');
    expect(authorize.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(authorize.get('state')).toEqual(expect.any(String));
    expect(authorize.has('code_challenge')).toBe(false);
    expect(await rowsOf(userId)).toEqual({ accounts: [{ subject: userId }], tokens: [{ status: 'active' }] });
    const token = await app.runtime.tokenStore.findToken(userId, 'base_shop');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, BASE_ACCESS_TOKEN_SECONDS - 100, BASE_ACCESS_TOKEN_SECONDS);
    const exchange = base.server.requests.filter((r) => r.path === TOKEN_PATH).at(-1)!;
    expect(exchange.headers.authorization).toBeUndefined();
    const form = base.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(form.has('code_verifier')).toBe(false);
  });

  it('the proxy reads /1/users/me with the token as Bearer; 20 concurrent calls on an expired token make one refresh with the client and the redirect_uri in the form, whose new refresh token is kept', async () => {
    const { emulator: base } = context;
    const { browser, userId } = await connect(shop('novelty', 'BASEショップ'));
    const first = await usersMe(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ user: { shop_id: 'novelty', shop_name: 'BASEショップ' } });
    const { after } = await expectRotatedAfterStorm(context, 'base_shop', userId, () => usersMe(browser));
    expectAccessTokenLifetime(after, BASE_ACCESS_TOKEN_SECONDS - 100, BASE_ACCESS_TOKEN_SECONDS);
    const refresh = base.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('refresh_token')).not.toBe(after.refreshToken);
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    expect(refresh.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(base.server.requests.filter((r) => r.path === '/1/users/me').at(-1)!.headers.authorization).toBe(`Bearer ${after.accessToken}`);
    // BASE requires the redirect_uri on a refresh too: one without it is refused.
    expect(await refreshAtBase(after.refreshToken!, { by: 'form' })).toEqual({ status: 400, body: { error: 'invalid_request', error_description: '不正なパラメーターです。' } });
    expect((await refreshAtBase(after.refreshToken!, { by: 'form', extra: { redirect_uri: REDIRECT_URI } })).body).toMatchObject({ token_type: 'bearer', expires_in: BASE_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String) });
  });

  it('an API call with a token BASE does not take is its 400 invalid_request', async () => {
    const response = await fetch(`${context.emulator.origin}/1/users/me`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(await statusAndBody(response)).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'アクセストークンが無効です。' } });
  });

  it("a refresh token past its 30 days is refused by BASE (invalid_request, read as invalid_grant): the connection is marked 'needs re-auth' after one try", async () => {
    const { database } = context;
    const { browser, userId } = await connect(shop('expired-shop', '期限切れ'));
    const { refreshToken } = (await context.app.runtime.tokenStore.findToken(userId, 'base_shop'))!;
    ahead += BASE_REFRESH_TOKEN_SECONDS + 86_400;
    expect(await refreshAtBase(refreshToken!, { by: 'form', extra: { redirect_uri: REDIRECT_URI } })).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'リフレッシュトークンの有効期限が切れています。' } });
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'base_shop', userId, () => usersMe(browser));
  });

  it("a shop closed at BASE (access_denied, read as invalid_grant) marks the connection 'needs re-auth' after one refused refresh", async () => {
    const { database, emulator: base } = context;
    const closing = shop('closing-shop', '閉店');
    const { browser, userId } = await connect(closing);
    base.closeShop(closing);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'base_shop', userId, () => usersMe(browser));
  });

  // Never signed in with; a disconnect; and, connected through Bob, a cancelled consent, a client secret BASE refuses (400 unauthorized_client), and its token endpoint failing.
  connectOnlyCases(
    context,
    {
      preset: 'base_shop',
      displayName: 'BASE',
      people: {
        disconnect: shop('goodbye', 'さようなら'),
        cancelled: shop('cancelled', 'キャンセル'),
        'wrong-secret': shop('misconfigured', '設定ミス'),
        'exchange-failure': shop('outage', '障害'),
      },
    },
    { cancelled: {}, wrongSecret: { sentAs: '400 unauthorized_client', error: 'unauthorized_client' }, exchangeFailure: {} },
  );
});
