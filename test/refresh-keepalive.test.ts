// The keep-alive sweep against the dev provider (behind a fault proxy, which
// counts its refresh requests and can fail them) and a real database. The
// app and the jobs share one clock that moves only when told, so days pass
// at once and the window's edges are exact; the app's own sweep is left to
// its timer (minutes away), so every refresh counted here is a test's.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenkeeperError } from '../src/client/errors.js';
import type { TokenEvent } from '../src/client/token-events.js';
import type { TokenManager } from '../src/client/token-manager.js';
import { parseEncryptionKeys, TokenCipher } from '../src/db/token-cipher.js';
import { SqlTokenStore } from '../src/db/token-store.js';
import { keepaliveWindowSeconds, startRefreshKeepalive, type KeepaliveProvider, type RefreshKeepaliveJob } from '../src/core/refresh-keepalive.js';
import { testClock } from './support/clock.js';
import { DIALECTS, describeEachDialect } from './support/postgres.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { startTestApp, TEST_ENCRYPTION_KEY, type TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';
import { useAppBehindProxy } from './support/use-app-behind-proxy.js';

const DAY = 86_400;
/** The idle lifetime these tests give the dev provider: 8 days, so its window is the last 2. */
const IDLE = 8 * DAY;
const WINDOW = 2 * DAY;
const REFRESH = { method: 'POST', path: '/token', form: { grant_type: 'refresh_token' } } as const;

describe('the window before a refresh token ends', () => {
  it('is a quarter of the lifetime, idle or stated, at most 7 days; 7 days without one', () => {
    expect(keepaliveWindowSeconds(IDLE)).toBe(WINDOW);
    expect(keepaliveWindowSeconds(2 * DAY)).toBe(DAY / 2);
    expect(keepaliveWindowSeconds(7 * DAY)).toBe(1.75 * DAY);
    expect(keepaliveWindowSeconds(90 * DAY)).toBe(7 * DAY);
    expect(keepaliveWindowSeconds(undefined)).toBe(7 * DAY);
    expect(keepaliveWindowSeconds(0)).toBe(7 * DAY);
  });
});

