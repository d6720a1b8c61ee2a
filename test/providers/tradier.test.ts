import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { connectOnlyCases, useConnectOnlyTest } from './kit/connect-only.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { expectAccessTokenLifetime } from './kit/standard-cases.js';
import { startTradierEmulator, TRADIER_ACCESS_TOKEN_SECONDS, type TradierEmulator, type TradierPerson } from './tradier.emulator.js';

// A client id and secret of the form Tradier's OAuth page shows.
const CLIENT_ID = 'kQ7vN2xR9mT4wB8pL3yF6hJ1sD5gA0eZ';
const CLIENT_SECRET = 'Wc4nH8tK2pV6rY0m';
const REDIRECT_URI = `${APP_ORIGIN}/auth/tradier/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

const holder = (name: string, ...accounts: string[]): TradierPerson => ({ name, accounts });

/** Only the documented variables: the preset, the client, the endpoints (the refresh one too) and the API base pointed at the emulator; the dev provider beside it as the way in. */
function tradierEnv(tradier: TradierEmulator): Record<string, string> {
  return presetEnv('tradier', CLIENT_ID, CLIENT_SECRET, {
    TRADIER_AUTHORIZE_URL: `${tradier.origin}/v1/oauth/authorize`,
    TRADIER_ACCESS_TOKEN_URL: `${tradier.origin}/v1/oauth/accesstoken`,
    TRADIER_REFRESH_URL: `${tradier.origin}/v1/oauth/refreshtoken`,
    TRADIER_API_BASE_URL: `${tradier.origin}/v1`,
  });
}

const balances = (browser: TestBrowser, account: string) => browser.get(`${APP_ORIGIN}/api/providers/tradier/proxy/accounts/${account}/balances`);

describeEachDialect('Tradier, connect-only, against an emulator of Tradier Brokerage', (dialect) => {
  // The way in: people sign in with the dev provider, then connect Tradier from the account page.
  const context = useConnectOnlyTest(
    () => dialect.openTestDatabase(),
    { preset: 'tradier', startEmulator: () => startTradierEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }), env: tradierEnv },
    { misconfiguredEnv: () => ({ TRADIER_CLIENT_SECRET: 'not-the-secret' }) },
  );

  const { connect } = context;
  const tradierRowsOf = async (userId: string) => ({
    accounts: await context.database.db.selectFrom('accounts').select(['subject']).where('user_id', '=', userId).where('provider', '=', 'tradier').execute(),
    tokens: await context.database.db.selectFrom('tokens').select('status').where('user_id', '=', userId).where('provider', '=', 'tradier').execute(),
  });

  it("connects to the signed-in user, whose own id is the subject: read,market asked comma-delimited with a state, no PKCE; the code exchanged at /v1/oauth/accesstoken with the client as Basic; Tradier's answer without token_type taken, a 24-hour token with a refresh token; no profile read", async () => {
    const { emulator: tradier, app } = context;
    const { userId, page } = await connect(holder('George Costanza', 'VA000001'));
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    const authorize = new URL(tradier.server.requests.filter((r) => r.path.startsWith('/v1/oauth/authorize?')).at(-1)!.path, tradier.origin).searchParams;
    expect(authorize.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.get('scope')).toBe('read,market');
    expect(authorize.get('state')).toEqual(expect.any(String));
    expect(authorize.has('code_challenge')).toBe(false);
    expect(await tradierRowsOf(userId)).toEqual({ accounts: [{ subject: userId }], tokens: [{ status: 'active' }] });
    const token = await app.runtime.tokenStore.findToken(userId, 'tradier');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'read market' });
    expectAccessTokenLifetime(token, TRADIER_ACCESS_TOKEN_SECONDS - 100, TRADIER_ACCESS_TOKEN_SECONDS);
    const exchange = tradier.server.requests.filter((r) => r.path === '/v1/oauth/accesstoken').at(-1)!;
    expect(exchange.headers.authorization).toBe(BASIC);
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const { form } = tradier.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.has('client_secret')).toBe(false);
    expect(tradier.server.requests.filter((r) => r.path.startsWith('/v1/user/'))).toEqual([]);
  });

  it('the proxy calls the API with the token as Bearer and asks JSON; 20 concurrent calls on an expired token make one refresh at /v1/oauth/refreshtoken with Basic credentials, and the refresh token is kept', async () => {
    const { emulator: tradier } = context;
    const { browser, userId } = await connect(holder('Elaine Benes', 'VA000002'));
    const first = await balances(browser, 'VA000002');
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ balances: { account_number: 'VA000002', total_equity: 17798.36 } });
    const call = tradier.server.requests.filter((r) => r.path.startsWith('/v1/accounts/')).at(-1)!;
    expect(call.headers.accept).toBe('application/json');
    const { after } = await expectKeptAfterStorm(context, 'tradier', userId, () => balances(browser, 'VA000002'));
    expectAccessTokenLifetime(after, TRADIER_ACCESS_TOKEN_SECONDS - 100, TRADIER_ACCESS_TOKEN_SECONDS);
    const refresh = tradier.tokenForms.at(-1)!;
    expect(refresh.path).toBe('/v1/oauth/refreshtoken');
    expect(refresh.form.get('grant_type')).toBe('refresh_token');
    expect(refresh.form.get('refresh_token')).toBe(after.refreshToken);
    expect(tradier.server.requests.filter((r) => r.path === '/v1/oauth/refreshtoken').at(-1)!.headers.authorization).toBe(BASIC);
    expect(tradier.server.requests.filter((r) => r.path.startsWith('/v1/accounts/')).at(-1)!.headers.authorization).toBe(`Bearer ${after.accessToken}`);
    // Tradier takes refreshes only at /refreshtoken, with its Basic pair; an unknown refresh token is refused.
    expect(await statusAndBody(refreshAtProvider(`${tradier.origin}/v1/oauth/accesstoken`, CLIENT, after.refreshToken!))).toEqual({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect((await refreshAtProvider(`${tradier.origin}/v1/oauth/refreshtoken`, CLIENT, after.refreshToken!, { by: 'form' })).status).toBe(401);
    expect(await statusAndBody(refreshAtProvider(`${tradier.origin}/v1/oauth/refreshtoken`, CLIENT, 'not-a-refresh-token'))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    // Without Accept: application/json, Tradier answers XML.
    const xml = await fetch(`${tradier.origin}/v1/accounts/VA000002/balances`, { headers: { authorization: `Bearer ${after.accessToken}` } });
    expect(xml.headers.get('content-type')).toContain('application/xml');
  });

  it("the person's approval ended at Tradier: the refresh Tradier refuses (400 invalid_grant) marks the connection 'needs re-auth' after one try", async () => {
    const { emulator: tradier } = context;
    const leaving = holder('Cosmo Kramer', 'VA000003');
    const { browser, userId } = await connect(leaving);
    tradier.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'tradier', userId, () => balances(browser, 'VA000003'));
    expect((await balances(browser, 'VA000003')).status).toBe(401);
  });

  // Never signed in with; a disconnect; and, connected through Bob, a cancelled consent, a client secret Tradier refuses, and its token endpoint failing.
  connectOnlyCases(
    context,
    {
      preset: 'tradier',
      displayName: 'Tradier',
      people: {
        disconnect: holder('Newman', 'VA000004'),
        cancelled: holder('Frank Costanza', 'VA000005'),
        'wrong-secret': holder('Estelle Costanza', 'VA000006'),
        'exchange-failure': holder('Morty Seinfeld', 'VA000007'),
      },
    },
    { cancelled: {}, wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} },
  );
});
