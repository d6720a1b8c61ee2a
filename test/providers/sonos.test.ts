import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { connectionRowsOf, connectOnlyCases, useConnectOnlyTest } from './kit/connect-only.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { expectAccessTokenLifetime } from './kit/standard-cases.js';
import { SONOS_ACCESS_TOKEN_SECONDS, SONOS_SCOPE, startSonosEmulator, type SonosAccount, type SonosEmulator } from './sonos.emulator.js';

// A client credential key and secret of the kind Sonos's integration manager gives.
const CLIENT_ID = '8f3c2a1e-5b7d-4c9e-a0f1-2d3e4f5a6b7c';
const CLIENT_SECRET = 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f';
const REDIRECT_URI = `${APP_ORIGIN}/auth/sonos/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

const account = (...householdIds: string[]): SonosAccount => ({ householdIds });

/** Only the documented variables: the preset, the client, the endpoints and the API base pointed at the emulator; the dev provider beside it as the way in. */
function sonosEnv(sonos: SonosEmulator): Record<string, string> {
  return presetEnv('sonos', CLIENT_ID, CLIENT_SECRET, {
    SONOS_AUTHORIZE_URL: `${sonos.origin}/login/v3/oauth`,
    SONOS_ACCESS_TOKEN_URL: `${sonos.origin}/login/v3/oauth/access`,
    SONOS_API_BASE_URL: `${sonos.origin}/control/api/v1`,
  });
}

const households = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/sonos/proxy/households`);

describeEachDialect('Sonos, connect-only, against an emulator of Sonos', (dialect) => {
  const context = useConnectOnlyTest(
    () => dialect.openTestDatabase(),
    { preset: 'sonos', startEmulator: () => startSonosEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }), env: sonosEnv },
    { misconfiguredEnv: () => ({ SONOS_CLIENT_SECRET: 'not-the-secret' }) },
  );

  const { connect } = context;

  it("connects to the signed-in user, whose own id is the subject: playback-control-all and state asked, no PKCE; the code exchanged with the key and secret as plain Basic and redirect_uri in the form; a day's token with a refresh token", async () => {
    const { emulator: sonos, app } = context;
    const { userId, page } = await connect(account('Sonos_HHID_home01'));
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    const authorize = new URL(sonos.server.requests.filter((r) => r.path.startsWith('/login/v3/oauth?')).at(-1)!.path, sonos.origin).searchParams;
    expect(authorize.get('scope')).toBe(SONOS_SCOPE);
    expect(authorize.get('response_type')).toBe('code');
    expect(authorize.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(authorize.get('state')).toEqual(expect.any(String));
    expect(authorize.has('code_challenge')).toBe(false);
    const { accounts, tokens } = await connectionRowsOf(context.database, userId, 'sonos');
    expect(accounts).toEqual([{ subject: userId, claims: expect.any(String) }]);
    expect(tokens).toEqual([{ status: 'active' }]);
    const token = await app.runtime.tokenStore.findToken(userId, 'sonos');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: SONOS_SCOPE });
    expectAccessTokenLifetime(token, SONOS_ACCESS_TOKEN_SECONDS - 100, SONOS_ACCESS_TOKEN_SECONDS);
    const exchange = sonos.server.requests.filter((r) => r.path === '/login/v3/oauth/access').at(-1)!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    const form = sonos.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(form.has('client_secret')).toBe(false);
  });

  it('the proxy calls the Control API with the token as Bearer; 20 concurrent calls on an expired token make one refresh, with Basic credentials, and the refresh token is kept', async () => {
    const { emulator: sonos } = context;
    const { browser, userId } = await connect(account('Sonos_HHID_home02', 'Sonos_HHID_cabin02'));
    const first = await households(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ households: [{ id: 'Sonos_HHID_home02' }, { id: 'Sonos_HHID_cabin02' }] });
    const { after } = await expectKeptAfterStorm(context, 'sonos', userId, () => households(browser));
    expectAccessTokenLifetime(after, SONOS_ACCESS_TOKEN_SECONDS - 100, SONOS_ACCESS_TOKEN_SECONDS);
    const refresh = sonos.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('refresh_token')).toBe(after.refreshToken);
    expect(sonos.server.requests.filter((r) => r.path === '/login/v3/oauth/access').at(-1)!.headers.authorization).toMatch(/^Basic /);
    expect(sonos.server.requests.filter((r) => r.path === '/control/api/v1/households').at(-1)!.headers.authorization).toBe(`Bearer ${after.accessToken}`);
    // Sonos refuses a refresh token it does not take 400 invalid_request, and a client without its pair 401 invalid_client.
    expect(await statusAndBody(refreshAtProvider(`${sonos.origin}/login/v3/oauth/access`, CLIENT, 'not-a-refresh-token', { by: 'basic' }))).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'Invalid refresh token' },
    });
    expect((await refreshAtProvider(`${sonos.origin}/login/v3/oauth/access`, CLIENT, after.refreshToken!, { by: 'form' })).status).toBe(401);
  });

  it("the integration removed in the Sonos app: the refresh Sonos refuses (400 invalid_request) marks the connection 'needs re-auth' after one try", async () => {
    const { emulator: sonos } = context;
    const leaving = account('Sonos_HHID_home03');
    const { browser, userId } = await connect(leaving);
    sonos.removeIntegration(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'sonos', userId, () => households(browser));
    expect((await households(browser)).status).toBe(401);
  });

  // Never signed in with; a disconnect; and, connected through Bob, a cancelled consent, a client secret Sonos refuses, and its token endpoint failing.
  connectOnlyCases(
    context,
    { preset: 'sonos', displayName: 'Sonos', people: { disconnect: account('Sonos_HHID_home04'), cancelled: account('Sonos_HHID_home05'), 'wrong-secret': account('Sonos_HHID_home06'), 'exchange-failure': account('Sonos_HHID_home07') } },
    { cancelled: {}, wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} },
  );
});
