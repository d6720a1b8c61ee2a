import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DevProvider } from '../src/dev-provider/index.js';
import { describeEachDialect, type TestDatabase } from './support/postgres.js';
import { expireStoredAccessToken, signedInUser } from './support/signed-in.js';
import { startTestApp, startTestProvider, type TestApp } from './support/test-app.js';

/**
 * Four app instances in this process, each with its own TokenManager (so no
 * shared in-flight promise) and its own database connection: only the
 * store's lease can keep them from refreshing together. The provider
 * rotates refresh tokens and revokes the grant when one is reused, so a
 * second refresh would show up as a grant error.
 */
describeEachDialect('refresh across servers sharing one database', (dialect) => {
  let database: TestDatabase;
  let provider: DevProvider;
  let servers: TestApp[];

  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    provider = await startTestProvider();
    servers = [];
    for (let i = 0; i < 4; i += 1) servers.push(await startTestApp({ databaseUrl: database.url, sharedProvider: provider }));
  });
  afterAll(async () => {
    for (const server of servers ?? []) await server.close();
    await provider?.close();
    await database?.close();
  });

  it('runs once for 4 × 50 concurrent calls with an expired token', async () => {
    const alice = await signedInUser(servers[0]!, 'alice');
    await expireStoredAccessToken(database, alice.userId);
    const refreshes = provider.stats.refreshTokenGrants;

    const calls = servers.flatMap((server) =>
      Array.from({ length: 50 }, () => server.runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/profile', headers: { cookie: alice.cookie } })),
    );
    const answers = await Promise.all(calls);
    expect(answers.map((a) => a.statusCode)).toEqual(Array(200).fill(200));
    expect(provider.stats.refreshTokenGrants).toBe(refreshes + 1);
    expect(provider.stats.grantErrors).toBe(0);

    const token = await servers[3]!.runtime.tokenStore.findToken(alice.userId, 'toolkit');
    expect(token?.status).toBe('active');
    const lease = await database.db.selectFrom('tokens').select(['refresh_lease_id']).where('user_id', '=', alice.userId).executeTakeFirstOrThrow();
    expect(lease.refresh_lease_id).toBeNull();
  });
});
