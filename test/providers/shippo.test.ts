import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { connectOnlyCases, useConnectOnlyTest } from './kit/connect-only.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { startShippoEmulator, type ShippoAccount, type ShippoEmulator } from './shippo.emulator.js';

// A partner id and secret of the kind Shippo's partnerships team hands out.
const CLIENT_ID = 'b7e2c4a9f1d3e5a7c9b1d3f5a7c9e1b3';
const CLIENT_SECRET = 'f0e1d2c3b4a59687f0e1d2c3b4a59687a1b2c3d4';
const REDIRECT_URI = `${APP_ORIGIN}/auth/shippo/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

const account = (...names: string[]): ShippoAccount => ({ addresses: names.map((name, index) => ({ objectId: `d799c2679e644279b59fe661ac8fa48${index}`, name })) });

/** Only the documented variables: the preset, the client, the endpoints and the API base pointed at the emulator; the dev provider beside it as the way in. */
function shippoEnv(shippo: ShippoEmulator): Record<string, string> {
  return presetEnv('shippo', CLIENT_ID, CLIENT_SECRET, {
    SHIPPO_AUTHORIZE_URL: `${shippo.origin}/oauth/authorize`,
    SHIPPO_ACCESS_TOKEN_URL: `${shippo.origin}/oauth/access_token`,
    SHIPPO_API_BASE_URL: shippo.origin,
  });
}

const addresses = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/shippo/proxy/addresses/`);

describeEachDialect('Shippo, connect-only, against an emulator of its OAuth for platform partners', (dialect) => {
  // The way in: people sign in with the dev provider, then connect Shippo from the account page.
  const context = useConnectOnlyTest(
    () => dialect.openTestDatabase(),
    { preset: 'shippo', startEmulator: () => startShippoEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }), env: shippoEnv },
    { misconfiguredEnv: () => ({ SHIPPO_CLIENT_SECRET: 'not-the-secret' }) },
  );

  const { connect } = context;
  const shippoRowsOf = async (userId: string) => ({
    accounts: await context.database.db.selectFrom('accounts').select(['subject']).where('user_id', '=', userId).where('provider', '=', 'shippo').execute(),
    tokens: await context.database.db.selectFrom('tokens').select('status').where('user_id', '=', userId).where('provider', '=', 'shippo').execute(),
  });

  it("connects to the signed-in user, whose own id is the subject: * and state asked, no PKCE; the code exchanged as JSON with the client in it, no Basic; a token with no end and no refresh token", async () => {
    const { emulator: shippo, app } = context;
    const { userId, page } = await connect(account('Shawn Ippotle'));
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    const authorize = new URL(shippo.server.requests.filter((r) => r.path.startsWith('/oauth/authorize?')).at(-1)!.path, shippo.origin).searchParams;
    expect(authorize.get('scope')).toBe('*');
    expect(authorize.get('response_type')).toBe('code');
    expect(authorize.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.get('state')).toEqual(expect.any(String));
    expect(authorize.has('code_challenge')).toBe(false);
    expect(await shippoRowsOf(userId)).toEqual({ accounts: [{ subject: userId }], tokens: [{ status: 'active' }] });
    const token = await app.runtime.tokenStore.findToken(userId, 'shippo');
    expect(token).toMatchObject({ accessToken: expect.stringMatching(/^oauth\./), refreshToken: null, expiresAt: null, scope: '*' });
    const exchange = shippo.server.requests.filter((r) => r.path === '/oauth/access_token').at(-1)!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/json');
    const form = shippo.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('code')).toMatch(/\S/);
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
  });

  it('the proxy calls the API with the token as Bearer; 20 concurrent calls ask Shippo for no token, as there is nothing to refresh', async () => {
    const { emulator: shippo, app } = context;
    const { browser, userId } = await connect(account('Warehouse East', 'Warehouse West'));
    const answers = await expectNoTokenRequestFor20Calls(shippo, () => addresses(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ next: null, results: [{ name: 'Warehouse East' }, { name: 'Warehouse West' }] });
    const token = (await app.runtime.tokenStore.findToken(userId, 'shippo'))!;
    expect(shippo.server.requests.filter((r) => r.path === '/addresses/').at(-1)!.headers.authorization).toBe(`Bearer ${token.accessToken}`);
  });

  it("the platform's access removed in Shippo (the API's 401) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: shippo } = context;
    const leaving = account('Closing Shop');
    const { browser, userId } = await connect(leaving);
    shippo.removeAccess(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'shippo', userId, () => addresses(browser));
  });

  // Never signed in with; a disconnect; and, connected through Bob, a cancelled consent, a client secret Shippo refuses, and its token endpoint failing:
  // none of them refreshes, so Shippo's token with no end and no refresh token fits them all.
  connectOnlyCases(
    context,
    {
      preset: 'shippo',
      displayName: 'Shippo',
      people: {
        disconnect: account('Goodbye Goods'),
        cancelled: account('Maybe Later'),
        'wrong-secret': account('Wrong Secret Co'),
        'exchange-failure': account('Outage Outlet'),
      },
    },
    { cancelled: {}, wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} },
  );
});
