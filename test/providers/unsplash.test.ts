import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough, startProviderTestApp } from './kit/provider-app.js';
import { describeClientFailures, rowCounts, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startUnsplashEmulator, type UnsplashEmulator, type UnsplashUser } from './unsplash.emulator.js';

// An access key and secret key of the form Unsplash's applications have (43 characters of URL-safe base64).
const CLIENT_ID = 'Yq3xW0k2V9mB7nT4pR1sL6dF8gH5jK2zX9cV3bN7mQw';
const CLIENT_SECRET = 'Pz8Lk2Jh5Gf7Ds3Aq1Wm9Ne4Rb6Tc0Yv8Ux2Io5Pl7K';
const REDIRECT_URI = `${APP_ORIGIN}/auth/unsplash/callback`;

/** A person whose opaque Unsplash id is made from the number, as Unsplash's ids are 11 URL-safe characters. */
function person(id: number, firstName: string, lastName: string): UnsplashUser {
  return { id: `u${String(id).padStart(10, '0')}`, username: `${firstName}${lastName}`.toLowerCase(), firstName, lastName, email: `${firstName.toLowerCase()}@unsplash.test` };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/me moves with it). */
function unsplashEnv(unsplash: UnsplashEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('unsplash', CLIENT_ID, CLIENT_SECRET, {
    UNSPLASH_AUTHORIZE_URL: `${unsplash.origin}/oauth/authorize`,
    UNSPLASH_ACCESS_TOKEN_URL: `${unsplash.origin}/oauth/token`,
    UNSPLASH_API_BASE_URL: unsplash.origin,
    ...extra,
  });
}

const UNSPLASH: StandardProvider<UnsplashUser, UnsplashEmulator> = {
  preset: 'unsplash',
  displayName: 'Unsplash',
  startEmulator: () => startUnsplashEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: unsplashEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Unsplash, against an emulator of Unsplash', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), UNSPLASH);

  const signIn = (user: UnsplashUser) => signInAs(context, 'unsplash', user);
  const likes = (browser: TestBrowser, username: string) => browser.get(`${APP_ORIGIN}/api/providers/unsplash/proxy/users/${username}/likes`);

  it('signs in as the id of /me (not the username), its first and last names joined and its e-mail (verification unknown); public read_user without PKCE, the client in the form, a token with no end and no refresh token', async () => {
    const { database, emulator: unsplash, app } = context;
    const jim = person(1436, 'James', 'Example');
    const { userId, request } = await signIn(jim);
    expect(request.get('scope')).toBe('public read_user');
    expect(request.get('response_type')).toBe('code');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(jim.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: jim.id, username: 'jamesexample', name: 'James Example', email: 'james@unsplash.test' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'James Example', email: 'james@unsplash.test', email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'unsplash');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, scope: 'public read_user' });
    const exchange = unsplash.server.requests.filter((r) => r.path === '/oauth/token').at(-1)!;
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(exchange.headers.authorization).toBeUndefined();
    expect(unsplash.server.requests.filter((r) => r.path === '/me').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the API with the token as Bearer; 20 concurrent calls ask Unsplash for no token, as there is nothing to refresh', async () => {
    const { emulator: unsplash } = context;
    const liker = person(1437, 'Photo', 'Liker');
    const { browser } = await signIn(liker);
    const answers = await expectNoTokenRequestFor20Calls(unsplash, () => likes(browser, liker.username));
    expect(JSON.parse(answers[0]!.text)).toEqual([expect.objectContaining({ id: 'LBI7cgq3pbM', liked_by_user: true })]);
    expect(unsplash.server.counts.likes).toBeGreaterThanOrEqual(20);
  });

  it("the app revoked in the person's Unsplash account (401 { errors }) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: unsplash } = context;
    const leaving = person(1438, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    unsplash.revokeApp(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'unsplash', userId, () => likes(browser, leaving.username));
  });

  it('disconnect deletes the token here and asks Unsplash nothing: it documents no revocation endpoint', async () => {
    const { emulator: unsplash, app } = context;
    const { browser, userId } = await signIn(person(1439, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'unsplash'))!;
    await expectDisconnectAsksNothing(context, 'unsplash', { browser, userId });
    expect(unsplash.accepts(stored.accessToken)).toBe(true);
  });

  it('a scope configured without read_user gets a token /me refuses (403): the sign-in fails and nothing is stored', async () => {
    const { database, emulator: unsplash } = context;
    const narrow = await startProviderTestApp({ databaseUrl: database.url, env: unsplashEnv(unsplash, { UNSPLASH_SCOPE: 'public write_likes' }) });
    try {
      const before = await rowCounts(database);
      unsplash.signInAs(person(1440, 'Public', 'Only'));
      const page = await signInThrough(narrow.browser(), 'unsplash');
      expect(page.status).toBe(502);
      expect(page.text).toContain('Unsplash refused the userinfo request (HTTP 403)');
      expect(await rowCounts(database)).toEqual(before);
    } finally {
      await narrow.close();
    }
  });

  it('/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, UNSPLASH, person(1441, 'Outage', 'Again'), (unsplash) => unsplash.failNextMeRequest(500));
  });

  standardCases(() => context, UNSPLASH, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(UNSPLASH, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it("in production the preset calls Unsplash itself: unsplash.com's authorization page and token endpoint, api.unsplash.com's API and /me", () => {
  const settings = presetInProduction('unsplash', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings.endpoints).toMatchObject({ authorizationEndpoint: 'https://unsplash.com/oauth/authorize', tokenEndpoint: 'https://unsplash.com/oauth/token', userinfoEndpoint: 'https://api.unsplash.com/me' });
  expect(settings.apiBaseUrl).toBe('https://api.unsplash.com');
});
