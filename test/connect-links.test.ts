// Connect links (POST /api/v1/connect-links, GET /connect/<secret>) through
// the dev provider: a service makes a link, a person opens it in a browser,
// signs in and consents at the provider, and lands on the service's
// return_to with the outcome. Every service API answer is checked against
// the OpenAPI document (support/service-api.ts).
import { beforeAll, expect, it } from 'vitest';
import type { BrowserResponse, TestBrowser } from './support/browser.js';
import { testClock } from './support/clock.js';
import { describeEachDialect } from './support/postgres.js';
import { newServiceKey, serviceApiClient, withSecondProvider, type ServiceApiClient } from './support/service-api.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { setUserFlags } from '../src/db/user.repository.js';
import { APP_ORIGIN } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/** The service's own site, where the browser comes back (never reached: the browser stops at the redirect). */
const CLIENT = 'https://client.test';
const RETURN_TO = `${CLIENT}/connected?job=7`;
/** The configured scope leaves out notes:read, so that a link can ask for it. */
const CONFIGURED_SCOPE = 'openid profile email offline_access';

/** Follows the provider's login and consent pages until the app sends the browser to the client. */
async function throughProvider(browser: TestBrowser, page: BrowserResponse, username: string): Promise<BrowserResponse> {
  for (let step = 0; step < 4 && page.location === undefined; step += 1) {
    if (page.url.startsWith(APP_ORIGIN) || !page.text.includes('<form')) break;
    page = await browser.submitForm(page, page.text.includes('name="password"') ? { username, password: username } : {}, { stopAt: CLIENT });
  }
  return page;
}

function outcome(page: BrowserResponse): Record<string, string> {
  expect(page.location, `stopped at ${page.status} ${page.url}: ${page.text.slice(0, 300)}`).toBeDefined();
  const url = new URL(page.location!);
  expect(url.origin + url.pathname).toBe(`${CLIENT}/connected`);
  return Object.fromEntries(url.searchParams);
}

