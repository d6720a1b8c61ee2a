import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import {
  HOME_CONNECT_ACCESS_TOKEN_SECONDS,
  HOME_CONNECT_MEDIA_TYPE,
  HOME_CONNECT_REFRESH_IDLE_SECONDS,
  startHomeConnectEmulator,
  type HomeConnectAccount,
  type HomeConnectEmulator,
} from './home_connect.emulator.js';
import { connectionRowsOf, connectOnlyCases, useConnectOnlyTest } from './kit/connect-only.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { expectAccessTokenLifetime, expireAccessTokens } from './kit/standard-cases.js';

// A client id and secret of the kind the Home Connect Developer Portal gives an application.
const CLIENT_ID = '6A1D3F0C9B8E7A6D5C4B3A29180F7E6D5C4B3A2918E7F6D5C4B3A29180F7E6D5';
const CLIENT_SECRET = '0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0';
const REDIRECT_URI = `${APP_ORIGIN}/auth/home_connect/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const TOKEN_PATH = '/security/oauth/token';

const account = (...haIds: string[]): HomeConnectAccount => ({ appliances: haIds.map((haId) => ({ haId, name: `${haId} at home`, type: 'Dishwasher', brand: 'BOSCH' })) });

/** The preset and client, and HOME_CONNECT_BASE_URL naming the emulator as it would the simulator; the dev provider beside it as the way in. */
function homeConnectEnv(homeConnect: HomeConnectEmulator): Record<string, string> {
  return presetEnv('home_connect', CLIENT_ID, CLIENT_SECRET, { HOME_CONNECT_BASE_URL: homeConnect.origin });
}

const appliances = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/home_connect/proxy/homeappliances`);

describeEachDialect('Home Connect, connect-only, against an emulator of Home Connect', (dialect) => {
  // The emulator's clock, moved ahead to let a refresh token go unused for two months.
  let ahead = 0;
  const context = useConnectOnlyTest(
    () => dialect.openTestDatabase(),
    {
      preset: 'home_connect',
      startEmulator: () => startHomeConnectEmulator({ ...CLIENT, redirectUri: REDIRECT_URI, now: () => Math.floor(Date.now() / 1000) + ahead }),
      env: homeConnectEnv,
    },
    { misconfiguredEnv: () => ({ HOME_CONNECT_CLIENT_SECRET: 'not-the-secret' }) },
  );

  const { connect } = context;

  it("connects to the signed-in user, whose own id is the subject: IdentifyAppliance, state and S256 PKCE asked at the base URL's host; the code exchanged with the client in the form; a day's token, its id_token copy dropped", async () => {
    const { emulator: homeConnect, app } = context;
    const { userId, page } = await connect(account('BOSCH-HCS02DWH1-6BE58C26DCC1'));
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    const authorize = new URL(homeConnect.server.requests.filter((r) => r.path.startsWith('/security/oauth/authorize?')).at(-1)!.path, homeConnect.origin).searchParams;
    expect(authorize.get('scope')).toBe('IdentifyAppliance');
    expect(authorize.get('response_type')).toBe('code');
    expect(authorize.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(authorize.get('state')).toEqual(expect.any(String));
    expect(authorize.get('code_challenge_method')).toBe('S256');
    expect(await connectionRowsOf(context.database, userId, 'home_connect')).toMatchObject({ accounts: [{ subject: userId }], tokens: [{ status: 'active' }] });
    const token = await app.runtime.tokenStore.findToken(userId, 'home_connect');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'IdentifyAppliance', idToken: null });
    expectAccessTokenLifetime(token, HOME_CONNECT_ACCESS_TOKEN_SECONDS - 100, HOME_CONNECT_ACCESS_TOKEN_SECONDS);
    const exchange = homeConnect.server.requests.filter((r) => r.path === TOKEN_PATH).at(-1)!;
    expect(exchange.headers.authorization).toBeUndefined();
    const form = homeConnect.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(form.get('code_verifier')).toEqual(expect.any(String));
  });

  it("the proxy lists the appliances with the token as Bearer and BSH's media type as Accept; 20 concurrent calls on an expired token make one refresh with the client in the form", async () => {
    const { emulator: homeConnect } = context;
    const { browser, userId } = await connect(account('SIEMENS-HCS03WCH1-7BC6383CF794', 'BOSCH-HCS06COM1-D70390681C2C'));
    const first = await appliances(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text).data.homeappliances.map((appliance: { haId: string }) => appliance.haId)).toEqual(['SIEMENS-HCS03WCH1-7BC6383CF794', 'BOSCH-HCS06COM1-D70390681C2C']);
    const call = homeConnect.server.requests.filter((r) => r.path === '/api/homeappliances').at(-1)!;
    expect(call.headers.accept).toBe(HOME_CONNECT_MEDIA_TYPE);
    const { after } = await expectKeptAfterStorm(context, 'home_connect', userId, () => appliances(browser));
    expectAccessTokenLifetime(after, HOME_CONNECT_ACCESS_TOKEN_SECONDS - 100, HOME_CONNECT_ACCESS_TOKEN_SECONDS);
    const refresh = homeConnect.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('refresh_token')).toBe(after.refreshToken);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    expect(homeConnect.server.requests.filter((r) => r.path === '/api/homeappliances').at(-1)!.headers.authorization).toBe(`Bearer ${after.accessToken}`);
    // Home Connect takes the client in the form only: the same refresh with Basic credentials is refused.
    expect((await refreshAtProvider(`${homeConnect.origin}${TOKEN_PATH}`, CLIENT, after.refreshToken!, { by: 'basic' })).status).toBe(401);
    expect((await refreshAtProvider(`${homeConnect.origin}${TOKEN_PATH}`, CLIENT, after.refreshToken!, { by: 'form' })).status).toBe(200);
  });

  it("a refresh token left unused for two months ends at Home Connect: the refused refresh marks the connection 'needs re-auth' after one try", async () => {
    const { database } = context;
    const { browser, userId } = await connect(account('NEFF-HCS01OVN1-43E0065FE245'));
    ahead += HOME_CONNECT_REFRESH_IDLE_SECONDS + 86_400;
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'home_connect', userId, () => appliances(browser));
  });

  // Never signed in with; a disconnect; and, connected through Bob, a cancelled consent, a client secret Home Connect refuses, and its token endpoint failing.
  connectOnlyCases(
    context,
    {
      preset: 'home_connect',
      displayName: 'Home Connect',
      people: {
        disconnect: account('GAGGENAU-HCS04DYR1-831694AE3C5A'),
        cancelled: account('BOSCH-HCS05FRF1-6E3A1B2C4D5F'),
        'wrong-secret': account('BOSCH-HCS05FRF1-7F4B2C3D5E6A'),
        'exchange-failure': account('BOSCH-HCS05FRF1-8A5C3D4E6F7B'),
      },
    },
    { cancelled: {}, wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} },
  );
});
