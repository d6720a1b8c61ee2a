import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startGeniusEmulator, type GeniusEmulator, type GeniusUser } from './genius.emulator.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, startProviderTestApp } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the form Genius's API clients have (64 characters each, letters, digits, - and _).
const CLIENT_ID = 'Xq3v9Lk2Pz7Rb0Tn5Wm8Ys1Hd4Fg6Jc-Ae2Uo9Ir3Ek7Ql0Zx5Cv8Bn1Mw4St6_u';
const CLIENT_SECRET = 'p7Lk2Qw9Er4Ty1Ui8Op3As6Df0Gh5Jk2Lz9Xc4Vb7Nm1Qw8Er3Ty6Ui0Op5As2D';
const REDIRECT_URI = `${APP_ORIGIN}/auth/genius/callback`;

function person(id: number, name: string): GeniusUser {
  return { id, name, login: name.replace(/\W+/g, '-') };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/account moves with it). */
function geniusEnv(genius: GeniusEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('genius', CLIENT_ID, CLIENT_SECRET, {
    GENIUS_AUTHORIZE_URL: `${genius.origin}/oauth/authorize`,
    GENIUS_ACCESS_TOKEN_URL: `${genius.origin}/oauth/token`,
    GENIUS_API_BASE_URL: genius.origin,
    ...extra,
  });
}

const GENIUS: StandardProvider<GeniusUser, GeniusEmulator> = {
  preset: 'genius',
  displayName: 'Genius',
  startEmulator: () => startGeniusEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: geniusEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

describeEachDialect('Genius, against an emulator of Genius', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), GENIUS);

  const signIn = (user: GeniusUser) => signInAs(context, 'genius', user);
  const song = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/genius/proxy/songs/378195`);

  it('signs in as the numeric id of /account (not the login), with its name and login and no e-mail; me without PKCE, the client in the form with response_type=code, a token with no end and no refresh token', async () => {
    const { database, emulator: genius, app } = context;
    const { userId, request } = await signIn(person(1, 'Fake User'));
    expect(request.get('scope')).toBe('me');
    expect(request.get('response_type')).toBe('code');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('1');
    expect(JSON.parse(account.claims)).toMatchObject({ id: '1', name: 'Fake User', login: 'Fake-User' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Fake User', email: null, email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'genius');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, scope: 'me' });
    const exchange = genius.server.requests.filter((r) => r.path === '/oauth/token').at(-1)!;
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(exchange.headers.authorization).toBeUndefined();
    // The emulator takes a code exchange only with the client in the form and response_type=code, as Genius's page lists it.
    expect(genius.server.counts.authorization_code).toBe(1);
    expect(genius.server.requests.filter((r) => r.path === '/account').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the API with the token as Bearer; 20 concurrent calls ask Genius for no token, as there is nothing to refresh', async () => {
    const { emulator: genius } = context;
    const { browser } = await signIn(person(102, 'Song Reader'));
    const answers = await expectNoTokenRequestFor20Calls(genius, () => song(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ meta: { status: 200 }, response: { song: { id: 378195, title: 'Alright' } } });
    expect(genius.server.counts.songs).toBeGreaterThanOrEqual(20);
  });

  it('the scopes set in GENIUS_SCOPE are asked and kept as asked', async () => {
    const { database, emulator: genius } = context;
    const annotator = await startProviderTestApp({ databaseUrl: database.url, env: geniusEnv(genius, { GENIUS_SCOPE: 'me create_annotation vote' }) });
    try {
      const { userId, request } = await signInAs({ emulator: genius, app: annotator }, 'genius', person(103, 'Annotator'));
      expect(request.get('scope')).toBe('me create_annotation vote');
      expect(await annotator.runtime.tokenStore.findToken(userId, 'genius')).toMatchObject({ scope: 'me create_annotation vote' });
    } finally {
      await annotator.close();
    }
  });

  it("a token Genius stops taking (401) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: genius } = context;
    const leaving = person(105, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    genius.revokeApp(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'genius', userId, () => song(browser));
  });

  it('disconnect deletes the token here and asks Genius nothing: it documents no revocation endpoint', async () => {
    const { emulator: genius, app } = context;
    const { browser, userId } = await signIn(person(106, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'genius'))!;
    await expectDisconnectAsksNothing(context, 'genius', { browser, userId });
    expect(genius.accepts(stored.accessToken)).toBe(true);
  });

  it('/account failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, GENIUS, person(107, 'Outage Again'), (genius) => genius.failNextAccountRequest(500));
  });

  standardCases(() => context, GENIUS, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(GENIUS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it("in production the preset calls Genius itself: api.genius.com's authorization page, token endpoint, API and /account", () => {
  const settings = presetInProduction('genius', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings.endpoints).toMatchObject({ authorizationEndpoint: 'https://api.genius.com/oauth/authorize', tokenEndpoint: 'https://api.genius.com/oauth/token', userinfoEndpoint: 'https://api.genius.com/account' });
  expect(settings.apiBaseUrl).toBe('https://api.genius.com');
});
