import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, startProviderTestApp } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startOpenStreetMapEmulator, type OpenStreetMapEmulator, type OpenStreetMapUser } from './openstreetmap.emulator.js';

// A client id and secret of the form an OAuth 2 application registered at openstreetmap.org is given (43 characters of URL-safe base64).
const CLIENT_ID = 'Qk3nV0rZtY7mJ2pX9sLw4cHd8fGb1aEu6iOy5TqRxNo';
const CLIENT_SECRET = 'hT2wq9Lm4Zx7Ck1Vb8Nd3Rf6Gj0Sp5Ya9Ue2Io7Kl4M';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/openstreetmap/callback`;

function person(id: number, displayName: string): OpenStreetMapUser {
  return { id: 4_200_000 + id, displayName };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the user details move with the API base). */
function openstreetmapEnv(osm: OpenStreetMapEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('openstreetmap', CLIENT_ID, CLIENT_SECRET, {
    OPENSTREETMAP_AUTHORIZE_URL: `${osm.origin}/oauth2/authorize`,
    OPENSTREETMAP_ACCESS_TOKEN_URL: `${osm.origin}/oauth2/token`,
    OPENSTREETMAP_REVOCATION_URL: `${osm.origin}/oauth2/revoke`,
    OPENSTREETMAP_API_BASE_URL: `${osm.origin}/api/0.6`,
    ...extra,
  });
}

const OPENSTREETMAP: StandardProvider<OpenStreetMapUser, OpenStreetMapEmulator> = {
  preset: 'openstreetmap',
  displayName: 'OpenStreetMap',
  startEmulator: () => startOpenStreetMapEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: openstreetmapEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

const preferences = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/openstreetmap/proxy/user/preferences.json`);

describeEachDialect('OpenStreetMap, against an emulator of OpenStreetMap', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), OPENSTREETMAP);
  const signIn = (user: OpenStreetMapUser) => signInAs(context, 'openstreetmap', user);

  it('signs in as the id of user/details.json, named by the display name, no e-mail; read_prefs with PKCE S256, the client as Basic, a token with no end and no refresh token', async () => {
    const { database, emulator: osm, app } = context;
    const { userId, request } = await signIn(person(101, 'Ada Lovelace'));
    expect(request.get('scope')).toBe('read_prefs');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('4200101');
    expect(JSON.parse(account.claims)).toEqual({ id: '4200101', name: 'Ada Lovelace', preferred_username: 'Ada Lovelace', picture: 'https://www.openstreetmap.org/rails/active_storage/representations/redirect/4200101/avatar.png' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: 'Ada Lovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'openstreetmap');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, scope: 'read_prefs' });
    const exchange = osm.server.requests.findLast((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(osm.server.requests.findLast((r) => r.path === '/api/0.6/user/details.json')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the person is the id: a new display name signs in to the same user, renamed', async () => {
    const { database } = context;
    const first = await signIn(person(102, 'Grace Hopper'));
    const again = await signIn(person(102, 'Amazing Grace'));
    expect(again.userId).toBe(first.userId);
    const user = await database.db.selectFrom('users').select(['name']).where('id', '=', first.userId).executeTakeFirstOrThrow();
    expect(user.name).toBe('Amazing Grace');
  });

  it('the proxy calls API v0.6 with the token as Bearer; 20 concurrent calls ask for no token, and OpenStreetMap serves no refresh', async () => {
    const { emulator: osm, app } = context;
    const { browser, userId } = await signIn(person(103, 'Alan Turing'));
    const answers = await expectNoTokenRequestFor20Calls(osm, () => preferences(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ preferences: { editor: 'id' } });
    const stored = await app.runtime.tokenStore.findToken(userId, 'openstreetmap');
    expect(osm.server.requests.findLast((r) => r.path === '/api/0.6/user/preferences.json')!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
    expect((await statusAndBody(refreshAtProvider(`${osm.origin}/oauth2/token`, CLIENT, 'any-refresh-token', { by: 'form' }))).body).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it("an application the person revoked marks the connection 'needs re-auth' at the API's 401, with no token request", async () => {
    const { emulator: osm } = context;
    const leaving = person(104, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    osm.revokeApplication(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'openstreetmap', userId, () => preferences(browser));
  });

  it('disconnect revokes the access token at POST /oauth2/revoke with the client, and OpenStreetMap takes it no more', async () => {
    const { emulator: osm } = context;
    const { browser, userId } = await signIn(person(105, 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'openstreetmap', { browser, userId }, { requests: 1 });
    expect(osm.revocationForms.at(-1)!.get('token')).toBe(stored.accessToken);
    expect(osm.accepts(stored.accessToken)).toBe(false);
  });

  it('a scope the application was not registered for is sent back as invalid_scope, and the sign-in stores nothing', async () => {
    const { database, emulator: osm } = context;
    const wide = await startProviderTestApp({ databaseUrl: database.url, env: openstreetmapEnv(osm, { OPENSTREETMAP_SCOPE: 'read_prefs write_redactions' }) });
    try {
      osm.signInAs(person(106, 'Too Greedy'));
      const browser = wide.browser();
      const start = await browser.get(`${APP_ORIGIN}/login/openstreetmap?next=/api/me`, { followRedirects: false });
      expect(new URL(start.location!).searchParams.get('scope')).toBe('read_prefs write_redactions');
      const sentBack = await fetch(start.location!, { redirect: 'manual' });
      expect(new URL(sentBack.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
      expect((await browser.get(start.location!)).status).not.toBe(200);
      expect(await database.db.selectFrom('accounts').select('subject').where('subject', '=', '4200106').executeTakeFirst()).toBeUndefined();
    } finally {
      await wide.close();
    }
  });

  it('user/details failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, OPENSTREETMAP, person(110, 'Outage Profile'), (osm) => osm.failNextDetails(500));
  });

  standardCases(() => context, OPENSTREETMAP, { cancelled: {}, refusedCode: { sentAs: "400 invalid_grant with Doorkeeper's WWW-Authenticate challenge" } });
});

describeClientFailures(OPENSTREETMAP, { wrongSecret: { sentAs: "401 invalid_client with Doorkeeper's WWW-Authenticate challenge" }, exchangeFailure: {} });

describe('the openstreetmap preset in production', () => {
  it("with the client alone, signs in at www.openstreetmap.org's OAuth 2 endpoints, revokes there and reads the person and calls API v0.6 at api.openstreetmap.org, asking read_prefs with the client as Basic", () => {
    const { settings } = presetInProduction('openstreetmap', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'OpenStreetMap',
      endpoints: {
        authorizationEndpoint: 'https://www.openstreetmap.org/oauth2/authorize',
        tokenEndpoint: 'https://www.openstreetmap.org/oauth2/token',
        userinfoEndpoint: 'https://api.openstreetmap.org/api/0.6/user/details.json',
        revocationEndpoint: 'https://www.openstreetmap.org/oauth2/revoke',
      },
      scope: 'read_prefs',
      apiBaseUrl: 'https://api.openstreetmap.org/api/0.6',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
    });
  });
});
