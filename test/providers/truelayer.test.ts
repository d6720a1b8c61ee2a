import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { connectOnlyCases, useConnectOnlyTest } from './kit/connect-only.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { expectAccessTokenLifetime } from './kit/standard-cases.js';
import { startTrueLayerEmulator, TRUELAYER_ACCESS_TOKEN_SECONDS, type TrueLayerEmulator, type TrueLayerPerson } from './truelayer.emulator.js';

// A client id of the form TrueLayer's auth link examples show, and a made-up secret.
const CLIENT_ID = 'acmebudget-4f7c2a';
const CLIENT_SECRET = 'b2f9e0c4-7d1a-4e6b-9c3f-5a8d2e1f0b7c';
const REDIRECT_URI = `${APP_ORIGIN}/auth/truelayer/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

const customer = (name: string, ...accounts: string[]): TrueLayerPerson => ({ name, accounts });

/** Only the documented variables: the preset, the client, the endpoints and the API base pointed at the emulator; the dev provider beside it as the way in. */
function truelayerEnv(truelayer: TrueLayerEmulator): Record<string, string> {
  return presetEnv('truelayer', CLIENT_ID, CLIENT_SECRET, {
    TRUELAYER_AUTHORIZE_URL: `${truelayer.origin}/`,
    TRUELAYER_ACCESS_TOKEN_URL: `${truelayer.origin}/connect/token`,
    TRUELAYER_API_BASE_URL: `${truelayer.origin}/data/v1`,
  });
}

const accounts = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/truelayer/proxy/accounts`);

describeEachDialect('TrueLayer, connect-only, against an emulator of its auth server and Data API', (dialect) => {
  // The way in: people sign in with the dev provider, then connect TrueLayer from the account page.
  const context = useConnectOnlyTest(
    () => dialect.openTestDatabase(),
    { preset: 'truelayer', startEmulator: () => startTrueLayerEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }), env: truelayerEnv },
    { misconfiguredEnv: () => ({ TRUELAYER_CLIENT_SECRET: 'not-the-secret' }) },
  );

  const { connect } = context;
  const truelayerRowsOf = async (userId: string) => ({
    accounts: await context.database.db.selectFrom('accounts').select(['subject']).where('user_id', '=', userId).where('provider', '=', 'truelayer').execute(),
    tokens: await context.database.db.selectFrom('tokens').select('status').where('user_id', '=', userId).where('provider', '=', 'truelayer').execute(),
  });

  it("connects to the signed-in user, whose own id is the subject: the auth link at the root with accounts balance transactions offline_access, no PKCE; the code exchanged at /connect/token with the client in the form; a refresh token for offline_access; nothing read to name the person", async () => {
    const { emulator: truelayer, app } = context;
    const { userId, page } = await connect(customer('Ada Lovelace', 'Current account'));
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    const authorize = new URL(truelayer.server.requests.filter((r) => r.path.startsWith('/?')).at(-1)!.path, truelayer.origin).searchParams;
    expect(authorize.get('response_type')).toBe('code');
    expect(authorize.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(authorize.get('scope')).toBe('accounts balance transactions offline_access');
    expect(authorize.has('code_challenge')).toBe(false);
    expect(await truelayerRowsOf(userId)).toEqual({ accounts: [{ subject: userId }], tokens: [{ status: 'active' }] });
    const token = await app.runtime.tokenStore.findToken(userId, 'truelayer');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, TRUELAYER_ACCESS_TOKEN_SECONDS - 100, TRUELAYER_ACCESS_TOKEN_SECONDS);
    const exchange = truelayer.server.requests.filter((r) => r.path === '/connect/token').at(-1)!;
    expect(exchange.headers.authorization).toBeUndefined();
    const form = truelayer.tokenForms.at(-1)!;
    expect(Object.fromEntries(form)).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI });
    expect(truelayer.server.requests.filter((r) => r.path.startsWith('/data/'))).toEqual([]);
  });

  it('the proxy calls the Data API with the token as Bearer; 20 concurrent calls on an expired token make one refresh at /connect/token with the client in the form, and the refresh token is kept', async () => {
    const { emulator: truelayer } = context;
    const { browser, userId } = await connect(customer('Charles Babbage', 'Joint account', 'Savings'));
    const first = await accounts(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ status: 'Succeeded', results: [{ display_name: 'Joint account' }, { display_name: 'Savings' }] });
    const { after } = await expectKeptAfterStorm(context, 'truelayer', userId, () => accounts(browser));
    expectAccessTokenLifetime(after, TRUELAYER_ACCESS_TOKEN_SECONDS - 100, TRUELAYER_ACCESS_TOKEN_SECONDS);
    const refresh = truelayer.tokenForms.at(-1)!;
    expect(Object.fromEntries(refresh)).toMatchObject({ grant_type: 'refresh_token', refresh_token: after.refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(truelayer.server.requests.filter((r) => r.path.startsWith('/data/v1/accounts')).at(-1)!.headers.authorization).toBe(`Bearer ${after.accessToken}`);
    // TrueLayer takes the client in the form only; an unknown refresh token is refused.
    expect((await refreshAtProvider(`${truelayer.origin}/connect/token`, CLIENT, after.refreshToken!)).status).toBe(401);
    expect(await statusAndBody(refreshAtProvider(`${truelayer.origin}/connect/token`, CLIENT, 'not-a-refresh-token', { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the person's consent ended at TrueLayer: the refresh TrueLayer refuses (400 invalid_grant) marks the connection 'needs re-auth' after one try", async () => {
    const { emulator: truelayer } = context;
    const leaving = customer('Grace Hopper', 'Current account');
    const { browser, userId } = await connect(leaving);
    truelayer.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'truelayer', userId, () => accounts(browser));
    expect((await accounts(browser)).status).toBe(401);
  });

  // Never signed in with; a disconnect (no revocation endpoint was found in TrueLayer's pages); and, connected through Bob,
  // a cancelled consent, a client secret TrueLayer refuses, and its token endpoint failing.
  connectOnlyCases(
    context,
    {
      preset: 'truelayer',
      displayName: 'TrueLayer',
      people: {
        disconnect: customer('Alan Turing', 'Current account'),
        cancelled: customer('Mary Somerville', 'Current account'),
        'wrong-secret': customer('Hertha Ayrton', 'Current account'),
        'exchange-failure': customer('Caroline Herschel', 'Current account'),
      },
    },
    { cancelled: {}, wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} },
  );
});
