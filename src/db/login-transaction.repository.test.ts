import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { type Database, openDatabase } from './database.js';
import {
  type LoginTransaction,
  MAX_PENDING_SIGN_INS_PER_SESSION,
  consumeLoginTransaction,
  createLoginTransaction,
  deleteExpiredLoginTransactions,
} from './login-transaction.repository.js';
import { createSession } from './session.repository.js';

const NOW = 1_790_000_000;

describeEachDialect('login transaction repository', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    for (const id of ['browser-a', 'browser-b', 'browser-c', 'browser-d']) {
      await createSession(database.db, { id, userId: null, csrfToken: 'c', data: {}, now: NOW, absoluteExpiresAt: NOW + 86_400 });
    }
  });
  afterAll(() => database.close());

  const transaction = (state: string, overrides: Partial<LoginTransaction> = {}): LoginTransaction => ({
    state,
    sessionId: 'browser-a',
    provider: 'toolkit',
    issuer: 'https://idp.example',
    clientId: 'client-1',
    redirectUri: 'http://localhost:3000/auth/toolkit/callback',
    codeVerifier: 'v1.ciphertext',
    nonce: 'n-0S6_WzA2Mj',
    nextPath: '/account',
    linkUserId: null,
    createdAt: NOW,
    expiresAt: NOW + 600,
    scope: null,
    purpose: null,
    connectLinkId: null,
    dpopKey: null,
    ...overrides,
  });

  it('returns the stored transaction once, then undefined on replay', async () => {
    const tx = transaction('state-once');
    await createLoginTransaction(database.db, tx);
    expect(await consumeLoginTransaction(database.db, 'state-once', 'browser-a', NOW + 1)).toEqual(tx);
    expect(await consumeLoginTransaction(database.db, 'state-once', 'browser-a', NOW + 2)).toBeUndefined();
  });

  it("keeps an incremental sign-in's scope, purpose and connect link", async () => {
    const tx = transaction('state-connect', { scope: 'openid notes:read', purpose: 'connect', connectLinkId: 'link-1' });
    await createLoginTransaction(database.db, tx);
    expect(await consumeLoginTransaction(database.db, 'state-connect', 'browser-a', NOW + 1)).toEqual(tx);
  });

  it('keeps the encrypted DPoP key a sign-in was started with', async () => {
    const tx = transaction('state-dpop', { dpopKey: 'v1.dpop-key-ciphertext' });
    await createLoginTransaction(database.db, tx);
    expect(await consumeLoginTransaction(database.db, 'state-dpop', 'browser-a', NOW + 1)).toEqual(tx);
  });

  it('keeps a null nonce (plain OAuth 2.0 providers)', async () => {
    await createLoginTransaction(database.db, transaction('state-no-nonce', { nonce: null }));
    expect((await consumeLoginTransaction(database.db, 'state-no-nonce', 'browser-a', NOW))?.nonce).toBeNull();
  });

  it('gives the row to exactly one of 10 concurrent consumers, over separate connections', async () => {
    await createLoginTransaction(database.db, transaction('state-race'));
    // Separate Database objects, as separate processes would have (PostgreSQL
    // additionally runs the statements on separate pooled connections).
    const others: Database[] = await Promise.all(Array.from({ length: 4 }, () => openDatabase(database.url)));
    try {
      const handles = [database, ...others];
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => consumeLoginTransaction(handles[i % handles.length]!.db, 'state-race', 'browser-a', NOW)),
      );
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });

  it('refuses another browser session and leaves the transaction for its own', async () => {
    await createLoginTransaction(database.db, transaction('state-bound'));
    expect(await consumeLoginTransaction(database.db, 'state-bound', 'browser-b', NOW)).toBeUndefined();
    expect(await consumeLoginTransaction(database.db, 'state-bound', 'browser-a', NOW)).toBeDefined();
  });

  it('refuses an expired transaction', async () => {
    await createLoginTransaction(database.db, transaction('state-old', { expiresAt: NOW + 600 }));
    expect(await consumeLoginTransaction(database.db, 'state-old', 'browser-a', NOW + 600)).toBeUndefined();
    expect(await consumeLoginTransaction(database.db, 'unknown-state', 'browser-a', NOW)).toBeUndefined();
  });

  it(`keeps at most ${MAX_PENDING_SIGN_INS_PER_SESSION} per browser session, dropping the oldest, and leaves other sessions alone`, async () => {
    await createLoginTransaction(database.db, transaction('state-other', { sessionId: 'browser-d' }));
    const states = Array.from({ length: MAX_PENDING_SIGN_INS_PER_SESSION + 3 }, (_, i) => `state-cap-${i}`);
    // Created out of order: the oldest are the ones with the smallest created_at, not the first inserted.
    const order = [2, 0, 1, 3, 4, 5, 6, 7];
    for (const i of order) await createLoginTransaction(database.db, transaction(states[i]!, { sessionId: 'browser-c', createdAt: NOW + i }));
    const kept = await database.db.selectFrom('login_transactions').select('state').where('session_id', '=', 'browser-c').orderBy('created_at').execute();
    expect(kept.map((row) => row.state)).toEqual(states.slice(-MAX_PENDING_SIGN_INS_PER_SESSION));
    expect(await consumeLoginTransaction(database.db, 'state-other', 'browser-d', NOW)).toBeDefined();
  });

  it('a new sign-in is kept even when older ones share its second', async () => {
    for (let i = 0; i < MAX_PENDING_SIGN_INS_PER_SESSION + 2; i += 1) {
      await createLoginTransaction(database.db, transaction(`state-tie-${i}`, { sessionId: 'browser-c', createdAt: NOW + 100 }));
      expect(await database.db.selectFrom('login_transactions').select('state').where('state', '=', `state-tie-${i}`).executeTakeFirst()).toBeDefined();
    }
    const kept = await database.db.selectFrom('login_transactions').select('state').where('session_id', '=', 'browser-c').execute();
    expect(kept).toHaveLength(MAX_PENDING_SIGN_INS_PER_SESSION);
  });

  it('deleteExpiredLoginTransactions removes only expired ones', async () => {
    const later = NOW + 50_000;
    await createLoginTransaction(database.db, transaction('state-expired', { expiresAt: later - 1 }));
    await createLoginTransaction(database.db, transaction('state-live', { expiresAt: later + 600 }));
    expect(await deleteExpiredLoginTransactions(database.db, later)).toBeGreaterThanOrEqual(1);
    expect(await consumeLoginTransaction(database.db, 'state-expired', 'browser-a', later - 10)).toBeUndefined();
    expect(await consumeLoginTransaction(database.db, 'state-live', 'browser-a', later)).toBeDefined();
  });
});
