// The service API's token hand-out (POST …/access-token) and disconnect
// (DELETE …/connections/:provider): refresh through the one single flight,
// the audit of every token handed out, and the errors a service can act on.
// Every answer is checked against the OpenAPI document (support/service-api.ts).
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { setUserFlags } from '../src/db/user.repository.js';
import { testClock, type TestClock } from './support/clock.js';
import { describeEachDialect } from './support/postgres.js';
import { startProviderBehindProxy } from './support/provider-behind-proxy.js';
import { parsePrometheusText, sampleValue } from './support/prometheus-text.js';
import { ALL_PERMISSIONS, newServiceKey, serviceApiClient, type ServiceApiClient } from './support/service-api.js';
import { expireStoredAccessToken, signedInUser, type SignedInUser } from './support/signed-in.js';
import { APP_ORIGIN } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const ACCESS_TOKEN = '/users/{id}/connections/{provider}/access-token';
const CONNECTION = '/users/{id}/connections/{provider}';
const REFRESH = { method: 'POST', path: '/token', form: { grant_type: 'refresh_token' } } as const;

describeEachDialect('service API: access tokens and disconnect', (dialect) => {
  let behind: Awaited<ReturnType<typeof startProviderBehindProxy>>;
  const clock: TestClock = testClock();
  beforeAll(async () => {
    behind = await startProviderBehindProxy();
  });
  afterAll(() => behind?.close());
  const { app, database } = useTestApp(dialect, () => ({ sharedProvider: behind.provider, env: { PROVIDER_TIMEOUT_SECONDS: '1' }, now: () => clock.now() }));
  let api: ServiceApiClient;
  let key: string;
  let alice: SignedInUser;

  beforeAll(async () => {
    api = await serviceApiClient(app());
    key = await newServiceKey(app(), 'billing', ALL_PERMISSIONS);
    alice = await signedInUser(app(), 'alice');
  });
  beforeEach(() => behind.proxy.clear());

  const token = (user: SignedInUser, body?: unknown, provider = 'toolkit') =>
    api.call({ method: 'POST', template: ACCESS_TOKEN, params: { id: user.userId, provider }, key, ...(body === undefined ? {} : { body }) });
  const stored = (user: SignedInUser) => app().runtime.tokenStore.findToken(user.userId, 'toolkit');
  const grants = () => behind.provider.stats.refreshTokenGrants;
  /** Sets how long the stored access token has left, by the app's clock (the provider still accepts it), keeping its 300 s lifetime. */
  const expiresIn = (user: SignedInUser, seconds: number) =>
    database()
      .db.updateTable('tokens')
      .set({ expires_at: clock.now() + seconds, issued_at: clock.now() + seconds - 300 })
      .where('user_id', '=', user.userId)
      .execute();

  it('a fresh token is handed out as stored, without a refresh, and the hand-out is audited (service, user, provider; never the value)', async () => {
    const before = grants();
    const answer = await token(alice);
    expect(answer.status).toBe(200);
    const current = (await stored(alice))!;
    expect(answer.body).toEqual({ access_token: current.accessToken, token_type: current.tokenType, expires_at: current.expiresAt, scope: current.scope });
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(grants()).toBe(before);

    const audit = await database().db.selectFrom('audit_log').selectAll().where('event', '=', 'service.token_issued').where('target_id', '=', alice.userId).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: null, target_type: 'user', ip: '127.0.0.1' });
    expect(JSON.parse(audit[0]!.detail!)).toEqual({ service: 'billing', service_key_id: expect.any(String), provider: 'toolkit', expires_at: current.expiresAt });
    expect(audit[0]!.detail).not.toContain(current.accessToken);
  });

  it('min_ttl_seconds: refreshed first when the token would expire within it (default 60), not otherwise', async () => {
    await expiresIn(alice, 100);
    let before = grants();
    expect((await token(alice, { min_ttl_seconds: 90 })).status).toBe(200);
    expect(grants()).toBe(before);

    const old = (await stored(alice))!.accessToken;
    const answer = await token(alice, { min_ttl_seconds: 120 });
    expect(grants()).toBe(before + 1);
    expect(answer.body.access_token).not.toBe(old);
    expect(answer.body.access_token).toBe((await stored(alice))!.accessToken);
    expect(answer.body.expires_at).toBe(clock.now() + 300);

    await expiresIn(alice, 59);
    before = grants();
    expect((await token(alice)).status).toBe(200);
    expect(grants()).toBe(before + 1);
  });

  it('min_ttl_seconds is capped at half the token lifetime: 5-minute tokens are not refreshed on every call for an hour', async () => {
    const fresh = await token(alice, { force_refresh: true });
    const before = grants();
    const answer = await token(alice, { min_ttl_seconds: 3600 });
    expect(answer.body.access_token).toBe(fresh.body.access_token);
    expect(grants()).toBe(before);
    // Past half its lifetime (150 s of 300), it is refreshed.
    await expiresIn(alice, 149);
    expect((await token(alice, { min_ttl_seconds: 3600 })).body.access_token).not.toBe(fresh.body.access_token);
    expect(grants()).toBe(before + 1);
  });

  it('force_refresh refreshes a fresh token', async () => {
    const before = grants();
    const old = (await stored(alice))!.accessToken;
    const answer = await token(alice, { force_refresh: true, min_ttl_seconds: 0 });
    expect(answer.status).toBe(200);
    expect(grants()).toBe(before + 1);
    expect(answer.body.access_token).not.toBe(old);
  });

  it('rejected_access_token: callers that each saw the same token refused, one after another, make one refresh between them; force_refresh makes one each', async () => {
    const seen = (await token(alice)).body.access_token as string;
    let before = grants();
    const first = await token(alice, { rejected_access_token: seen });
    expect(first.status).toBe(200);
    expect(grants()).toBe(before + 1);
    expect(first.body.access_token).not.toBe(seen);
    // The refresh made since stands for theirs: the new token is handed out, the refused one never again.
    for (let caller = 0; caller < 4; caller++) expect((await token(alice, { rejected_access_token: seen })).body.access_token).toBe(first.body.access_token);
    expect(grants()).toBe(before + 1);

    before = grants();
    const forced = new Set<string>();
    for (let caller = 0; caller < 4; caller++) forced.add((await token(alice, { force_refresh: true })).body.access_token as string);
    expect(grants()).toBe(before + 4);
    expect(forced.size).toBe(4);
  });

  it('30 concurrent requests right after expiry: exactly one refresh at the provider, and all get the same new token', async () => {
    const bob = await signedInUser(app(), 'bob');
    await expireStoredAccessToken(database(), bob.userId, 'toolkit', clock.now());
    const before = grants();
    const answers = await Promise.all(Array.from({ length: 30 }, () => token(bob)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(30).fill(200));
    expect(grants()).toBe(before + 1);
    const handedOut = new Set(answers.map((answer) => answer.body.access_token));
    expect(handedOut.size).toBe(1);
    expect([...handedOut][0]).toBe((await stored(bob))!.accessToken);
    const audited = await database().db.selectFrom('audit_log').select('id').where('event', '=', 'service.token_issued').where('target_id', '=', bob.userId).execute();
    expect(audited).toHaveLength(30);
    const scrape = parsePrometheusText(await app().runtime.metrics.text());
    expect(sampleValue(scrape, 'tokenkeeper_service_token_reads_total', { service: 'billing', provider: 'toolkit', outcome: 'ok' })).toBeGreaterThanOrEqual(30);
  });

  it('a bad body: 400 bad_request', async () => {
    for (const body of [{ min_ttl_seconds: -1 }, { min_ttl_seconds: 'soon' }, { min_ttl_seconds: 1.5 }, { force_refresh: 'yes' }, { rejected_access_token: '' }, { rejected_access_token: 42 }, { min_ttl_seconds: 86_401 }, { other: 1 }, [1], 'x']) {
      const answer = await token(alice, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toBe('bad_request');
    }
  });

  it('a JSON Content-Type with no body (an HTTP client session\'s default header) is no body, not a 400: the route decides', async () => {
    const json = { 'content-type': 'application/json' };
    const handedOut = await api.call({ method: 'POST', template: ACCESS_TOKEN, params: { id: alice.userId, provider: 'toolkit' }, key, headers: json });
    expect(handedOut.status).toBe(200);
    expect(handedOut.body.access_token).toBe((await stored(alice))!.accessToken);
    const deleted = await api.call({ method: 'DELETE', template: CONNECTION, params: { id: 'no-such-user', provider: 'toolkit' }, key, headers: json });
    expect([deleted.status, deleted.body.error]).toEqual([404, 'not_found']);
    // A route that needs a body still says so.
    const patched = await api.call({ method: 'PATCH', template: '/users/{id}', params: { id: alice.userId }, key, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect([patched.status, patched.body.error]).toEqual([400, 'bad_request']);
    expect(patched.body.message).toMatch(/body/);
    // A body there is still read by Fastify's JSON parser, which refuses prototype poisoning.
    const poisoned = await token(alice, '{"__proto__":{"force_refresh":true}}');
    expect([poisoned.status, poisoned.body.error]).toEqual([400, 'bad_request']);
  });

  it('no such user: 404 not_found; a provider not configured: 404 unknown_provider; not connected: 404 not_connected', async () => {
    const missing = await api.call({ method: 'POST', template: ACCESS_TOKEN, params: { id: 'no-such-user', provider: 'toolkit' }, key });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'not_found', message: 'There is no user with this id.' });
    const unknown = await token(alice, undefined, 'github');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('unknown_provider');

    const mallory = await signedInUser(app(), 'mallory');
    await database().db.deleteFrom('tokens').where('user_id', '=', mallory.userId).execute();
    const notConnected = await token(mallory);
    expect(notConnected.status).toBe(404);
    expect(notConnected.body).toEqual({ error: 'not_connected', message: 'This user has not connected Toolkit.' });
  });

  it('a connection that needs a new sign-in: 409 needs_reauth (the provider is not asked), also when a refresh finds out', async () => {
    const carol = await signedInUser(app(), 'mallory');
    await app().runtime.tokenStore.markNeedsReauth(carol.userId, 'toolkit', 'invalid_grant', clock.now());
    const before = grants();
    const marked = await token(carol);
    expect(marked.status).toBe(409);
    expect(marked.body).toEqual({
      error: 'needs_reauth',
      message: "This user's Toolkit connection needs a new sign-in: Toolkit no longer accepts its grant. Send them to reconnect_url.",
      reconnect_url: expect.stringMatching(new RegExp(`^${APP_ORIGIN}/connect/[A-Za-z0-9_-]{43}$`)),
    });
    expect(grants()).toBe(before);

    const dave = await signedInUser(app(), 'bob');
    await expireStoredAccessToken(database(), dave.userId, 'toolkit', clock.now());
    behind.proxy.inject({ ...REFRESH, fault: { kind: 'status', status: 400, body: '{"error":"invalid_grant"}' } });
    const refused = await token(dave);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('needs_reauth');
    expect(refused.body.reconnect_url).toMatch(/\/connect\//);
    expect((await stored(dave))!.status).toBe('needs_reauth');
  });

  it("a reconnect_url opened signed out by someone else: nothing is connected, and the sign-in page they land on says why", async () => {
    const mallory = await signedInUser(app(), 'mallory');
    await app().runtime.tokenStore.markNeedsReauth(mallory.userId, 'toolkit', 'invalid_grant', clock.now());
    const reconnectUrl = String((await token(mallory)).body.reconnect_url);
    const stranger = app().browser();
    const chooser = await stranger.get(reconnectUrl);
    expect(chooser.text).toContain('href="/connect/sign-in/toolkit"');
    let page = await stranger.get(`${APP_ORIGIN}/connect/sign-in/toolkit`);
    for (let step = 0; step < 4 && !page.url.startsWith(APP_ORIGIN); step += 1) {
      page = await stranger.submitForm(page, page.text.includes('name="password"') ? { username: 'bob', password: 'bob' } : {});
    }
    expect(page.url).toBe(`${APP_ORIGIN}/?next=${encodeURIComponent('/account?status=error&error=connect_link_wrong_user')}`);
    expect(page.text).toContain('<p class="flash" role="status">Not connected. The connect link is for another user than the one signed in, or signing in: nothing was connected.</p>');
    expect((await stranger.get(`${APP_ORIGIN}/api/me`)).status).toBe(401);
    expect((await stored(mallory))!.status).toBe('needs_reauth');
    // Only the app's own words: an unknown code shows nothing.
    expect((await stranger.get(`${APP_ORIGIN}/?next=${encodeURIComponent('/account?status=error&error=<b>pay here</b>')}`)).text).not.toContain('class="flash"');
  });

  it("needs_reauth's reconnect_url: the user opens it, signs in at the provider again, lands on their account page, and the service gets a fresh token", async () => {
    const mallory = await signedInUser(app(), 'mallory');
    await app().runtime.tokenStore.markNeedsReauth(mallory.userId, 'toolkit', 'invalid_grant', clock.now());
    const refused = await token(mallory);
    expect(refused.status).toBe(409);
    const reconnectUrl = String(refused.body.reconnect_url);
    // Asking again while the link is unused gives the same link, not a new one per answer.
    const linksBefore = await database().db.selectFrom('connect_links').select('id').execute();
    expect((await token(mallory)).body.reconnect_url).toBe(reconnectUrl);
    expect(await database().db.selectFrom('connect_links').select('id').execute()).toHaveLength(linksBefore.length);

    const accountPage = `${APP_ORIGIN}/account`;
    let page = await mallory.browser.get(reconnectUrl, { stopAt: (url) => url.href.startsWith(accountPage) });
    for (let step = 0; step < 4 && page.location === undefined && page.text.includes('<form'); step += 1) {
      page = await mallory.browser.submitForm(page, page.text.includes('name="password"') ? { username: 'mallory', password: 'mallory' } : {}, { stopAt: (url) => url.href.startsWith(accountPage) });
    }
    expect(page.location, `stopped at ${page.status} ${page.url}`).toBe(`${accountPage}?status=connected`);
    // The account page says how it went, once: a reload of the page itself still says it, the plain page does not.
    const landed = await mallory.browser.get(page.location!);
    expect(landed.text).toContain('<p class="flash" role="status">Connected: the provider granted access.</p>');
    expect((await mallory.browser.get(accountPage)).text).not.toContain('Connected: the provider');
    expect((await stored(mallory))!.status).toBe('active');
    const fresh = await token(mallory);
    expect(fresh.status).toBe(200);
    expect(fresh.body.access_token).toBe((await stored(mallory))!.accessToken);

    const [created] = await database().db.selectFrom('audit_log').selectAll().where('event', '=', 'service.connect_link_created').where('target_id', '=', mallory.userId).execute();
    expect(JSON.parse(created!.detail!)).toMatchObject({ service: 'billing', provider: 'toolkit', reason: 'needs_reauth', return_to: accountPage });
    // Single use, like every connect link; the next needs_reauth answer brings a new one.
    expect((await mallory.browser.get(reconnectUrl, { followRedirects: false })).status).toBe(410);
    await app().runtime.tokenStore.markNeedsReauth(mallory.userId, 'toolkit', 'invalid_grant', clock.now());
    const next = await token(mallory);
    expect(next.status).toBe(409);
    expect(next.body.reconnect_url).toMatch(/\/connect\/[A-Za-z0-9_-]{43}$/);
    expect(next.body.reconnect_url).not.toBe(reconnectUrl);
  });

  it('a deactivated user: 403 account_inactive, no token', async () => {
    const bob = await signedInUser(app(), 'alice');
    await setUserFlags(database().db, bob.userId, { isActive: false });
    try {
      const answer = await token(bob);
      expect(answer.status).toBe(403);
      expect(answer.body.error).toBe('account_inactive');
    } finally {
      await setUserFlags(database().db, bob.userId, { isActive: true });
    }
  });

  it('provider faults at refresh: 502 provider_error, 503 provider_unavailable with Retry-After, 504 provider_timeout', async () => {
    const cases = [
      { fault: { kind: 'status', status: 500, body: '{"error":"server_error"}' }, status: 502, code: 'provider_error' },
      { fault: { kind: 'status', status: 503, contentType: 'text/plain', body: 'busy', headers: { 'retry-after': '30' } }, status: 503, code: 'provider_unavailable' },
      { fault: { kind: 'hang' }, status: 504, code: 'provider_timeout' },
    ] as const;
    for (const [index, { fault, status, code }] of cases.entries()) {
      // A user each: a failure starts a back-off for that connection.
      const user = await signedInUser(app(), ['alice', 'bob', 'mallory'][index]!);
      await expireStoredAccessToken(database(), user.userId, 'toolkit', clock.now());
      behind.proxy.inject({ ...REFRESH, fault });
      const answer = await token(user);
      expect(answer.status, code).toBe(status);
      expect(answer.body.error).toBe(code);
      if (code === 'provider_unavailable') expect(answer.headers['retry-after']).toBe('30');
    }
  });

  it('DELETE revokes at the provider and deletes: { revoked: true }, audited; then 404 not_connected', async () => {
    const frank = await signedInUser(app(), 'bob');
    const revocations = behind.provider.stats.revocations;
    const answer = await api.call({ method: 'DELETE', template: CONNECTION, params: { id: frank.userId, provider: 'toolkit' }, key });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ revoked: true });
    expect(behind.provider.stats.revocations).toBeGreaterThan(revocations);
    expect(await stored(frank)).toBeUndefined();
    const audit = await database().db.selectFrom('audit_log').select('detail').where('event', '=', 'service.connection_deleted').where('target_id', '=', frank.userId).execute();
    expect(audit.map((row) => JSON.parse(row.detail!))).toEqual([{ service: 'billing', service_key_id: expect.any(String), provider: 'toolkit', revoked: true }]);

    const again = await api.call({ method: 'DELETE', template: CONNECTION, params: { id: frank.userId, provider: 'toolkit' }, key });
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('not_connected');
    const missing = await api.call({ method: 'DELETE', template: CONNECTION, params: { id: 'no-such-user', provider: 'toolkit' }, key });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('not_found');
  });

  it('DELETE when the provider does not confirm the revocation: the tokens are deleted anyway, { revoked: false }', async () => {
    const grace = await signedInUser(app(), 'mallory');
    behind.proxy.inject({ method: 'POST', path: '/token/revocation', times: 5, fault: { kind: 'status', status: 503, body: 'down' } });
    const answer = await api.call({ method: 'DELETE', template: CONNECTION, params: { id: grace.userId, provider: 'toolkit' }, key });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ revoked: false });
    expect(await stored(grace)).toBeUndefined();
  });
});