describe('the keep-alive sweep serve starts', () => {
  const clock = testClock();
  const { app } = useTestApp(DIALECTS[0]!, { env: { TOOLKIT_REFRESH_TOKEN_IDLE_DAYS: '8' }, now: clock.now });

  it('is on by default, with the idle lifetime of TOOLKIT_REFRESH_TOKEN_IDLE_DAYS: an unused connection is refreshed once its last 2 days begin, once', async () => {
    const alice = await signedInUser(app(), 'alice');
    const signedInAt = clock.now();
    const refreshes = app().provider.stats.refreshTokenGrants;
    clock.advance(IDLE - WINDOW - 1);
    expect(await app().runtime.refreshKeepalive!.sweep()).toEqual({ due: 0, refreshed: 0, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
    clock.advance(1);
    // serve's job waits a random jitter of up to 1 s before each refresh: one refresh here.
    expect(await app().runtime.refreshKeepalive!.sweep()).toEqual({ due: 1, refreshed: 1, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
    expect(app().provider.stats.refreshTokenGrants).toBe(refreshes + 1);
    const token = await app().runtime.tokenStore.findToken(alice.userId, 'toolkit');
    expect(token?.issuedAt).toBe(signedInAt + IDLE - WINDOW);
    expect(await app().runtime.refreshKeepalive!.sweep()).toEqual({ due: 0, refreshed: 0, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
  });
});

describe('the keep-alive sweep on its timer', () => {
  const { app } = useTestApp(DIALECTS[0]!);

  it('sweeps on its own, and a sweep that fails is logged as the other background sweeps log theirs', async () => {
    // A store over a database that is gone: every query fails.
    const gone = await DIALECTS[0]!.openTestDatabase();
    const store = new SqlTokenStore(gone.db, new TokenCipher(parseEncryptionKeys(TEST_ENCRYPTION_KEY)));
    await gone.close();
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
    const job = startRefreshKeepalive({ store, tokens: app().runtime.tokens, logger, now: () => Math.floor(Date.now() / 1000), providers: [{ name: 'toolkit' }], firstSweepMs: 0 });
    try {
      await vi.waitFor(() => expect(lines).toHaveLength(1));
      expect(lines[0]).toMatchObject({ level: 40, msg: 'refresh keep-alive sweep failed' });
    } finally {
      await job.stop();
    }
  });
});

describe('REFRESH_KEEPALIVE=off', () => {
  const { app } = useTestApp(DIALECTS[0]!, { env: { REFRESH_KEEPALIVE: 'off' } });

  it('starts no keep-alive sweep', () => {
    expect(app().runtime.refreshKeepalive).toBeNull();
  });
});

describeEachDialect('a keep-alive sweep', (dialect) => {
  // Where connection.needs_reauth goes: nothing listens, the message waits in the outbox.
  const { app, database, behind, clock } = useAppBehindProxy(dialect, () => ({
    WEBHOOK_URLS: 'http://127.0.0.1:7199/hooks',
    WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
  }));

  let jobs: RefreshKeepaliveJob[];
  beforeEach(() => {
    jobs = [];
  });
  afterEach(async () => {
    for (const job of jobs) await job.stop();
  });
  /** A sweep of `of`'s runtime, with the dev provider's refresh tokens idling out after `providers`' lifetime. */
  const startJob = (providers: KeepaliveProvider[] = [{ name: 'toolkit', refreshTokenIdleSeconds: IDLE }], of: TestApp = app()) => {
    const job = startRefreshKeepalive({ store: of.runtime.tokenStore, tokens: of.runtime.tokens, logger: pino({ level: 'silent' }), now: clock().now, providers, jitterMs: 0 });
    jobs.push(job);
    return job;
  };
  const refreshesSent = () => behind().proxy.count(REFRESH);
  const stored = (user: SignedInUser) => app().runtime.tokenStore.findToken(user.userId, 'toolkit');
  /** Sets columns of the user's toolkit row. */
  const setRow = (
    user: SignedInUser,
    values: { issued_at?: number | null; updated_at?: number; refresh_token_expires_at?: number | null; refresh_token_issued_at?: number | null; refresh_token_used_at?: number | null; status?: 'active' | 'needs_reauth'; refresh_token?: null },
  ) =>
    database().db.updateTable('tokens').set(values).where('user_id', '=', user.userId).where('provider', '=', 'toolkit').execute();
  /** Makes the user's refresh token end `seconds` from now, counted from its issue, its last use. */
  const issuedAt = (user: SignedInUser, at: number) => setRow(user, { issued_at: at, refresh_token_issued_at: at, refresh_token_used_at: at });
  const endIn = (user: SignedInUser, seconds: number) => issuedAt(user, clock().now() + seconds - IDLE);
  /** As a row stored before the refresh token's own times were kept. */
  const storedBefore = { refresh_token_issued_at: null, refresh_token_used_at: null } as const;

  it('refreshes exactly the connections whose refresh token ends within the window (its edge included), once', async () => {
    const job = startJob();
    const alice = await signedInUser(app(), 'alice');
    const bob = await signedInUser(app(), 'bob');
    await endIn(alice, WINDOW);
    await endIn(bob, WINDOW + 1);
    const before = { alice: await stored(alice), bob: await stored(bob) };
    const sent = refreshesSent();

    expect(await job.sweep()).toEqual({ due: 1, refreshed: 1, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
    expect(refreshesSent()).toBe(sent + 1);
    expect((await stored(alice))?.issuedAt).toBe(clock().now());
    expect((await stored(alice))?.refreshToken).not.toBe(before.alice?.refreshToken);
    expect((await stored(bob))?.accessToken).toBe(before.bob?.accessToken);

    // Alice's refresh token now ends IDLE from now; bob's end is one second outside the window.
    expect(await job.sweep()).toEqual({ due: 0, refreshed: 0, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
    clock().advance(1);
    expect(await job.sweep()).toEqual({ due: 1, refreshed: 1, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
    expect(refreshesSent()).toBe(sent + 2);
    expect((await stored(bob))?.issuedAt).toBe(clock().now());
  });

  it('never touches a connection that needs re-auth, has no refresh token, has already passed its end or has no known end', async () => {
    const alice = await signedInUser(app(), 'alice');
    const bob = await signedInUser(app(), 'bob');
    const mallory = await signedInUser(app(), 'mallory');
    for (const user of [alice, bob]) await endIn(user, DAY);
    await setRow(alice, { status: 'needs_reauth' });
    await setRow(bob, { refresh_token: null });
    await endIn(mallory, 0);
    const sent = refreshesSent();
    expect(await startJob().sweep()).toEqual({ due: 0, refreshed: 0, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });

    // Mallory within her window: a provider without an idle lifetime (and no end stated) leaves her alone too; with one, she is due.
    await endIn(mallory, DAY);
    expect(await startJob([{ name: 'toolkit' }]).sweep()).toEqual({ due: 0, refreshed: 0, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
    expect(refreshesSent()).toBe(sent);
    expect(await startJob().sweep()).toEqual({ due: 1, refreshed: 1, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
    expect(refreshesSent()).toBe(sent + 1);
    expect((await stored(alice))?.status).toBe('needs_reauth');
  });

  it('a connection without a refresh token whose access token has ended is marked needs_reauth, once, with its event and webhook; one still valid is left alone', async () => {
    const job = startJob();
    const alice = await signedInUser(app(), 'alice');
    const bob = await signedInUser(app(), 'bob');
    await setRow(alice, { refresh_token: null });
    await setRow(bob, { refresh_token: null });
    await database().db.updateTable('tokens').set({ expires_at: clock().now() }).where('user_id', '=', alice.userId).execute();
    const events: TokenEvent[] = [];
    const stop = app().runtime.tokens.on((event) => void events.push(event));
    try {
      expect(await job.sweep()).toEqual({ due: 0, refreshed: 0, alreadyRenewed: 0, failed: 0, ended: 1, checked: 0, refused: 0 });
      expect(await job.sweep()).toEqual({ due: 0, refreshed: 0, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
    } finally {
      stop();
    }
    expect(events).toEqual([expect.objectContaining({ type: 'token.needs_reauth', userId: alice.userId, provider: 'toolkit', code: 'no_refresh_token' })]);
    expect((await stored(alice))?.status).toBe('needs_reauth');
    expect((await stored(bob))?.status).toBe('active');
    const webhooks = await database().db.selectFrom('webhook_deliveries').select('payload').where('event_type', '=', 'connection.needs_reauth').execute();
    expect(webhooks.map((row) => JSON.parse(row.payload).data)).toEqual([expect.objectContaining({ user_id: alice.userId, status: 'needs_reauth', reason: 'no_refresh_token' })]);
  });

  it('counts from updated_at a row stored before issued_at was kept, and from a stated end when it comes first', async () => {
    const job = startJob();
    const alice = await signedInUser(app(), 'alice');
    const bob = await signedInUser(app(), 'bob');
    await setRow(alice, { ...storedBefore, issued_at: null, updated_at: clock().now() + DAY - IDLE });
    // Issued 10 days ago (issued_at, stored before the refresh token's own issue was kept), and the provider said it
    // ends in 3 days: within the last quarter of its 13 days.
    await setRow(bob, { ...storedBefore, issued_at: clock().now() - 10 * DAY, refresh_token_expires_at: clock().now() + 3 * DAY });
    const sent = refreshesSent();

    expect(await startJob([{ name: 'toolkit' }]).sweep()).toEqual({ due: 1, refreshed: 1, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
    expect(await job.sweep()).toEqual({ due: 1, refreshed: 1, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
    expect(refreshesSent()).toBe(sent + 2);
    expect((await stored(alice))?.issuedAt).toBe(clock().now());
    // The dev provider's refresh brings a new refresh token without a stated end: the idle lifetime counts again.
    expect(await stored(bob)).toMatchObject({ issuedAt: clock().now(), refreshTokenExpiresAt: null });
  });

  it('a refresh token the provider refuses (invalid_grant): needs re-auth, with its event and webhook, and no further try', async () => {
    const job = startJob();
    const alice = await signedInUser(app(), 'alice');
    const token = (await stored(alice))!;
    // A refresh token the provider never issued: it answers invalid_grant.
    const { accessToken, idToken, tokenType, scope, expiresAt } = token;
    const refused = { accessToken, idToken, tokenType, scope, expiresAt, refreshToken: 'not-a-refresh-token-of-the-provider', issuedAt: clock().now() + DAY - IDLE };
    await app().runtime.tokenStore.saveTokenSet(alice.userId, 'toolkit', refused, clock().now());
    const events: TokenEvent[] = [];
    const stop = app().runtime.tokens.on((event) => void events.push(event));
    try {
      expect(await job.sweep()).toEqual({ due: 1, refreshed: 0, alreadyRenewed: 0, failed: 1, ended: 0, checked: 0, refused: 0 });
    } finally {
      stop();
    }
    expect(events.map((event) => event.type)).toEqual(['token.needs_reauth']);
    expect((await stored(alice))?.status).toBe('needs_reauth');
    const webhooks = await database().db.selectFrom('webhook_deliveries').select('event_type').where('event_type', '=', 'connection.needs_reauth').execute();
    expect(webhooks).toHaveLength(1);
    expect(await job.sweep()).toEqual({ due: 0, refreshed: 0, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
  });

  it('a provider fault fails the keep-alive (though the access token still works) and the next sweep tries again', async () => {
    const job = startJob();
    const alice = await signedInUser(app(), 'alice');
    await endIn(alice, DAY);
    const before = await stored(alice);
    behind().proxy.inject({ ...REFRESH, fault: { kind: 'status', status: 500, body: '{"error":"server_error"}' } });
    const sent = refreshesSent();

    expect(await job.sweep()).toEqual({ due: 1, refreshed: 0, alreadyRenewed: 0, failed: 1, ended: 0, checked: 0, refused: 0 });
    expect(await stored(alice)).toMatchObject({ status: 'active', lastError: 'provider_error', refreshToken: before?.refreshToken, issuedAt: before?.issuedAt });
    // Within the back-off after that failure the provider is not asked, and the keep-alive fails again.
    expect(await job.sweep()).toEqual({ due: 1, refreshed: 0, alreadyRenewed: 0, failed: 1, ended: 0, checked: 0, refused: 0 });
    expect(refreshesSent()).toBe(sent + 1);

    clock().advance(3600);
    expect(await job.sweep()).toEqual({ due: 1, refreshed: 1, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
    expect(refreshesSent()).toBe(sent + 2);
    expect(await stored(alice)).toMatchObject({ status: 'active', lastError: null, issuedAt: clock().now() });
  });

  it('a provider fault on a row stored before issued_at was kept leaves its end where it was: the next sweep tries again', async () => {
    const job = startJob();
    const alice = await signedInUser(app(), 'alice');
    const lastIssued = clock().now() + DAY - IDLE;
    await setRow(alice, { ...storedBefore, issued_at: null, updated_at: lastIssued });
    behind().proxy.inject({ ...REFRESH, fault: { kind: 'status', status: 500, body: '{"error":"server_error"}' } });
    const sent = refreshesSent();

    expect(await job.sweep()).toEqual({ due: 1, refreshed: 0, alreadyRenewed: 0, failed: 1, ended: 0, checked: 0, refused: 0 });
    expect(await stored(alice)).toMatchObject({ status: 'active', lastError: 'provider_error' });
    // The provider still ends the refresh token IDLE after it was last issued: the failure moved nothing, so it is due still.
    clock().advance(3600);
    expect(await job.sweep()).toEqual({ due: 1, refreshed: 1, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
    expect(refreshesSent()).toBe(sent + 2);
    expect(await stored(alice)).toMatchObject({ status: 'active', lastError: null, issuedAt: clock().now() });
  });

  it('a provider with more due connections than a sweep takes (each failing in an outage) leaves the other providers their share', async () => {
    const alice = await signedInUser(app(), 'alice');
    const bob = await signedInUser(app(), 'bob');
    const mallory = await signedInUser(app(), 'mallory');
    for (const user of [alice, bob, mallory]) await endIn(user, DAY);
    // Mallory's connection is to a second provider (the sweep reads only its row: the refreshes below are a stand-in's).
    await database().db.updateTable('tokens').set({ provider: 'second' }).where('user_id', '=', mallory.userId).execute();
    const asked: string[] = [];
    const tokens = {
      keepAlive: async (userId: string, provider: string) => {
        asked.push(`${provider}:${userId}`);
        if (provider === 'toolkit') throw new TokenkeeperError('provider_error', 'The provider is down.');
        return 'refreshed' as const;
      },
    } as unknown as TokenManager;
    const providers = [{ name: 'toolkit', refreshTokenIdleSeconds: IDLE }, { name: 'second', refreshTokenIdleSeconds: IDLE }];
    const job = startRefreshKeepalive({ store: app().runtime.tokenStore, tokens, logger: pino({ level: 'silent' }), now: clock().now, providers, jitterMs: 0, maxPerSweep: 2, scheduled: false });
    jobs.push(job);

    expect(await job.sweep()).toEqual({ due: 2, refreshed: 1, alreadyRenewed: 0, failed: 1, ended: 0, checked: 0, refused: 0 });
    expect(asked).toContain(`second:${mallory.userId}`);
    expect(asked).toHaveLength(2);
  });

  it('stopped during a sweep: the refresh under way is stored whole, no other is started, and stop() waits for it', async () => {
    const alice = await signedInUser(app(), 'alice');
    const bob = await signedInUser(app(), 'bob');
    await endIn(alice, DAY);
    await endIn(bob, DAY + 1);
    const before = await stored(alice);
    const bobBefore = await stored(bob);
    let release!: () => void;
    behind().proxy.inject({ ...REFRESH, fault: { kind: 'hold', until: new Promise<void>((resolve) => (release = resolve)) } });
    const sent = refreshesSent();
    const job = startRefreshKeepalive({ store: app().runtime.tokenStore, tokens: app().runtime.tokens, logger: pino({ level: 'silent' }), now: clock().now, providers: [{ name: 'toolkit', refreshTokenIdleSeconds: IDLE }], jitterMs: 0, concurrency: 1, scheduled: false });
    const swept = job.sweep();
    await vi.waitFor(() => expect(refreshesSent()).toBe(sent + 1));
    const stopping = job.stop();
    release();
    await stopping;
    expect(await swept).toEqual({ due: 2, refreshed: 1, alreadyRenewed: 0, failed: 0, ended: 0, checked: 0, refused: 0 });
    expect(refreshesSent()).toBe(sent + 1);
    const after = await stored(alice);
    expect(after).toMatchObject({ status: 'active', lastError: null, issuedAt: clock().now() });
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    // The lease was given back with the tokens: a request refreshes at once.
    expect(await database().db.selectFrom('tokens').select('refresh_lease_id').where('user_id', '=', alice.userId).executeTakeFirst()).toEqual({ refresh_lease_id: null });
    expect((await stored(bob))?.accessToken).toBe(bobBefore?.accessToken);
  });

  it('two servers sweeping at once refresh a connection once', async () => {
    const other = await startTestApp({ databaseUrl: database().url, sharedProvider: behind().provider, now: () => clock().now() });
    try {
      const alice = await signedInUser(app(), 'alice');
      const bob = await signedInUser(app(), 'bob');
      await endIn(alice, DAY);
      await endIn(bob, DAY);
      const sent = refreshesSent();
      const grantErrors = behind().provider.stats.grantErrors;

      const results = await Promise.all([startJob().sweep(), startJob(undefined, other).sweep()]);
      expect(refreshesSent()).toBe(sent + 2);
      expect(behind().provider.stats.grantErrors).toBe(grantErrors);
      const total = (key: 'due' | 'refreshed' | 'alreadyRenewed' | 'failed') => results.reduce((sum, result) => sum + result[key], 0);
      expect(total('refreshed')).toBe(2);
      expect(total('failed')).toBe(0);
      expect(total('due')).toBe(2 + total('alreadyRenewed'));
      expect(await stored(alice)).toMatchObject({ status: 'active', issuedAt: clock().now() });

      // Both servers decide before either refreshes: the one that waits for the lease finds the refresh made.
      clock().advance(IDLE - DAY);
      const since = clock().now() - 1;
      const outcomes = await Promise.all([app().runtime.tokens.keepAlive(alice.userId, 'toolkit', since), other.runtime.tokens.keepAlive(alice.userId, 'toolkit', since)]);
      expect(outcomes.sort()).toEqual(['not_needed', 'refreshed']);
      expect(refreshesSent()).toBe(sent + 3);
      expect(behind().provider.stats.grantErrors).toBe(grantErrors);
    } finally {
      await other.close();
    }
  });
});