describeEachDialect('connect links', (dialect) => {
  const clock = testClock();
  const { app, database } = useTestApp(dialect, {
    env: { TOOLKIT_SCOPE: CONFIGURED_SCOPE, CONNECT_RETURN_ORIGINS: `${CLIENT},http://localhost:5173` },
    configure: withSecondProvider,
    now: clock.now,
  });
  let api: ServiceApiClient;
  let key: string;
  let alice: SignedInUser;
  let bob: SignedInUser;

  beforeAll(async () => {
    api = await serviceApiClient(app());
    key = await newServiceKey(app(), 'billing', ['connections:write']);
    alice = await signedInUser(app(), 'alice');
    bob = await signedInUser(app(), 'bob');
  });

  const create = (body: Record<string, unknown>, withKey = key) => api.call({ method: 'POST', template: '/connect-links', key: withKey, body });
  const linkFor = async (body: Record<string, unknown>) => {
    const answer = await create({ provider: 'toolkit', return_to: RETURN_TO, ...body });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body as { url: string; expires_at: number };
  };
  const storedScope = async (userId: string, provider = 'toolkit') => (await app().runtime.tokenStore.findToken(userId, provider))?.scope?.split(' ').sort();
  const auditEvents = (event: string) => database().db.selectFrom('audit_log').selectAll().where('event', '=', event).execute();

  it('a link for a user, opened signed in as them: asks for the granted scope plus the extra one, and lands on return_to connected with what was granted', async () => {
    expect(await storedScope(alice.userId)).toEqual(['email', 'offline_access', 'openid', 'profile']);
    const link = await linkFor({ user_id: alice.userId, scope: 'notes:read' });
    expect(link.url).toMatch(new RegExp(`^${APP_ORIGIN}/connect/[A-Za-z0-9_-]{43}$`));
    expect(link.expires_at).toBe(clock.now() + 15 * 60);

    const start = await alice.browser.get(link.url, { followRedirects: false });
    expect(start.status).toBe(303);
    expect(start.headers.get('referrer-policy')).toBe('no-referrer');
    const request = new URL(start.location!).searchParams;
    expect(request.get('scope')!.split(' ').sort()).toEqual(['email', 'notes:read', 'offline_access', 'openid', 'profile']);
    expect(request.get('code_challenge_method')).toBe('S256');
    // More scope is a new consent, and with it the provider keeps offline_access in the grant (OpenID Connect Core §11).
    expect(request.get('prompt')).toBe('consent');

    const landed = await throughProvider(alice.browser, await alice.browser.get(start.location!, { stopAt: CLIENT }), 'alice');
    expect(outcome(landed)).toEqual({ job: '7', status: 'connected' });
    expect(await storedScope(alice.userId)).toEqual(['email', 'notes:read', 'offline_access', 'openid', 'profile']);
    // The new scope works: the notes API wants notes:read.
    expect((await alice.browser.get(`${APP_ORIGIN}/api/providers/toolkit/proxy/notes`)).status).toBe(200);

    const [created] = (await auditEvents('service.connect_link_created')).filter((row) => row.target_id === alice.userId);
    expect(JSON.parse(created!.detail!)).toMatchObject({ service: 'billing', provider: 'toolkit', scope: 'notes:read', return_to: RETURN_TO });
    const [connected] = (await auditEvents('connect_link.connected')).filter((row) => row.target_id === alice.userId);
    expect(JSON.parse(connected!.detail!)).toMatchObject({ service: 'billing', provider: 'toolkit' });
  });

  it('works once: a second open is an error page saying so, and starts nothing', async () => {
    const link = await linkFor({ user_id: alice.userId });
    const first = await alice.browser.get(link.url, { followRedirects: false });
    expect(first.status).toBe(303);
    const second = await alice.browser.get(link.url, { followRedirects: false });
    expect(second.status).toBe(410);
    expect(second.text).toContain('opened already');
    const asJson = await app().runtime.app.inject({ method: 'GET', url: new URL(link.url).pathname, headers: { accept: 'application/json' } });
    expect(asJson.json()).toMatchObject({ error: 'connect_link_used' });
    // A HEAD (a link checker) does not use a link up.
    const fresh = await linkFor({ user_id: alice.userId });
    const head = await app().runtime.app.inject({ method: 'HEAD', url: new URL(fresh.url).pathname });
    expect(head.statusCode).toBe(404);
    expect((await alice.browser.get(fresh.url, { followRedirects: false })).status).toBe(303);
  });

  it("a chat app's link preview or a browser's prefetch sees what the link is for without using it up", async () => {
    const link = await linkFor({ user_id: alice.userId });
    const path = new URL(link.url).pathname;
    const previews = [
      { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' },
      { 'user-agent': 'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)' },
      { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0', 'sec-purpose': 'prefetch;prerender' },
    ];
    for (const headers of previews) {
      const preview = await app().runtime.app.inject({ method: 'GET', url: path, headers });
      expect(preview.statusCode, JSON.stringify(headers)).toBe(200);
      expect(preview.body).toContain('billing asks you to connect your Toolkit account.');
      expect(preview.headers['x-robots-tag']).toBe('noindex, nofollow');
      expect(preview.headers['set-cookie']).toBeUndefined();
    }
    expect((await alice.browser.get(link.url, { followRedirects: false })).status).toBe(303);
    const afterUse = await app().runtime.app.inject({ method: 'GET', url: path, headers: previews[0] });
    expect(afterUse.body).toContain('This link was opened already.');
    const unknown = await app().runtime.app.inject({ method: 'GET', url: '/connect/not-a-link', headers: previews[0] });
    expect(unknown.body).toContain('There is no connect link at this address.');
  });

  it('expires 15 minutes after it was made', async () => {
    const link = await linkFor({ user_id: alice.userId });
    clock.advance(15 * 60);
    const late = await app().runtime.app.inject({ method: 'GET', url: new URL(link.url).pathname, headers: { accept: 'application/json', cookie: alice.cookie } });
    expect(late.statusCode).toBe(410);
    expect(late.json()).toMatchObject({ error: 'connect_link_expired' });
    const unknown = await app().runtime.app.inject({ method: 'GET', url: `/connect/${'A'.repeat(43)}`, headers: { accept: 'application/json' } });
    expect(unknown.statusCode).toBe(404);
  });

  it('refuses a return_to off the allowed origins (an exact origin match), a bad scope, and a target that is not exactly one user', async () => {
    for (const returnTo of ['https://evil.test/x', 'https://client.test.evil.test/x', 'http://client.test/x', 'https://client.test:8443/x', 'https://user@client.test/x', '/connected', 'javascript:alert(1)', 'client.test']) {
      const answer = await create({ provider: 'toolkit', user_id: alice.userId, return_to: returnTo });
      expect([answer.status, answer.body.error], returnTo).toEqual([400, 'return_to_not_allowed']);
    }
    expect((await create({ provider: 'toolkit', user_id: alice.userId, return_to: 'http://localhost:5173/done' })).status).toBe(201);
    const scope = await create({ provider: 'toolkit', user_id: alice.userId, return_to: RETURN_TO, scope: 'notes:read "admin"' });
    expect([scope.status, scope.body.error]).toEqual([400, 'invalid_scope']);
    for (const target of [{}, { user_id: alice.userId, external_id: 'cus_1' }]) {
      const answer = await create({ provider: 'toolkit', return_to: RETURN_TO, ...target });
      expect([answer.status, answer.body.error]).toEqual([400, 'bad_request']);
      expect(answer.body.message).toMatch(/exactly one of user_id .* and external_id/);
    }
    const nobody = await create({ provider: 'toolkit', return_to: RETURN_TO, user_id: 'no-such-user' });
    expect([nobody.status, nobody.body.error]).toEqual([404, 'not_found']);
    const provider = await create({ provider: 'nope', return_to: RETURN_TO, user_id: alice.userId });
    expect([provider.status, provider.body.error]).toEqual([404, 'unknown_provider']);
  });

  it('a deactivated user, named by user_id or by external_id, gets no link: 403 account_inactive, nothing stored', async () => {
    const { external_id: kept } = await database().db.selectFrom('users').select('external_id').where('id', '=', bob.userId).executeTakeFirstOrThrow();
    await database().db.updateTable('users').set({ external_id: 'crm-inactive' }).where('id', '=', bob.userId).execute();
    await setUserFlags(database().db, bob.userId, { isActive: false });
    const before = (await auditEvents('service.connect_link_created')).length;
    try {
      for (const target of [{ user_id: bob.userId }, { external_id: 'crm-inactive' }]) {
        const answer = await create({ provider: 'toolkit', return_to: RETURN_TO, ...target });
        expect([answer.status, answer.body.error], JSON.stringify(target)).toEqual([403, 'account_inactive']);
      }
      expect(await auditEvents('service.connect_link_created')).toHaveLength(before);
    } finally {
      await setUserFlags(database().db, bob.userId, { isActive: true });
      await database().db.updateTable('users').set({ external_id: kept }).where('id', '=', bob.userId).execute();
    }
  });

  it('needs connections:write; a key limited to other providers gets provider_not_allowed', async () => {
    const reader = await newServiceKey(app(), 'reader', ['connections:read', 'tokens:read']);
    const denied = await create({ provider: 'toolkit', user_id: alice.userId, return_to: RETURN_TO }, reader);
    expect([denied.status, denied.body.error]).toEqual([403, 'missing_permission']);
    const secondOnly = await newServiceKey(app(), 'second-only', ['connections:write'], ['second']);
    const other = await create({ provider: 'toolkit', user_id: alice.userId, return_to: RETURN_TO }, secondOnly);
    expect([other.status, other.body.error]).toEqual([403, 'provider_not_allowed']);
    expect((await create({ provider: 'second', user_id: alice.userId, return_to: RETURN_TO }, secondOnly)).status).toBe(201);
  });

  it("a link for a user, opened by someone else signed in: back to return_to with connect_link_wrong_user, and nothing connected", async () => {
    const before = await database().db.selectFrom('tokens').select(['user_id', 'provider', 'updated_at']).orderBy('id').execute();
    const link = await create({ provider: 'second', user_id: alice.userId, return_to: RETURN_TO, scope: 'notes:read' });
    const refused = await bob.browser.get(link.body.url, { stopAt: CLIENT });
    expect(outcome(refused)).toEqual({ job: '7', status: 'error', error: 'connect_link_wrong_user' });
    expect(await database().db.selectFrom('tokens').select(['user_id', 'provider', 'updated_at']).orderBy('id').execute()).toEqual(before);
    // Used up: alice cannot use the link bob saw.
    expect((await alice.browser.get(link.body.url, { followRedirects: false })).status).toBe(410);
  });

  it('a link for a user, opened signed out: sign in first (with any provider), then connect', async () => {
    const link = await create({ provider: 'second', user_id: alice.userId, return_to: RETURN_TO });
    const browser = app().browser();
    const chooser = await browser.get(link.body.url, { stopAt: CLIENT });
    expect(chooser.status).toBe(200);
    expect(chooser.text).toContain('Sign in to connect Second');
    expect(chooser.text).toContain('href="/connect/sign-in/toolkit"');
    const landed = await throughProvider(browser, await browser.get(`${APP_ORIGIN}/connect/sign-in/toolkit`, { stopAt: CLIENT }), 'alice');
    expect(outcome(landed)).toEqual({ job: '7', status: 'connected' });
    // Signed in as alice now, with Second connected to her.
    const me = JSON.parse((await browser.get(`${APP_ORIGIN}/api/me`)).text) as { user: { id: string }; connections: Array<{ provider: string }> };
    expect(me.user.id).toBe(alice.userId);
    expect(me.connections.map((c) => c.provider).sort()).toEqual(['second', 'toolkit']);
  });

  it('a link for a user, opened signed out, signing in as someone else: refused before anything is stored or anyone signed in', async () => {
    const link = await create({ provider: 'toolkit', user_id: alice.userId, return_to: RETURN_TO });
    const browser = app().browser();
    await browser.get(link.body.url, { stopAt: CLIENT });
    const users = await database().db.selectFrom('users').select('id').execute();
    const landed = await throughProvider(browser, await browser.get(`${APP_ORIGIN}/connect/sign-in/second`, { stopAt: CLIENT }), 'mallory');
    expect(outcome(landed)).toEqual({ job: '7', status: 'error', error: 'connect_link_wrong_user' });
    expect(await database().db.selectFrom('users').select('id').execute()).toEqual(users);
    expect((await browser.get(`${APP_ORIGIN}/api/me`)).status).toBe(401);
    // The sign-in step cannot be started again without a freshly opened link.
    const again = await app().runtime.app.inject({ method: 'GET', url: '/connect/sign-in/toolkit', headers: { accept: 'application/json' } });
    expect([again.statusCode, again.json().error]).toEqual([400, 'invalid_state']);
  });

  it('an external_id no user has: whoever signs in at the provider (here a new user) gets it, with the extra scope', async () => {
    const link = await create({ provider: 'toolkit', external_id: 'cus_mallory', return_to: RETURN_TO, scope: 'notes:read' });
    const browser = app().browser();
    const landed = await throughProvider(browser, await browser.get(link.body.url, { stopAt: CLIENT }), 'mallory');
    expect(outcome(landed)).toEqual({ job: '7', status: 'connected' });
    const user = await database().db.selectFrom('users').select(['id', 'username', 'external_id']).where('external_id', '=', 'cus_mallory').executeTakeFirstOrThrow();
    expect(user.username).toBe('mallory');
    expect(await storedScope(user.id)).toEqual(['email', 'notes:read', 'offline_access', 'openid', 'profile']);
    const me = JSON.parse((await browser.get(`${APP_ORIGIN}/api/me`)).text) as { user: { id: string } };
    expect(me.user.id).toBe(user.id);
    const [connected] = (await auditEvents('connect_link.connected')).filter((row) => row.target_id === user.id);
    expect(JSON.parse(connected!.detail!)).toMatchObject({ service: 'billing', created: true });

    // A link for that external_id now is a link for mallory's user: bob, signed in, is refused.
    const forMallory = await create({ provider: 'toolkit', external_id: 'cus_mallory', return_to: RETURN_TO });
    expect(outcome(await bob.browser.get(forMallory.body.url, { stopAt: CLIENT }))).toMatchObject({ status: 'error', error: 'connect_link_wrong_user' });
  });

  it('an external_id no user has, signed in at the provider as a user with another external_id: refused, and theirs is left as it is', async () => {
    await database().db.updateTable('users').set({ external_id: 'cus_bob' }).where('id', '=', bob.userId).execute();
    const tokenBefore = await app().runtime.tokenStore.findToken(bob.userId, 'toolkit');
    const link = await create({ provider: 'toolkit', external_id: 'cus_someone_else', return_to: RETURN_TO });
    const browser = app().browser();
    const landed = await throughProvider(browser, await browser.get(link.body.url, { stopAt: CLIENT }), 'bob');
    expect(outcome(landed)).toEqual({ job: '7', status: 'error', error: 'external_id_conflict' });
    const row = await database().db.selectFrom('users').select('external_id').where('id', '=', bob.userId).executeTakeFirstOrThrow();
    expect(row.external_id).toBe('cus_bob');
    expect((await app().runtime.tokenStore.findToken(bob.userId, 'toolkit'))!.accessToken).toBe(tokenBefore!.accessToken);
    expect((await browser.get(`${APP_ORIGIN}/api/me`)).status).toBe(401);
  });
});
