import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRefreshAhead } from '../src/core/refresh-ahead.js';
import { DIALECTS, type TestDatabase } from './support/postgres.js';
import { signedInUser } from './support/signed-in.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('ahead-of-time refresh (REFRESH_AHEAD_SECONDS)', () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await DIALECTS[0]!.openTestDatabase({ migrate: false });
    app = await startTestApp({ databaseUrl: database.url, env: { REFRESH_AHEAD_SECONDS: '120' } });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  const setExpiry = (userId: string, expiresAt: number) =>
    database.db.updateTable('tokens').set({ expires_at: expiresAt }).where('user_id', '=', userId).execute();

  it('is started by serve when configured', () => {
    expect(app.runtime.refreshAhead).not.toBeNull();
  });

  it('refreshes tokens about to expire, once, and leaves the rest alone', async () => {
    const now = Math.floor(Date.now() / 1000);
    const alice = await signedInUser(app, 'alice'); // expires within the window
    const bob = await signedInUser(app, 'bob'); // already expired: left for the next request
    const mallory = await signedInUser(app, 'mallory'); // needs re-auth: never touched
    await setExpiry(alice.userId, now + 60);
    await setExpiry(bob.userId, now - 30);
    await database.db.updateTable('tokens').set({ status: 'needs_reauth', expires_at: now + 30 }).where('user_id', '=', mallory.userId).execute();
    const aliceBefore = await app.runtime.tokenStore.findToken(alice.userId, 'toolkit');
    const refreshes = app.provider.stats.refreshTokenGrants;

    const job = startRefreshAhead({
      store: app.runtime.tokenStore,
      tokens: app.runtime.tokens,
      logger: pino({ level: 'silent' }),
      now: () => Math.floor(Date.now() / 1000),
      windowSeconds: 120,
      jitterMs: 0,
    });
    try {
      expect(await job.sweep()).toEqual({ refreshed: 1, failed: 0 });
      expect(app.provider.stats.refreshTokenGrants).toBe(refreshes + 1);
      const aliceAfter = await app.runtime.tokenStore.findToken(alice.userId, 'toolkit');
      expect(aliceAfter!.accessToken).not.toBe(aliceBefore!.accessToken);
      expect(aliceAfter!.expiresAt).toBeGreaterThan(now + 120);

      // Now fresh beyond the window: the next sweep does nothing.
      expect(await job.sweep()).toEqual({ refreshed: 0, failed: 0 });
      expect(app.provider.stats.refreshTokenGrants).toBe(refreshes + 1);
    } finally {
      await job.stop();
    }
  });
});
