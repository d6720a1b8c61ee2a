import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startZettleEmulator, type ZettleEmulator, type ZettleUser } from './zettle.emulator.js';

// A client id (a UUID) and secret of the kind the Zettle Developer Portal gives a partner-hosted app.
const CLIENT_ID = 'c55de605-48b6-42ef-b69e-cd9d14ded15a';
const CLIENT_SECRET = 'IZSECe8b27fdb-faea-46e1-a886-6eded9f84f72';
const REDIRECT_URI = `${APP_ORIGIN}/auth/zettle/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

/** A Zettle user numbered `n` (the name is the standard cases'; Zettle's /users/self has none). */
function person(n: number, _name = ''): ZettleUser {
  const hex = n.toString(16).padStart(12, '0');
  return { uuid: `de305d54-75b4-431b-adb2-${hex}`, organizationUuid: `ab305d54-75b4-431b-adb2-${hex}` };
}

/** Only the documented variables: the preset, the client, and Zettle's OAuth2 API and Finance API v2 pointed at the emulator. */
function zettleEnv(zettle: ZettleEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('zettle', CLIENT_ID, CLIENT_SECRET, {
    ZETTLE_AUTHORIZE_URL: `${zettle.origin}/authorize`,
    ZETTLE_ACCESS_TOKEN_URL: `${zettle.origin}/token`,
    ZETTLE_USERINFO_URL: `${zettle.origin}/users/self`,
    ZETTLE_REVOCATION_URL: `${zettle.origin}/application-connections/self`,
    ZETTLE_API_BASE_URL: `${zettle.origin}/v2`,
    ...extra,
  });
}

const ZETTLE: StandardProvider<ZettleUser, ZettleEmulator> = {
  preset: 'zettle',
  displayName: 'Zettle',
  startEmulator: () => startZettleEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: (zettle) => zettleEnv(zettle),
  people: standardPeople(person),
  subjectOf: (user) => user.uuid,
};

const balance = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/zettle/proxy/accounts/liquid/balance`);

describeEachDialect('Zettle, against an emulator of Zettle', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ZETTLE);

  const signIn = (user: ZettleUser) => signInAs(context, 'zettle', user);

  it('signs in as the uuid of /users/self, keeping the organization, with no name or e-mail; READ:PURCHASE READ:FINANCE asked, no PKCE, the client in the form, a 2-hour token (answered without token_type or scope) with an IZSEC refresh token', async () => {
    const { database, emulator: zettle, app } = context;
    const ada = person(101);
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('READ:PURCHASE READ:FINANCE');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.uuid);
    expect(JSON.parse(account.claims)).toMatchObject({ uuid: ada.uuid, organizationUuid: ada.organizationUuid });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'zettle');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^IZSEC/), scope: 'READ:PURCHASE READ:FINANCE' });
    expectAccessTokenLifetime(token, 7100, 7200);
    const exchange = zettle.server.requests.find((r) => r.path === '/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('the proxy calls the Finance API v2; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept and the spent one refused as Zettle documents', async () => {
    const { emulator: zettle } = context;
    const { browser, userId } = await signIn(person(102));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'zettle', userId, () => balance(browser));
    expect(JSON.parse(answers[0]!.text)).toEqual({ data: { totalBalance: 12550, currencyId: 'SEK' } });
    expectAccessTokenLifetime(after, 7100, 7200);
    expect(after.refreshToken).toMatch(/^IZSEC/);
    const spent = await refreshAtProvider(`${zettle.origin}/token`, CLIENT, before.refreshToken!, { by: 'form' });
    expect(spent.status).toBe(400);
    expect(await spent.json()).toEqual({ error: 'invalid_grant', error_description: 'invalid refresh_token' });
    const refreshed = await refreshAtProvider(`${zettle.origin}/token`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(Object.keys((await refreshed.json()) as object).sort()).toEqual(['access_token', 'expires_in', 'refresh_token']);
  });

  it("the emulator's API refuses a token it does not take as Zettle documents: 401 with its WWW-Authenticate", async () => {
    const { emulator: zettle } = context;
    const unknown = await fetch(`${zettle.origin}/v2/accounts/liquid/balance`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toBe('Bearer error="invalid_request", error_description="ACCESS_TOKEN_EXPIRED"');
  });

  it("the app removed in Zettle marks the connection 'needs re-auth' after one refresh Zettle refuses", async () => {
    const { emulator: zettle } = context;
    const leaving = person(103);
    const { browser, userId } = await signIn(leaving);
    zettle.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'zettle', userId, () => balance(browser));
  });

  it('disconnect deletes the application connection with the access token as Bearer, and the tokens end', async () => {
    const { emulator: zettle } = context;
    const { browser, userId } = await signIn(person(104));
    const stored = await expectDisconnectRevokes(context, 'zettle', { browser, userId }, { requests: 1 });
    expect(zettle.disconnections.at(-1)).toBe(`Bearer ${stored.accessToken}`);
    expect(zettle.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(`${zettle.origin}/token`, CLIENT, stored.refreshToken!, { by: 'form' })).status).toBe(400);
  });

  it('/users/self failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, ZETTLE, person(110), (zettle) => zettle.failNextProfile(500));
  });

  standardCases(() => context, ZETTLE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(ZETTLE, {
  title: 'Zettle refresh tokens (180 days each, rotated) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its 180, and the connection lives on past them',
  startEmulator: (now) => startZettleEmulator({ ...CLIENT, redirectUri: REDIRECT_URI, now }),
  person: person(120),
  dueAfterDays: 173,
  // Ten days on, the refresh token signed in with was invalidated by the sweep's refresh; the one the sweep got works.
  usedAgainAfterDays: 10,
  firstRefreshTokenRefused: async (zettle, refreshToken) => {
    expect((await refreshAtProvider(`${zettle.origin}/token`, CLIENT, refreshToken, { by: 'form' })).status).toBe(400);
  },
});

describeClientFailures(ZETTLE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Zettle in production', () => {
  it("with the client alone, signs in at oauth.zettle.com, reads /users/self, disconnects there and calls the Finance API v2 and Zettle's other API hosts", () => {
    const { settings } = presetInProduction('zettle', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Zettle',
      endpoints: {
        authorizationEndpoint: 'https://oauth.zettle.com/authorize',
        tokenEndpoint: 'https://oauth.zettle.com/token',
        userinfoEndpoint: 'https://oauth.zettle.com/users/self',
        revocationEndpoint: 'https://oauth.zettle.com/application-connections/self',
      },
      scope: 'READ:PURCHASE READ:FINANCE',
      apiBaseUrl: 'https://finance.izettle.com/v2',
      extraApiBaseUrls: expect.arrayContaining(['https://purchase.izettle.com', 'https://products.izettle.com']),
      tokenEndpointAuthMethod: 'client_secret_post',
      omitsTokenType: true,
      subjectClaim: 'uuid',
      refreshTokenIdleSeconds: 180 * 86_400,
    });
  });
});
