// How long a refresh holds its lease on the token row, against how long the refresh may take: another server
// must not take the lease over while the holder may still be waiting for the provider, or it sends the same
// refresh token again, and a provider that rotates refresh tokens refuses one of the two (the dev provider, as
// RFC 9700 §4.14.2 advises, revokes the whole grant on reuse).
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeEachDialect, type TestDatabase } from './support/postgres.js';
import { startProviderBehindProxy } from './support/provider-behind-proxy.js';
import { expireStoredAccessToken, signedInUser, type SignedInUser } from './support/signed-in.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const REFRESH = { method: 'POST', path: '/token', form: { grant_type: 'refresh_token' } } as const;
/** The default PROVIDER_TIMEOUT_SECONDS, where the lease's floor of 30 s no longer covers a refresh. */
const TIMEOUT_SECONDS = 10;
/**
 * What a refresh may take once its lease is taken, with a provider slow at every step but within its timeouts:
 * its answer, waited for twice PROVIDER_TIMEOUT_SECONDS, then the keys to check the ID token it carries (a new
 * kid: fetched within one timeout).
 */
const SLOWEST_REFRESH_SECONDS = 3 * TIMEOUT_SECONDS;

describeEachDialect('a refresh lease against a slow provider', (dialect) => {
  let behind: Awaited<ReturnType<typeof startProviderBehindProxy>>;
  let database: TestDatabase;
  /** Server A, on the real clock, and server B, whose clock is SLOWEST_REFRESH_SECONDS and one ahead: B sees now what A's lease looks like when A's refresh may still be under way. */
  let serverA: TestApp;
  let serverB: TestApp;
  const realNow = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    behind = await startProviderBehindProxy();
    database = await dialect.openTestDatabase();
    const env = { PROVIDER_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS) };
    serverA = await startTestApp({ databaseUrl: database.url, sharedProvider: behind.provider, env });
    serverB = await startTestApp({ databaseUrl: database.url, sharedProvider: behind.provider, env, now: () => realNow() + SLOWEST_REFRESH_SECONDS + 1 });
  });
  afterAll(async () => {
    await serverA?.close();
    await serverB?.close();
    await database?.close();
    await behind?.close();
  });
  afterEach(() => behind?.proxy.clear());

  const callApi = (server: TestApp, user: SignedInUser) =>
    server.runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/profile', headers: { cookie: user.cookie } });

  async function untilSeen(count: number): Promise<void> {
    for (let waited = 0; behind.proxy.count(REFRESH) < count; waited += 10) {
      if (waited > 5000) throw new Error('the refresh never reached the provider');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('is not taken over by another server while the holder may still wait for the answer and check its ID token', async () => {
    const alice = await signedInUser(serverA, 'alice');
    await expireStoredAccessToken(database, alice.userId);
    const grants = behind.provider.stats.refreshTokenGrants;
    const grantErrors = behind.provider.stats.grantErrors;
    let release!: () => void;
    behind.proxy.inject({ ...REFRESH, fault: { kind: 'hold', until: new Promise<void>((resolve) => (release = resolve)) } });

    // A's refresh reaches the provider, whose answer is slow in coming.
    const seen = behind.proxy.count(REFRESH);
    const fromA = callApi(serverA, alice);
    await untilSeen(seen + 1);
    const { refresh_lease_expires_at: leaseEnds } = await database.db
      .selectFrom('tokens')
      .select('refresh_lease_expires_at')
      .where('user_id', '=', alice.userId)
      .executeTakeFirstOrThrow();
    // Room left to save what comes, after the slowest answer and key fetch.
    expect(Number(leaseEnds) - realNow()).toBeGreaterThan(SLOWEST_REFRESH_SECONDS + TIMEOUT_SECONDS / 2);

    // B, for which that much time has passed, waits for A's result instead of refreshing too.
    const fromB = callApi(serverB, alice);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(behind.proxy.count(REFRESH)).toBe(seen + 1);
    release();
    expect((await fromA).statusCode).toBe(200);
    expect((await fromB).statusCode).toBe(200);
    expect(behind.proxy.count(REFRESH)).toBe(seen + 1);
    expect(behind.provider.stats.refreshTokenGrants).toBe(grants + 1);
    expect(behind.provider.stats.grantErrors).toBe(grantErrors);
    expect(await serverA.runtime.tokenStore.findToken(alice.userId, 'toolkit')).toMatchObject({ status: 'active', lastError: null });
  });
});
