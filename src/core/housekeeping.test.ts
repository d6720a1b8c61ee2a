import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findConnectLink, insertConnectLink } from '../db/connect-link.repository.js';
import { createLoginTransaction } from '../db/login-transaction.repository.js';
import { createSession, findSession } from '../db/session.repository.js';
import { insertWebhookMessage } from '../db/webhook-delivery.repository.js';
import { describeEachDialect, type TestDatabase } from '../../test/support/postgres.js';
import { CONNECT_LINK_KEPT_AFTER_EXPIRY_SECONDS } from './connect-links.js';
import { startHousekeeping } from './housekeeping.js';

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
});
