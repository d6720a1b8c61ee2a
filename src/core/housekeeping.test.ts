import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { newAuditRow } from '../db/audit.repository.js';
import { findConnectLink, insertConnectLink } from '../db/connect-link.repository.js';
import { encodeId } from '../db/id.js';
import { createLoginTransaction } from '../db/login-transaction.repository.js';
import { createSession, findSession } from '../db/session.repository.js';
import { insertWebhookMessage } from '../db/webhook-delivery.repository.js';
import { describeEachDialect, type TestDatabase } from '../../test/support/postgres.js';
import { CONNECT_LINK_KEPT_AFTER_EXPIRY_SECONDS } from './connect-links.js';
import { pruneAuditLog } from './audit-retention.js';
import { startHousekeeping, type HousekeepingOptions } from './housekeeping.js';

const DAY = 86_400;

describeEachDialect('housekeeping', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
  });
  afterAll(() => database?.close());

  it('deletes sessions past their absolute or idle timeout and keeps live ones', async () => {
    const now = 1_000_000;
    const base = { userId: null, csrfToken: 'c', data: {} };
    await createSession(database.db, { ...base, id: 'expired', now: now - 100, absoluteExpiresAt: now - 1 });
    await createSession(database.db, { ...base, id: 'idle', now: now - 7200, absoluteExpiresAt: now + 3600 });
    await createSession(database.db, { ...base, id: 'live', now: now - 10, absoluteExpiresAt: now + 3600 });
    const stop = startHousekeeping({ db: database.db, logger: pino({ level: 'silent' }), now: () => now, sessionIdleTimeoutSeconds: 3600 });
    await stop();
    expect(await findSession(database.db, 'expired')).toBeUndefined();
    expect(await findSession(database.db, 'idle')).toBeUndefined();
    expect(await findSession(database.db, 'live')).toBeDefined();
  });

  it('deletes expired pending sign-ins of a live session and keeps the others', async () => {
    const now = 2_000_000;
    await createSession(database.db, { id: 'signing-in', userId: null, csrfToken: 'c', data: {}, now, absoluteExpiresAt: now + 3600 });
    const pending = (state: string, expiresAt: number) =>
      createLoginTransaction(database.db, {
        state,
        sessionId: 'signing-in',
        provider: 'toolkit',
        issuer: 'https://idp.example',
        clientId: 'client',
        redirectUri: 'http://localhost:3000/auth/toolkit/callback',
        codeVerifier: 'v1.ciphertext',
        nonce: null,
        nextPath: '/',
        linkUserId: null,
        createdAt: expiresAt - 600,
        expiresAt,
      });
    await pending('abandoned', now);
    await pending('in-progress', now + 1);
    const stop = startHousekeeping({ db: database.db, logger: pino({ level: 'silent' }), now: () => now, sessionIdleTimeoutSeconds: 3600 });
    await stop();
    const left = await database.db.selectFrom('login_transactions').select('state').execute();
    expect(left.map((row) => row.state)).toEqual(['in-progress']);
    expect(await findSession(database.db, 'signing-in')).toBeDefined();
  });

  it('deletes connect links an hour past their expiry (an opened one is read until its sign-in ends) and keeps the others', async () => {
    const now = 3_000_000;
    const link = (id: string, expiresAt: number) =>
      insertConnectLink(database.db, {
        id,
        secretHash: `hash-${id}`,
        provider: 'toolkit',
        userId: null,
        externalId: 'cus_1',
        scope: null,
        returnTo: 'https://app.example/done',
        serviceKeyId: 'key',
        serviceName: 'billing',
        createdAt: expiresAt - 900,
        expiresAt,
      });
    await link('long-gone', now - CONNECT_LINK_KEPT_AFTER_EXPIRY_SECONDS);
    await link('just-expired', now - 1);
    const stop = startHousekeeping({ db: database.db, logger: pino({ level: 'silent' }), now: () => now, sessionIdleTimeoutSeconds: 3600 });
    await stop();
    expect(await findConnectLink(database.db, 'long-gone')).toBeUndefined();
    expect(await findConnectLink(database.db, 'just-expired')).toBeDefined();
  });

  it('deletes delivered webhooks over 30 days old; keeps newer ones, and failed and pending ones of any age', async () => {
    const now = 3_000_000_000;
    const old = now - 30 * 86_400 - 1;
    for (const [messageId, createdAt] of [['msg_old', old], ['msg_recent', now - 86_400]] as const) {
      await insertWebhookMessage(database.db, { messageId, eventType: 'connection.created', payload: '{}', urls: ['https://a.example/delivered', 'https://a.example/failed', 'https://a.example/pending'], now: createdAt });
    }
    await database.db.updateTable('webhook_deliveries').set({ status: 'delivered' }).where('url', '=', 'https://a.example/delivered').execute();
    await database.db.updateTable('webhook_deliveries').set({ status: 'failed' }).where('url', '=', 'https://a.example/failed').execute();
    const stop = startHousekeeping({ db: database.db, logger: pino({ level: 'silent' }), now: () => now, sessionIdleTimeoutSeconds: 3600 });
    await stop();
    const left = await database.db.selectFrom('webhook_deliveries').select(['message_id', 'status']).orderBy('message_id').orderBy('status').execute();
    expect(left.map((row) => `${row.message_id} ${row.status}`)).toEqual([
      'msg_old failed',
      'msg_old pending',
      'msg_recent delivered',
      'msg_recent failed',
      'msg_recent pending',
    ]);
  });

  it('starts no run while one is under way (a database answering slowly, a long backlog): runs never overlap, and stop() waits for the one there is', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    let answered = 0;
    // Each run begins with the DELETE of expired sessions; every answer waits until released.
    const slow = database.db.withPlugin({
      transformQuery: (args) => {
        if (args.node.kind === 'DeleteQueryNode' && JSON.stringify(args.node.from).includes('"sessions"')) runs += 1;
        return args.node;
      },
      transformResult: async (args) => {
        await held;
        answered += 1;
        return args.result;
      },
    });
    const stop = startHousekeeping({ db: slow, logger: pino({ level: 'silent' }), now: () => 1_000_000, sessionIdleTimeoutSeconds: 3600, intervalMs: 1 });
    // Many intervals pass while the first run waits for its first answer.
    await vi.waitFor(() => expect(runs).toBeGreaterThan(0));
    for (let tick = 0; tick < 20; tick += 1) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(runs).toBe(1);
    const stopped = stop();
    release();
    await stopped;
    const after = answered;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(answered).toBe(after);
  });

  describe('the audit log, with AUDIT_LOG_RETENTION_DAYS', () => {
    const now = 2_000_000_000;
    /** Entries written `ageSeconds` before now, as the server writes them: an id that begins with the time of writing. */
    const writeEntries = async (ageSeconds: number, count: number, event = 'test.entry') => {
      const at = now - ageSeconds;
      const rows = Array.from({ length: count }, (_, index) => ({ ...newAuditRow({ event, at }), id: encodeId(at * 1000, 7, index) }));
      await database.db.insertInto('audit_log').values(rows).execute();
    };
    const eventsLeft = async () => {
      const rows = await database.db.selectFrom('audit_log').select((eb) => ['event', eb.fn.countAll<number | string>().as('n')]).groupBy('event').orderBy('event').execute();
      return Object.fromEntries(rows.map((row) => [row.event, Number(row.n)]));
    };
    const housekeep = async (auditRetention: HousekeepingOptions['auditRetention'], logger = pino({ level: 'silent' })) => {
      const stop = startHousekeeping({ db: database.db, logger, now: () => now, sessionIdleTimeoutSeconds: 3600, ...(auditRetention ? { auditRetention } : {}) });
      await stop();
    };
    beforeEach(() => database.db.deleteFrom('audit_log').execute());

    it('deletes the entries older than the retention and keeps the newer ones; says how many at info', async () => {
      await writeEntries(91 * DAY, 12, 'test.old');
      await writeEntries(90 * DAY + 1, 1, 'test.old');
      await writeEntries(90 * DAY - 1, 2, 'test.recent');
      await writeEntries(60, 3, 'test.recent');
      const lines: string[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
      await housekeep({ days: 90 }, logger);
      expect(await eventsLeft()).toEqual({ 'test.recent': 5 });
      const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged.map(({ level, msg, auditEntries, retentionDays }) => ({ level, msg, auditEntries, retentionDays }))).toEqual([
        { level: 30, msg: 'deleted audit log entries past AUDIT_LOG_RETENTION_DAYS', auditEntries: 13, retentionDays: 90 },
      ]);

      // Nothing left to delete: nothing logged.
      lines.length = 0;
      await housekeep({ days: 90 }, logger);
      expect(lines).toEqual([]);
      expect(await eventsLeft()).toEqual({ 'test.recent': 5 });
    });

    it('stopped during a run (a shutdown), ends after the DELETE under way, and says the rest is for the next runs', async () => {
      await writeEntries(100 * DAY, 8, 'test.old');
      const lines: string[] = [];
      // stop() comes before the run reaches the audit log: its first DELETE is made, no second.
      await housekeep({ days: 30, batchSize: 3, pauseMs: 0 }, pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }));
      expect(await eventsLeft()).toEqual({ 'test.old': 5 });
      expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['deleted audit log entries past AUDIT_LOG_RETENTION_DAYS; the rest in the next runs']);
    });

    it('in batches: as many DELETEs as it takes, oldest entries first, at most maxBatches a run; the next runs delete the rest', async () => {
      await writeEntries(200 * DAY, 4, 'test.oldest');
      await writeEntries(100 * DAY, 7, 'test.old');
      await writeEntries(DAY, 1, 'test.recent');
      expect(await pruneAuditLog(database.db, now, { days: 30, batchSize: 3, maxBatches: 2, pauseMs: 0 })).toEqual({ deleted: 6, more: true });
      expect(await eventsLeft()).toEqual({ 'test.old': 5, 'test.recent': 1 });
      expect(await pruneAuditLog(database.db, now, { days: 30, batchSize: 3, maxBatches: 2, pauseMs: 0 })).toEqual({ deleted: 5, more: false });
      expect(await eventsLeft()).toEqual({ 'test.recent': 1 });

      await writeEntries(100 * DAY, 9, 'test.old');
      // Exactly batchSize entries in the last batch: one more DELETE finds none.
      expect(await pruneAuditLog(database.db, now, { days: 30, batchSize: 3, pauseMs: 0 })).toEqual({ deleted: 9, more: false });
      expect(await eventsLeft()).toEqual({ 'test.recent': 1 });
    });

    it('keeps every entry with 0 days, and without the setting', async () => {
      await writeEntries(36_000 * DAY, 2, 'test.ancient');
      await writeEntries(DAY, 1, 'test.recent');
      expect(await pruneAuditLog(database.db, now, { days: 0, batchSize: 1, pauseMs: 0 })).toEqual({ deleted: 0, more: false });
      await housekeep({ days: 0, batchSize: 1, pauseMs: 0 });
      await housekeep(undefined);
      expect(await eventsLeft()).toEqual({ 'test.ancient': 2, 'test.recent': 1 });
    });
  });
});
