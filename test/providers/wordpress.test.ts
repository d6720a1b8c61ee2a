import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startWordpressEmulator, type WordpressEmulator, type WordpressUser } from './wordpress.emulator.js';

// A client ID as WordPress.com numbers apps, and a 64-character secret.
const CLIENT_ID = '81237';
const CLIENT_SECRET = 'Zk3qP8vR2mT6wY9bN4cH7jL1xD5fG0sA3eU8iO2pK6nV9rB4tM7yW1zQ5hJ0cX3d';
const REDIRECT_URI = `${APP_ORIGIN}/auth/wordpress/callback`;

function person(id: number, name: string, options: { emailVerified?: boolean; sites?: number } = {}): WordpressUser {
  const username = name.split(' ')[0]!.toLowerCase();
  const sites = Array.from({ length: options.sites ?? 1 }, (_, index) => ({ id: 221_400_000 + id * 10 + index, url: `https://${username}${index === 0 ? '' : index + 1}.wordpress.com` }));
  return { id: 97_310_000 + id, username, displayName: name, email: `${username}@acme.test`, emailVerified: options.emailVerified ?? true, sites };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/rest/v1.1/me moves with it). */
function wordpressEnv(wordpress: WordpressEmulator): Record<string, string> {
  return presetEnv('wordpress', CLIENT_ID, CLIENT_SECRET, {
    WORDPRESS_AUTHORIZE_URL: `${wordpress.origin}/oauth2/authorize`,
    WORDPRESS_ACCESS_TOKEN_URL: `${wordpress.origin}/oauth2/token`,
    WORDPRESS_API_BASE_URL: wordpress.origin,
  });
}

const WORDPRESS: StandardProvider<WordpressUser, WordpressEmulator> = {
  preset: 'wordpress',
  displayName: 'WordPress.com',
  startEmulator: () => startWordpressEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: wordpressEnv,
  people: standardPeople((id, name) => person(id, name)),
  subjectOf: (user) => String(user.id),
};

const posts = (browser: TestBrowser, site: number | string) => browser.request(`${APP_ORIGIN}/api/providers/wordpress/proxy/rest/v1.1/sites/${site}/posts/`, { method: 'GET' });

describeEachDialect('WordPress.com, against an emulator of WordPress.com', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), WORDPRESS);

  const signIn = (user: WordpressUser) => signInAs(context, 'wordpress', user);

  it('signs in as the ID of /rest/v1.1/me with its display name, username and verified e-mail, the site the token reaches kept; no scope or PKCE asked, the client in the form, a token that never expires with no refresh token', async () => {
    const { database, emulator: wordpress, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(ada.id));
    expect(JSON.parse(account.claims)).toMatchObject({ ID: ada.id, username: 'ada', blog_id: String(ada.sites[0]!.id), blog_url: 'https://ada.wordpress.com' });
    expect(JSON.parse(account.claims)).not.toHaveProperty('access_token');
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'wordpress');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null });
    const exchange = wordpress.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(wordpress.server.requests.filter((r) => r.path === '/rest/v1.1/me').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('keeps an e-mail WordPress.com has not verified as unverified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(102, 'Unverified Person', { emailVerified: false }));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('unverified@acme.test');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy reaches the token’s site (its other site is WordPress.com’s 403, passed on and not a sign-in to redo); 20 concurrent calls ask WordPress.com for no token', async () => {
    const { emulator: wordpress, app } = context;
    const grace = person(103, 'Grace Hopper', { sites: 2 });
    const { browser, userId } = await signIn(grace);
    const own = await posts(browser, grace.sites[0]!.id);
    expect(own.status).toBe(200);
    expect(JSON.parse(own.text)).toMatchObject({ found: 1, posts: [{ site_ID: grace.sites[0]!.id }] });
    const other = await posts(browser, 'grace2.wordpress.com');
    expect(other.status).toBe(403);
    expect(JSON.parse(other.text)).toMatchObject({ error: 'unauthorized' });
    expect((await app.runtime.tokenStore.findToken(userId, 'wordpress'))!.status).toBe('active');

    await expectNoTokenRequestFor20Calls(wordpress, () => posts(browser, grace.sites[0]!.id));
  });

  it("the app disconnected at WordPress.com (401 invalid_token) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: wordpress, app } = context;
    const alan = person(104, 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    wordpress.disconnectApp(alan);
    await expectNeedsReauthWithoutTokenRequest(context, 'wordpress', userId, () => posts(browser, alan.sites[0]!.id));
  });

  it("invalid_token answered with 400 is read as the token refused too: 'needs re-auth'", async () => {
    const { emulator: wordpress, app } = context;
    const joan = person(105, 'Joan Clarke');
    const { browser, userId } = await signIn(joan);
    wordpress.disconnectApp(joan);
    wordpress.answerInvalidTokenWith(400);
    try {
      const call = await posts(browser, joan.sites[0]!.id);
      expect(call.status).toBe(401);
      expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
      expect((await app.runtime.tokenStore.findToken(userId, 'wordpress'))!.status).toBe('needs_reauth');
    } finally {
      wordpress.answerInvalidTokenWith(401);
    }
  });

  it('disconnect deletes the token and asks WordPress.com nothing (apps have no revocation there)', async () => {
    const { emulator: wordpress, app } = context;
    const { browser, userId } = await signIn(person(106, 'Leaving Person'));
    const accessToken = (await app.runtime.tokenStore.findToken(userId, 'wordpress'))!.accessToken;
    await expectDisconnectAsksNothing(context, 'wordpress', { browser, userId });
    expect(wordpress.accepts(accessToken)).toBe(true);
  });

  it('/rest/v1.1/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, WORDPRESS, person(110, 'Outage Profile'), (wordpress) => wordpress.failNextMe(500));
  });

  standardCases(() => context, WORDPRESS, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('WordPress.com with WORDPRESS_SCOPE=global', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: WORDPRESS.startEmulator, env: (wordpress) => ({ ...wordpressEnv(wordpress), WORDPRESS_SCOPE: 'global' }) });

  it('asks for global, keeps no one site with the profile, and the proxy reaches every site of the person', async () => {
    const { database } = context;
    const kat = person(120, 'Kat Johnson', { sites: 2 });
    const { browser, userId, request } = await signInAs(context, 'wordpress', kat);
    expect(request.get('scope')).toBe('global');
    const claims = JSON.parse((await database.db.selectFrom('accounts').select(['claims']).where('user_id', '=', userId).executeTakeFirstOrThrow()).claims);
    expect(claims).toMatchObject({ ID: kat.id });
    expect(claims).not.toHaveProperty('blog_id');
    expect(claims).not.toHaveProperty('blog_url');
    expect((await posts(browser, kat.sites[0]!.id)).status).toBe(200);
    expect((await posts(browser, 'kat2.wordpress.com')).status).toBe(200);
  });
});

describeClientFailures(WORDPRESS, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });
