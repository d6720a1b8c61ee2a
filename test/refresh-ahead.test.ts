import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TokenEvent } from '../src/client/token-events.js';
import { startRefreshAhead, type RefreshAheadJob } from '../src/core/refresh-ahead.js';
import { testClock } from './support/clock.js';
import { DIALECTS, type TestDatabase } from './support/postgres.js';
import { startProviderBehindProxy } from './support/provider-behind-proxy.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import type { TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const WINDOW = 120;

/** Sets the stored expiry (and status) of the user's toolkit token, an hour after it was issued. */
function setExpiry(database: TestDatabase, user: SignedInUser, expiresAt: number, status: 'active' | 'needs_reauth' = 'active') {
  return database.db.updateTable('tokens').set({ expires_at: expiresAt, issued_at: expiresAt - 3600, status }).where('user_id', '=', user.userId).execute();
}

/** The user ids of the token.refreshed events the app emits from now on. */
function recordRefreshes(app: TestApp): { userIds: string[]; stop: () => void } {
  const userIds: string[] = [];
  const stop = app.runtime.tokens.on((event: TokenEvent) => {
    if (event.type === 'token.refreshed') userIds.push(event.userId);
  });
  return { userIds, stop };
}

/** One sweep of the refresh-ahead job serve started in `app`: it must refresh one token, `user`'s, and fail none. */
async function expectServeSweepRefreshesOnly(app: TestApp, user: SignedInUser): Promise<void> {
  const refreshed = recordRefreshes(app);
  try {
    expect(await app.runtime.refreshAhead!.sweep()).toEqual({ refreshed: 1, failed: 0 });
    expect(refreshed.userIds).toEqual([user.userId]);
  } finally {
    refreshed.stop();
  }
}

describe('the refresh-ahead job serve starts (REFRESH_AHEAD_SECONDS=120)', () => {
  const clock = testClock();
  const { app, database } = useTestApp(DIALECTS[0]!, { env: { REFRESH_AHEAD_SECONDS: String(WINDOW) }, now: clock.now });

  it("sweeps with the configured window on the app's clock: the token expiring at its end is refreshed, the one a second later is not", async () => {
    const alice = await signedInUser(app(), 'alice');
    const bob = await signedInUser(app(), 'bob');
    await setExpiry(database(), alice, clock.now() + WINDOW);
    await setExpiry(database(), bob, clock.now() + WINDOW + 1);
    // serve's job waits a random jitter of up to 1 s before each refresh (so servers do not refresh in step): one refresh here.
    await expectServeSweepRefreshesOnly(app(), alice);
  });
});

describe('the refresh-ahead job serve starts, with connections left of a provider OAUTH_PROVIDERS no longer lists', () => {
  const clock = testClock();
  const { app, database } = useTestApp(DIALECTS[0]!, { env: { REFRESH_AHEAD_SECONDS: String(WINDOW) }, now: clock.now });

  it('leaves them out: each would fail every sweep until it expired, logged each time, and take a place in the batch from the connections it could refresh', async () => {
    const alice = await signedInUser(app(), 'alice');
    const retired = await Promise.all(['bob', 'mallory'].map((name) => signedInUser(app(), name)));
    await setExpiry(database(), alice, clock.now() + 60);
    for (const user of retired) {
      await setExpiry(database(), user, clock.now() + 60);
      // Newer than alice's, so first in the sweep's order.
      await database().db.updateTable('tokens').set({ provider: 'retired', created_at: clock.now() + 1 }).where('user_id', '=', user.userId).execute();
    }
    await expectServeSweepRefreshesOnly(app(), alice);
  });
});

describe('a refresh-ahead sweep', () => {
  // The app and the job share one clock that moves only when told, so the window's edges are exact. The app
  // runs no job of its own (REFRESH_AHEAD_SECONDS unset), so every refresh seen here is the sweep's.
  const clock = testClock();
  const { app, database } = useTestApp(DIALECTS[0]!, { now: clock.now });

  let job: RefreshAheadJob;
  let refreshed: string[];
  let stopRecording: () => void;
  beforeEach(() => {
    ({ userIds: refreshed, stop: stopRecording } = recordRefreshes(app()));
    job = startRefreshAhead({
      store: app().runtime.tokenStore,
      tokens: app().runtime.tokens,
      logger: pino({ level: 'silent' }),
      now: clock.now,
      providers: ['toolkit'],
      windowSeconds: WINDOW,
      jitterMs: 0,
    });
  });
  afterEach(async () => {
    await job.stop();
    stopRecording();
  });

  const accessToken = async (user: SignedInUser) => (await app().runtime.tokenStore.findToken(user.userId, 'toolkit'))?.accessToken;

  it('is not started by serve without REFRESH_AHEAD_SECONDS', () => {
    expect(app().runtime.refreshAhead).toBeNull();
  });

  it('refreshes exactly the tokens that expire within the window (edges included), once, and leaves the rest alone', async () => {
    const alice = await signedInUser(app(), 'alice');
    const bob = await signedInUser(app(), 'bob');
    const mallory = await signedInUser(app(), 'mallory');
    const start = clock.now();
    await setExpiry(database(), alice, start + 60); // within the window
    await setExpiry(database(), bob, start + WINDOW + 1); // one second beyond it
    await setExpiry(database(), mallory, start + 30, 'needs_reauth'); // within it, but needs re-auth: never touched
    const before = { alice: await accessToken(alice), bob: await accessToken(bob), mallory: await accessToken(mallory) };
    const refreshes = app().provider.stats.refreshTokenGrants;

    expect(await job.sweep()).toEqual({ refreshed: 1, failed: 0 });
    expect(refreshed).toEqual([alice.userId]);
    expect(app().provider.stats.refreshTokenGrants).toBe(refreshes + 1);
    expect(await accessToken(alice)).not.toBe(before.alice);
    expect((await app().runtime.tokenStore.findToken(alice.userId, 'toolkit'))?.expiresAt).toBeGreaterThan(start + WINDOW);
    expect(await accessToken(bob)).toBe(before.bob);
    expect(await accessToken(mallory)).toBe(before.mallory);

    // Alice is now fresh beyond the window, and bob not yet in it: the next sweep does nothing.
    expect(await job.sweep()).toEqual({ refreshed: 0, failed: 0 });
    expect(refreshed).toEqual([alice.userId]);

    // A second later bob's expiry is exactly at the window's end, which is inside it.
    clock.advance(1);
    expect(await job.sweep()).toEqual({ refreshed: 1, failed: 0 });
    expect(refreshed).toEqual([alice.userId, bob.userId]);
    expect(await accessToken(bob)).not.toBe(before.bob);
    expect(await accessToken(mallory)).toBe(before.mallory);
    expect(app().provider.stats.refreshTokenGrants).toBe(refreshes + 2);
  });

  it('leaves a token that lives less than the window until half its lifetime is over, as a request does: not one refresh every sweep', async () => {
    const alice = await signedInUser(app(), 'alice');
    // A 100-second token issued just now: the whole of its life is within the 120-second window.
    await database().db.updateTable('tokens').set({ issued_at: clock.now(), expires_at: clock.now() + 100 }).where('user_id', '=', alice.userId).execute();
    const refreshes = app().provider.stats.refreshTokenGrants;

    expect(await job.sweep()).toEqual({ refreshed: 0, failed: 0 });
    clock.advance(49);
    expect(await job.sweep()).toEqual({ refreshed: 0, failed: 0 });
    expect(app().provider.stats.refreshTokenGrants).toBe(refreshes);
    clock.advance(1);
    expect(await job.sweep()).toEqual({ refreshed: 1, failed: 0 });
    expect(refreshed).toEqual([alice.userId]);
    expect(app().provider.stats.refreshTokenGrants).toBe(refreshes + 1);
  });

  it('leaves a token that has already expired (even this very second) for the next request', async () => {
    const alice = await signedInUser(app(), 'alice');
    const bob = await signedInUser(app(), 'bob');
    await setExpiry(database(), alice, clock.now());
    await setExpiry(database(), bob, clock.now() - 30);
    const before = { alice: await accessToken(alice), bob: await accessToken(bob) };
    const refreshes = app().provider.stats.refreshTokenGrants;

    expect(await job.sweep()).toEqual({ refreshed: 0, failed: 0 });
    expect(refreshed).toEqual([]);
    expect(app().provider.stats.refreshTokenGrants).toBe(refreshes);
    expect({ alice: await accessToken(alice), bob: await accessToken(bob) }).toEqual(before);
  });
});

describe('a refresh-ahead sweep against a provider that fails', () => {
  let behind: Awaited<ReturnType<typeof startProviderBehindProxy>>;
  beforeAll(async () => {
    behind = await startProviderBehindProxy();
  });
  afterAll(() => behind?.close());
  const clock = testClock();
  const { app, database } = useTestApp(DIALECTS[0]!, () => ({ sharedProvider: behind.provider, now: () => clock.now() }));
  const REFRESH = { method: 'POST', path: '/token', form: { grant_type: 'refresh_token' } } as const;

  it('counts a refresh the provider failed as failed, though the token it had is handed out meanwhile, and says so in the log', async () => {
    const alice = await signedInUser(app(), 'alice');
    await setExpiry(database(), alice, clock.now() + 60);
    const lines: Array<{ level: number; msg: string; code?: string }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string; code?: string }) });
    const job = startRefreshAhead({ store: app().runtime.tokenStore, tokens: app().runtime.tokens, logger, now: clock.now, providers: ['toolkit'], windowSeconds: WINDOW, jitterMs: 0 });
    try {
      behind.proxy.inject({ ...REFRESH, fault: { kind: 'status', status: 500, body: '{"error":"server_error"}' } });
      const sent = behind.proxy.count(REFRESH);
      expect(await job.sweep()).toEqual({ refreshed: 0, failed: 1 });
      expect(behind.proxy.count(REFRESH)).toBe(sent + 1);
      expect(lines.map(({ level, msg, code }) => ({ level, msg, code }))).toEqual([
        { level: 40, msg: 'refresh-ahead failed', code: 'provider_error' },
        { level: 30, msg: 'refresh-ahead sweep', code: undefined },
      ]);
      // Within the back-off the provider is not asked again, and the sweep fails again.
      expect(await job.sweep()).toEqual({ refreshed: 0, failed: 1 });
      expect(behind.proxy.count(REFRESH)).toBe(sent + 1);
    } finally {
      await job.stop();
      behind.proxy.clear();
    }
  });
});
