import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { consumeLoginTransaction, createLoginTransaction } from './login-transaction.repository.js';
import {
  createSession,
  deleteExpiredSessions,
  deleteProviderSessions,
  deleteSession,
  deleteSessionsForUser,
  findSession,
  touchSession,
  updateSessionData,
} from './session.repository.js';
import { createUser } from './user.repository.js';

const NOW = 1_790_000_000;
const IDLE = 1800;

describeEachDialect('session repository', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
  });
  afterAll(() => database.close());

  const newSession = (id: string, overrides: { now?: number; absoluteExpiresAt?: number; userId?: string | null; signedInWith?: { provider: string; providerSid: string | null } } = {}) =>
    createSession(database.db, {
      id,
      userId: overrides.userId ?? null,
      csrfToken: `csrf-${id}`,
      data: { flash: 'hi' },
      now: overrides.now ?? NOW,
      absoluteExpiresAt: overrides.absoluteExpiresAt ?? NOW + 86_400,
      ...(overrides.signedInWith ? { signedInWith: overrides.signedInWith } : {}),
    });

  it('creates, finds, touches, updates data and deletes a session', async () => {
    const session = await newSession('s-basic');
    expect(session).toEqual({
      id: 's-basic',
      userId: null,
      csrfToken: 'csrf-s-basic',
      data: { flash: 'hi' },
      createdAt: NOW,
      lastSeenAt: NOW,
      expiresAt: NOW + 86_400,
      signedInWith: null,
    });
    await touchSession(database.db, 's-basic', NOW + 30);
    await updateSessionData(database.db, 's-basic', { returnTo: '/account' });
    expect(await findSession(database.db, 's-basic')).toMatchObject({ lastSeenAt: NOW + 30, data: { returnTo: '/account' } });
    expect(await deleteSession(database.db, 's-basic')).toBe(true);
    expect(await deleteSession(database.db, 's-basic')).toBe(false);
    expect(await findSession(database.db, 's-basic')).toBeUndefined();
  });

  it('deleteProviderSessions ends the sessions a provider signed in: by its sid, or all of one user, and no other provider\'s', async () => {
    const ada = await createUser(database.db, { username: 'provider-ada', dateJoined: NOW });
    const bob = await createUser(database.db, { username: 'provider-bob', dateJoined: NOW });
    await newSession('s-ada-laptop', { userId: ada.id, signedInWith: { provider: 'keycloak', providerSid: 'sid-1' } });
    await newSession('s-ada-phone', { userId: ada.id, signedInWith: { provider: 'keycloak', providerSid: 'sid-2' } });
    await newSession('s-ada-github', { userId: ada.id, signedInWith: { provider: 'github', providerSid: null } });
    await newSession('s-ada-password', { userId: ada.id });
    await newSession('s-bob', { userId: bob.id, signedInWith: { provider: 'keycloak', providerSid: 'sid-3' } });
    expect((await findSession(database.db, 's-ada-laptop'))!.signedInWith).toEqual({ provider: 'keycloak', providerSid: 'sid-1' });

    // The same sid at another provider is another session.
    expect(await deleteProviderSessions(database.db, 'github', { providerSid: 'sid-1' })).toEqual([]);
    expect(await deleteProviderSessions(database.db, 'keycloak', { providerSid: 'sid-1' })).toEqual([ada.id]);
    expect(await findSession(database.db, 's-ada-laptop')).toBeUndefined();
    expect(await findSession(database.db, 's-ada-phone')).toBeDefined();

    expect(await deleteProviderSessions(database.db, 'keycloak', { userId: ada.id })).toEqual([ada.id]);
    for (const kept of ['s-ada-github', 's-ada-password', 's-bob']) expect(await findSession(database.db, kept), kept).toBeDefined();
    expect(await findSession(database.db, 's-ada-phone')).toBeUndefined();
  });

  it('deleteExpiredSessions removes sessions past the absolute expiry or idle too long, and only those', async () => {
    const later = NOW + 100_000;
    await newSession('s-fresh', { now: later - 10, absoluteExpiresAt: later + 3600 });
    await newSession('s-idle', { now: later - IDLE - 1, absoluteExpiresAt: later + 3600 });
    await newSession('s-absolute', { now: later - 10, absoluteExpiresAt: later });
    await newSession('s-touched', { now: later - IDLE - 100, absoluteExpiresAt: later + 3600 });
    await touchSession(database.db, 's-touched', later - 5);

    expect(await deleteExpiredSessions(database.db, later, IDLE)).toBeGreaterThanOrEqual(2);
    expect(await findSession(database.db, 's-fresh')).toBeDefined();
    expect(await findSession(database.db, 's-touched')).toBeDefined();
    expect(await findSession(database.db, 's-idle')).toBeUndefined();
    expect(await findSession(database.db, 's-absolute')).toBeUndefined();
  });

  it('deleting a session deletes its pending sign-ins', async () => {
    await newSession('s-signing-in');
    await createLoginTransaction(database.db, {
      state: 'state-of-s-signing-in',
      sessionId: 's-signing-in',
      provider: 'toolkit',
      issuer: 'https://idp.example',
      clientId: 'client',
      redirectUri: 'http://localhost/auth/toolkit/callback',
      codeVerifier: 'ciphertext',
      nonce: 'nonce',
      nextPath: '/',
      linkUserId: null,
      createdAt: NOW,
      expiresAt: NOW + 600,
    });
    await deleteSession(database.db, 's-signing-in');
    const rows = await database.db.selectFrom('login_transactions').selectAll().where('state', '=', 'state-of-s-signing-in').execute();
    expect(rows).toEqual([]);
    expect(await consumeLoginTransaction(database.db, 'state-of-s-signing-in', 's-signing-in', NOW)).toBeUndefined();
  });

  it('deleteSessionsForUser signs a user out everywhere', async () => {
    const user = await createUser(database.db, { username: 'everywhere', dateJoined: NOW });
    await newSession('s-laptop', { userId: user.id });
    await newSession('s-phone', { userId: user.id });
    await newSession('s-other');
    expect(await deleteSessionsForUser(database.db, user.id)).toBe(2);
    expect(await findSession(database.db, 's-other')).toBeDefined();
  });
});
