import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { queryPlan } from '../../test/support/query-plan.js';
import { openDatabase } from './database.js';
import { type RefreshTokenEndsOptions, type StoredToken, type TokenSet, SqlTokenStore, refreshTokensEndingQuery } from './token-store.js';
import { rotateEncryptionKeys } from './key-rotation.js';
import { TokenCipher, TokenDecryptionError, generateEncryptionKey, parseEncryptionKeys, tokenAssociatedData } from './token-cipher.js';
import { createUser } from './user.repository.js';
import { createLoginTransaction, loginTransactionAssociatedData } from './login-transaction.repository.js';
import { createSession } from './session.repository.js';

const NOW = 1_790_000_000;

function tokenSet(overrides: Partial<TokenSet> = {}): TokenSet {
  return {
    accessToken: 'AT-plaintext-4f9c2e',
    refreshToken: 'RT-plaintext-8a1d77',
    idToken: 'eyJhbGciOiJSUzI1NiJ9.id-token-plaintext.sig',
    tokenType: 'Bearer',
    scope: 'openid profile offline_access',
    expiresAt: NOW + 3600,
    issuedAt: NOW,
    apiBaseUrl: null,
    authorizationServerUrl: null,
    redirectUri: 'https://app.test/auth/toolkit/callback',
    callbackParameters: null,
    dpopKey: null,
    refreshTokenExpiresAt: NOW + 180 * 86_400,
    ...overrides,
  };
}

/** Every field of a stored token, the lazily decrypted ones included (they are getters, not own properties). */
function allFields(token: StoredToken | undefined) {
  return token && { ...token, refreshToken: token.refreshToken, idToken: token.idToken, dpopKey: token.dpopKey };
}

describeEachDialect('SqlTokenStore', (dialect) => {
  let database: TestDatabase;
  let key: string;
  let cipher: TokenCipher;
  let store: SqlTokenStore;
  let userCount = 0;
  const newUser = async () => (await createUser(database.db, { username: `tok-${(userCount += 1)}`, dateJoined: NOW })).id;

  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    key = generateEncryptionKey();
    cipher = new TokenCipher(parseEncryptionKeys(key));
    store = new SqlTokenStore(database.db, cipher);
  });
  afterAll(() => database.close());

  it('saves a token set and reads it back decrypted', async () => {
    const userId = await newUser();
    const set = tokenSet();
    const saved = await store.saveTokenSet(userId, 'toolkit', set, NOW);
    expect(allFields(saved)).toEqual({
      ...set,
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      userId,
      provider: 'toolkit',
      status: 'active',
      lastError: null,
      createdAt: NOW,
      updatedAt: NOW,
      lastRefreshedAt: null,
      refreshTokenUsedAt: NOW,
    });
    expect(allFields(await store.findToken(userId, 'toolkit'))).toEqual(allFields(saved));
    expect(await store.findToken(userId, 'github')).toBeUndefined();
  });

  it('leaves the refresh and ID tokens out of a spread or JSON of a stored token', async () => {
    const userId = await newUser();
    const set = tokenSet();
    await store.saveTokenSet(userId, 'toolkit', set, NOW);
    const stored = (await store.findToken(userId, 'toolkit'))!;
    expect(stored.refreshToken).toBe(set.refreshToken);
    const json = JSON.stringify(stored);
    expect(json).not.toContain(set.refreshToken!);
    expect(json).not.toContain(set.idToken!);
    expect(Object.keys({ ...stored })).not.toContain('refreshToken');
  });

  it('stores no plaintext token value in the row', async () => {
    const userId = await newUser();
    const set = tokenSet();
    await store.saveTokenSet(userId, 'toolkit', set, NOW);
    const row = await database.db.selectFrom('tokens').selectAll().where('user_id', '=', userId).executeTakeFirstOrThrow();
    const raw = JSON.stringify(row);
    for (const secret of [set.accessToken, set.refreshToken!, set.idToken!, 'plaintext']) expect(raw).not.toContain(secret);
    for (const column of [row.access_token, row.refresh_token, row.id_token]) expect(column).toMatch(/^v1\.[0-9a-f]{8}\./);
  });

  it('keeps one row per (user, provider) under 20 concurrent saves', async () => {
    const userId = await newUser();
    const sets = Array.from({ length: 20 }, (_, i) => tokenSet({ accessToken: `AT-${i}` }));
    // Spread over separate Database objects too, as separate processes would be.
    const others = await Promise.all(Array.from({ length: 3 }, () => openDatabase(database.url)));
    const stores = [store, ...others.map((o) => new SqlTokenStore(o.db, cipher))];
    try {
      await Promise.all(sets.map((set, i) => stores[i % stores.length]!.saveTokenSet(userId, 'toolkit', set, NOW + i)));
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
    const rows = await database.db.selectFrom('tokens').select('id').where('user_id', '=', userId).execute();
    expect(rows).toHaveLength(1);
    const stored = await store.findToken(userId, 'toolkit');
    expect(sets.map((s) => s.accessToken)).toContain(stored?.accessToken);
  });

  it('a new sign-in replaces every value, reactivates, and keeps id and createdAt', async () => {
    const userId = await newUser();
    const first = await store.saveTokenSet(userId, 'toolkit', tokenSet(), NOW);
    await store.markNeedsReauth(userId, 'toolkit', 'invalid_grant', NOW + 10);
    expect(await store.findTokenSummary(userId, 'toolkit')).toMatchObject({ status: 'needs_reauth', lastError: 'invalid_grant' });

    const replacement = tokenSet({ accessToken: 'AT-new', refreshToken: null, refreshTokenExpiresAt: null, idToken: null, scope: null, expiresAt: null });
    const second = await store.saveTokenSet(userId, 'toolkit', replacement, NOW + 20);
    expect(second).toMatchObject({ ...replacement, id: first.id, createdAt: NOW, updatedAt: NOW + 20, status: 'active', lastError: null });
    expect(allFields(await store.findToken(userId, 'toolkit'))).toEqual(allFields(second));
  });

  it('a new sign-in without a refresh token keeps the live one stored (providers send one only on first consent)', async () => {
    const userId = await newUser();
    await store.saveTokenSet(userId, 'toolkit', tokenSet({ refreshToken: 'RT-first', refreshTokenExpiresAt: NOW + 1000 }), NOW);
    const second = await store.saveTokenSet(userId, 'toolkit', tokenSet({ accessToken: 'AT-second', refreshToken: null, refreshTokenExpiresAt: null }), NOW + 20);
    expect(second.refreshToken).toBe('RT-first');
    expect(second.refreshTokenExpiresAt).toBe(NOW + 1000);
    expect(second.accessToken).toBe('AT-second');
    expect(allFields(await store.findToken(userId, 'toolkit'))).toEqual(allFields(second));
    expect(await store.hasLiveRefreshToken(userId, 'toolkit')).toBe(true);
    await store.markNeedsReauth(userId, 'toolkit', 'invalid_grant', NOW + 30);
    expect(await store.hasLiveRefreshToken(userId, 'toolkit')).toBe(false);
    // A refused refresh token is not kept, nor its expiry.
    const third = await store.saveTokenSet(userId, 'toolkit', tokenSet({ accessToken: 'AT-third', refreshToken: null, refreshTokenExpiresAt: null }), NOW + 40);
    expect(third).toMatchObject({ refreshToken: null, refreshTokenExpiresAt: null, refreshTokenUsedAt: null });
    expect(allFields(await store.findToken(userId, 'toolkit'))).toEqual(allFields(third));
  });

  it("a sign-in without a refresh token is no use of the one kept: the refresh token's issue and last use stay, also on a row stored before they were kept", async () => {
    const userId = await newUser();
    const times = () => database.db.selectFrom('tokens').select(['refresh_token_issued_at', 'refresh_token_used_at']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    await store.saveTokenSet(userId, 'toolkit', tokenSet({ issuedAt: NOW }), NOW);
    const again = await store.saveTokenSet(userId, 'toolkit', tokenSet({ accessToken: 'AT-again', refreshToken: null, issuedAt: NOW + 20 }), NOW + 20);
    expect(again).toMatchObject({ issuedAt: NOW + 20, refreshTokenUsedAt: NOW });
    expect(await times()).toEqual({ refresh_token_issued_at: NOW, refresh_token_used_at: NOW });

    // As a version that did not keep them leaves a row: the access token's issue stands in, and a sign-in keeps the time it stood for.
    await database.db.updateTable('tokens').set({ refresh_token_issued_at: null, refresh_token_used_at: null }).where('user_id', '=', userId).execute();
    await store.saveTokenSet(userId, 'toolkit', tokenSet({ accessToken: 'AT-third', refreshToken: null, issuedAt: NOW + 40 }), NOW + 40);
    expect(await times()).toEqual({ refresh_token_issued_at: NOW + 20, refresh_token_used_at: NOW + 20 });
    // A refresh uses the refresh token; one that keeps it keeps its issue.
    const lease = await store.acquireRefreshLease(userId, 'toolkit', NOW + 60, 30);
    const refreshed = await store.saveRefreshedTokenSet(userId, 'toolkit', lease!, tokenSet({ accessToken: 'AT-refreshed', refreshToken: null, issuedAt: NOW + 60 }), NOW + 60);
    expect(refreshed).toMatchObject({ issuedAt: NOW + 60, refreshTokenUsedAt: NOW + 60 });
    expect(await times()).toEqual({ refresh_token_issued_at: NOW + 20, refresh_token_used_at: NOW + 60 });
    // A new one, from a refresh or a sign-in, starts both again.
    const next = await store.acquireRefreshLease(userId, 'toolkit', NOW + 80, 30);
    await store.saveRefreshedTokenSet(userId, 'toolkit', next!, tokenSet({ refreshToken: 'RT-rotated', issuedAt: NOW + 80 }), NOW + 80);
    expect(await times()).toEqual({ refresh_token_issued_at: NOW + 80, refresh_token_used_at: NOW + 80 });
    await store.saveTokenSet(userId, 'toolkit', tokenSet({ refreshToken: 'RT-signed-in', issuedAt: NOW + 100 }), NOW + 100);
    expect(await times()).toEqual({ refresh_token_issued_at: NOW + 100, refresh_token_used_at: NOW + 100 });
  });

  it('keeps the redirect URI of the grant through its refreshes, and takes a new sign-in’s', async () => {
    const userId = await newUser();
    await store.saveTokenSet(userId, 'toolkit', tokenSet({ redirectUri: 'https://app.test/auth/toolkit/callback' }), NOW);
    const lease = await store.acquireRefreshLease(userId, 'toolkit', NOW + 60, 30);
    const refreshed = await store.saveRefreshedTokenSet(userId, 'toolkit', lease!, tokenSet({ accessToken: 'AT-refreshed', refreshToken: 'RT-rotated', redirectUri: null }), NOW + 60);
    expect(refreshed?.redirectUri).toBe('https://app.test/auth/toolkit/callback');
    expect((await store.findToken(userId, 'toolkit'))?.redirectUri).toBe('https://app.test/auth/toolkit/callback');
    await store.saveTokenSet(userId, 'toolkit', tokenSet({ redirectUri: 'https://new.app.test/auth/toolkit/callback' }), NOW + 100);
    expect((await store.findToken(userId, 'toolkit'))?.redirectUri).toBe('https://new.app.test/auth/toolkit/callback');
  });

  it('keeps the callback parameters of the grant through its refreshes, takes a new sign-in’s, and reads a value that is not an object of strings as none', async () => {
    const userId = await newUser();
    await store.saveTokenSet(userId, 'toolkit', tokenSet({ callbackParameters: { device_id: 'dev-1' } }), NOW);
    expect((await store.findToken(userId, 'toolkit'))?.callbackParameters).toEqual({ device_id: 'dev-1' });
    const lease = await store.acquireRefreshLease(userId, 'toolkit', NOW + 60, 30);
    const refreshed = await store.saveRefreshedTokenSet(userId, 'toolkit', lease!, tokenSet({ accessToken: 'AT-refreshed', refreshToken: 'RT-rotated', callbackParameters: null }), NOW + 60);
    expect(refreshed?.callbackParameters).toEqual({ device_id: 'dev-1' });
    await store.saveTokenSet(userId, 'toolkit', tokenSet({ callbackParameters: { device_id: 'dev-2' } }), NOW + 100);
    expect((await store.findToken(userId, 'toolkit'))?.callbackParameters).toEqual({ device_id: 'dev-2' });
    await store.saveTokenSet(userId, 'toolkit', tokenSet({ callbackParameters: {} }), NOW + 200);
    expect((await database.db.selectFrom('tokens').select('callback_parameters').where('user_id', '=', userId).executeTakeFirstOrThrow()).callback_parameters).toBeNull();
    for (const value of ['not json', '[1]', '{"device_id":7}', 'null']) {
      await database.db.updateTable('tokens').set({ callback_parameters: value }).where('user_id', '=', userId).execute();
      expect((await new SqlTokenStore(database.db, cipher).findToken(userId, 'toolkit'))?.callbackParameters, value).toBeNull();
    }
  });

  it('saves inside the caller’s transaction and rolls back with it', async () => {
    const userId = await newUser();
    await expect(
      database.db.transaction().execute(async (trx) => {
        await store.saveTokenSet(userId, 'toolkit', tokenSet(), NOW, trx);
        expect(await store.findToken(userId, 'toolkit', trx)).toBeDefined();
        throw new Error('sign-in failed later');
      }),
    ).rejects.toThrow('sign-in failed later');
    expect(await store.findToken(userId, 'toolkit')).toBeUndefined();
  });

  it('refuses a value copied into another row or column', async () => {
    const victim = await newUser();
    const attacker = await newUser();
    await store.saveTokenSet(victim, 'toolkit', tokenSet({ accessToken: 'victim-AT' }), NOW);
    await store.saveTokenSet(attacker, 'toolkit', tokenSet({ accessToken: 'attacker-AT' }), NOW);
    const victimRow = await database.db.selectFrom('tokens').selectAll().where('user_id', '=', victim).executeTakeFirstOrThrow();

    await database.db.updateTable('tokens').set({ access_token: victimRow.access_token }).where('user_id', '=', attacker).execute();
    await expect(store.findToken(attacker, 'toolkit')).rejects.toThrow(TokenDecryptionError);

    await database.db.updateTable('tokens').set({ access_token: victimRow.refresh_token! }).where('user_id', '=', victim).execute();
    const error = await store.findToken(victim, 'toolkit').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenDecryptionError);
    expect((error as TokenDecryptionError).code).toBe('AUTHENTICATION_FAILED');
  });

  it('summaries never decrypt and carry no token values', async () => {
    const userId = await newUser();
    await store.saveTokenSet(userId, 'toolkit', tokenSet(), NOW);
    await store.saveTokenSet(userId, 'github', tokenSet({ refreshToken: null, idToken: null }), NOW);
    // A store whose key can decrypt nothing still lists summaries.
    const blind = new SqlTokenStore(database.db, new TokenCipher(parseEncryptionKeys(generateEncryptionKey())));
    await expect(blind.findToken(userId, 'toolkit')).rejects.toMatchObject({ code: 'UNKNOWN_KEY' });

    const summaries = await blind.listTokenSummariesForUser(userId);
    expect(summaries.map((s) => [s.provider, s.hasRefreshToken, s.hasIdToken])).toEqual([
      ['github', false, false],
      ['toolkit', true, true],
    ]);
    const summary = await blind.findTokenSummary(userId, 'toolkit');
    expect(summary).toMatchObject({ userId, provider: 'toolkit', tokenType: 'Bearer', expiresAt: NOW + 3600 });
    expect(await blind.findTokenSummaryById(summary!.id)).toEqual(summary);
    for (const key of ['accessToken', 'refreshToken', 'idToken']) expect(summary).not.toHaveProperty(key);
    expect(JSON.stringify(summaries)).not.toMatch(/plaintext|v1\./);
  });

  it('lists summaries by status, provider and expiry', async () => {
    const userId = await newUser();
    await store.saveTokenSet(userId, 'listing-a', tokenSet({ expiresAt: NOW + 60 }), NOW);
    await store.saveTokenSet(userId, 'listing-b', tokenSet({ expiresAt: null }), NOW);
    await store.markNeedsReauth(userId, 'listing-b', 'invalid_grant', NOW);
    const byProvider = await store.listTokenSummaries({ limit: 10, provider: 'listing-a', expiringBefore: NOW + 60 });
    expect(byProvider.map((s) => s.userId)).toEqual([userId]);
    const needsReauth = await store.listTokenSummaries({ limit: 100, status: 'needs_reauth' });
    expect(needsReauth.map((s) => s.provider)).toContain('listing-b');
    expect(needsReauth.every((s) => s.status === 'needs_reauth')).toBe(true);
  });

  it('deletes a token set', async () => {
    const userId = await newUser();
    await store.saveTokenSet(userId, 'toolkit', tokenSet(), NOW);
    expect(await store.deleteToken(userId, 'toolkit')).toBe(true);
    expect(await store.deleteToken(userId, 'toolkit')).toBe(false);
    expect(await store.findToken(userId, 'toolkit')).toBeUndefined();
  });

  describe('refresh lease', () => {
    it('is granted to exactly one of 20 concurrent callers until released or expired', async () => {
      const userId = await newUser();
      await store.saveTokenSet(userId, 'toolkit', tokenSet(), NOW);
      const leases = await Promise.all(Array.from({ length: 20 }, () => store.acquireRefreshLease(userId, 'toolkit', NOW, 30)));
      const granted = leases.filter((l) => l !== undefined);
      expect(granted).toHaveLength(1);
      expect(await store.acquireRefreshLease(userId, 'toolkit', NOW + 29, 30)).toBeUndefined();
      // A crashed refresher's lease can be taken over once it expires.
      const takeover = await store.acquireRefreshLease(userId, 'toolkit', NOW + 30, 30);
      expect(takeover).toBeDefined();
      await store.releaseRefreshLease(userId, 'toolkit', granted[0]!); // stale holder: no effect
      expect(await store.acquireRefreshLease(userId, 'toolkit', NOW + 31, 30)).toBeUndefined();
      await store.releaseRefreshLease(userId, 'toolkit', takeover!);
      expect(await store.acquireRefreshLease(userId, 'toolkit', NOW + 31, 30)).toBeDefined();
      expect(await store.acquireRefreshLease(userId, 'missing-provider', NOW, 30)).toBeUndefined();
    });

    it('saves a refresh, keeping the stored refresh and ID tokens when none came back', async () => {
      const userId = await newUser();
      const original = tokenSet();
      await store.saveTokenSet(userId, 'toolkit', original, NOW);
      const lease = await store.acquireRefreshLease(userId, 'toolkit', NOW + 100, 30);
      const refreshed = await store.saveRefreshedTokenSet(
        userId,
        'toolkit',
        lease!,
        tokenSet({ accessToken: 'AT-refreshed', refreshToken: null, idToken: null, expiresAt: NOW + 3700, refreshTokenExpiresAt: null }),
        NOW + 100,
      );
      expect(refreshed).toMatchObject({
        accessToken: 'AT-refreshed',
        refreshToken: original.refreshToken,
        refreshTokenExpiresAt: original.refreshTokenExpiresAt,
        idToken: original.idToken,
        expiresAt: NOW + 3700,
        lastRefreshedAt: NOW + 100,
        updatedAt: NOW + 100,
        refreshTokenUsedAt: NOW,
      });
      expect(await store.findToken(userId, 'toolkit')).toEqual(refreshed);
      // The lease was released by the save.
      expect(await store.acquireRefreshLease(userId, 'toolkit', NOW + 101, 30)).toBeDefined();
    });

    it('saves a rotated refresh token', async () => {
      const userId = await newUser();
      await store.saveTokenSet(userId, 'toolkit', tokenSet(), NOW);
      const lease = await store.acquireRefreshLease(userId, 'toolkit', NOW, 30);
      await store.saveRefreshedTokenSet(userId, 'toolkit', lease!, tokenSet({ refreshToken: 'RT-rotated', refreshTokenExpiresAt: NOW + 200 * 86_400 }), NOW);
      expect(await store.findToken(userId, 'toolkit')).toMatchObject({ refreshToken: 'RT-rotated', refreshTokenExpiresAt: NOW + 200 * 86_400 });
      // A new refresh token without an expiry said has none: the old one's is not carried over to it.
      const next = await store.acquireRefreshLease(userId, 'toolkit', NOW, 30);
      await store.saveRefreshedTokenSet(userId, 'toolkit', next!, tokenSet({ refreshToken: 'RT-rotated-again', refreshTokenExpiresAt: null }), NOW);
      expect(await store.findToken(userId, 'toolkit')).toMatchObject({ refreshToken: 'RT-rotated-again', refreshTokenExpiresAt: null });
    });

    it('saves nothing for a lost lease (a sign-in replaced the tokens meanwhile)', async () => {
      const userId = await newUser();
      await store.saveTokenSet(userId, 'toolkit', tokenSet(), NOW);
      const lease = await store.acquireRefreshLease(userId, 'toolkit', NOW, 30);
      await store.saveTokenSet(userId, 'toolkit', tokenSet({ accessToken: 'AT-from-sign-in' }), NOW + 1);
      expect(await store.saveRefreshedTokenSet(userId, 'toolkit', lease!, tokenSet({ accessToken: 'AT-stale' }), NOW + 2)).toBeUndefined();
      expect(await store.recordRefreshFailure(userId, 'toolkit', lease!, { error: 'x', needsReauth: true }, NOW + 2)).toBe(false);
      expect(await store.findToken(userId, 'toolkit')).toMatchObject({ accessToken: 'AT-from-sign-in', status: 'active' });
    });

    it('records invalid_grant as needs_reauth, keeping the old tokens', async () => {
      const userId = await newUser();
      const original = tokenSet();
      await store.saveTokenSet(userId, 'toolkit', original, NOW);
      const lease = await store.acquireRefreshLease(userId, 'toolkit', NOW, 30);
      expect(await store.recordRefreshFailure(userId, 'toolkit', lease!, { error: 'invalid_grant', needsReauth: true }, NOW + 5)).toBe(true);
      expect(await store.findToken(userId, 'toolkit')).toMatchObject({
        ...original,
        status: 'needs_reauth',
        lastError: 'invalid_grant',
        updatedAt: NOW + 5,
      });
    });

    it('records a temporary failure without changing the status', async () => {
      const userId = await newUser();
      await store.saveTokenSet(userId, 'toolkit', tokenSet(), NOW);
      const lease = await store.acquireRefreshLease(userId, 'toolkit', NOW, 30);
      await store.recordRefreshFailure(userId, 'toolkit', lease!, { error: 'provider answered 503', needsReauth: false }, NOW + 5);
      expect(await store.findTokenSummary(userId, 'toolkit')).toMatchObject({ status: 'active', lastError: 'provider answered 503' });
      expect(await store.acquireRefreshLease(userId, 'toolkit', NOW + 6, 30)).toBeDefined();
    });
  });

  // Last: the rotation re-encrypts every row of this database under a key the other tests' store does not have.
  it("keeps the DPoP key encrypted and bound to its row, through refreshes; a sign-in replaces it, a bearer one drops it; a key rotation re-encrypts it, and a pending sign-in's", async () => {
    const userId = await newUser();
    const dpopKey = '{"kty":"EC","crv":"P-256","x":"x-1","y":"y-1","d":"private-d-1","alg":"ES256"}';
    await store.saveTokenSet(userId, 'toolkit', tokenSet({ tokenType: 'DPoP', dpopKey }), NOW);
    const column = async () => (await database.db.selectFrom('tokens').select('dpop_key').where('user_id', '=', userId).executeTakeFirstOrThrow()).dpop_key;
    expect(await column()).not.toContain('private-d-1');
    expect(cipher.decrypt((await column())!, tokenAssociatedData(userId, 'toolkit', 'dpop_key'))).toBe(dpopKey);
    expect((await new SqlTokenStore(database.db, cipher).findToken(userId, 'toolkit'))?.dpopKey).toBe(dpopKey);
    const lease = await store.acquireRefreshLease(userId, 'toolkit', NOW + 60, 30);
    const refreshed = await store.saveRefreshedTokenSet(userId, 'toolkit', lease!, tokenSet({ tokenType: 'DPoP', accessToken: 'AT-refreshed', refreshToken: 'RT-rotated' }), NOW + 60);
    expect(refreshed?.dpopKey).toBe(dpopKey);

    // A sign-in in progress holds the key it was started with, encrypted too.
    await createSession(database.db, { id: 'dpop-browser', userId: null, csrfToken: 'c', data: {}, now: NOW, absoluteExpiresAt: NOW + 86_400 });
    const pending = { state: 'dpop-state', sessionId: 'dpop-browser', provider: 'toolkit', issuer: 'https://idp.example', clientId: 'client-1', redirectUri: 'http://localhost:3000/auth/toolkit/callback', nonce: null, nextPath: '/', linkUserId: null, createdAt: NOW, expiresAt: NOW + 600 };
    await createLoginTransaction(database.db, {
      ...pending,
      codeVerifier: cipher.encrypt('verifier', loginTransactionAssociatedData('dpop-state')),
      dpopKey: cipher.encrypt(dpopKey, loginTransactionAssociatedData('dpop-state', 'dpop_key')),
    });

    const rotated = new TokenCipher(parseEncryptionKeys([generateEncryptionKey(), key].join(',')));
    await rotateEncryptionKeys(database.db, rotated, { now: NOW + 70 });
    const reencrypted = (await column())!;
    expect(rotated.needsReencryption(reencrypted)).toBe(false);
    expect(rotated.decrypt(reencrypted, tokenAssociatedData(userId, 'toolkit', 'dpop_key'))).toBe(dpopKey);
    const signIn = await database.db.selectFrom('login_transactions').select(['code_verifier', 'dpop_key']).where('state', '=', 'dpop-state').executeTakeFirstOrThrow();
    expect(rotated.needsReencryption(signIn.dpop_key!)).toBe(false);
    expect(rotated.decrypt(signIn.dpop_key!, loginTransactionAssociatedData('dpop-state', 'dpop_key'))).toBe(dpopKey);
    expect(rotated.decrypt(signIn.code_verifier, loginTransactionAssociatedData('dpop-state'))).toBe('verifier');

    const next = dpopKey.replace('private-d-1', 'private-d-2');
    await store.saveTokenSet(userId, 'toolkit', tokenSet({ tokenType: 'DPoP', dpopKey: next }), NOW + 100);
    expect((await new SqlTokenStore(database.db, rotated).findToken(userId, 'toolkit'))?.dpopKey).toBe(next);
    await store.saveTokenSet(userId, 'toolkit', tokenSet(), NOW + 200);
    expect(await column()).toBeNull();
    expect((await store.findToken(userId, 'toolkit'))?.dpopKey).toBeNull();
  });
});

describeEachDialect("the keep-alive's listing of refresh tokens ending soon", (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    const store = new SqlTokenStore(database.db, new TokenCipher(parseEncryptionKeys(generateEncryptionKey())));
    // 300 connections issued over the last 300 seconds, none near its end: what PostgreSQL's statistics see.
    for (let index = 0; index < 300; index += 1) {
      const userId = (await createUser(database.db, { username: `ending-${index}`, dateJoined: NOW })).id;
      await store.saveTokenSet(userId, 'okta', tokenSet({ issuedAt: NOW - index, refreshTokenExpiresAt: null }), NOW);
    }
    if (dialect.name === 'postgres') await sql`analyze tokens`.execute(database.db);
  });
  afterAll(() => database?.close());

  const plan = (idleSeconds: number | null) =>
    queryPlan(database.db, dialect.name, refreshTokensEndingQuery(database.db, { provider: 'okta', idleSeconds, windowSeconds: 7 * 86_400, maxWindowSeconds: 7 * 86_400, now: NOW, limit: 100, after: { endsAt: NOW, id: '0' } }).compile());

  it('takes the options it took before maxWindowSeconds (a job of its own over tokenkeeper/db): windowSeconds is then the longest window before a stated end too', async () => {
    const store = new SqlTokenStore(database.db, new TokenCipher(parseEncryptionKeys(generateEncryptionKey())));
    const userId = (await createUser(database.db, { username: 'stated-end', dateJoined: NOW })).id;
    // Issued 100 days ago, ending in 2 days: within the last 7 days of its lifetime.
    await store.saveTokenSet(userId, 'linkedin', tokenSet({ issuedAt: NOW - 100 * 86_400, refreshTokenExpiresAt: NOW + 2 * 86_400 }), NOW - 100 * 86_400);
    const options: Omit<RefreshTokenEndsOptions, 'maxWindowSeconds'> = { provider: 'linkedin', idleSeconds: null, windowSeconds: 7 * 86_400, now: NOW, limit: 10 };
    expect(await store.listRefreshTokensEnding(options)).toMatchObject([{ userId, endsAt: NOW + 2 * 86_400, windowOpensAt: NOW - 5 * 86_400 }]);
  });

  it("looks up the rows whose last use or stated end is within the window, instead of reading every active row of the provider's", async () => {
    const withIdle = (await plan(90 * 86_400)).join('\n');
    const statedOnly = (await plan(null)).join('\n');
    if (dialect.name === 'sqlite') {
      expect(withIdle).toContain('SEARCH tokens USING INDEX tokens_provider_refresh_used_idx (provider=? AND <expr>>? AND <expr><?)');
      expect(withIdle).toContain('SEARCH tokens USING INDEX tokens_provider_refresh_end_idx (provider=? AND refresh_token_expires_at>? AND refresh_token_expires_at<?)');
      expect(statedOnly).toContain('SEARCH tokens USING INDEX tokens_provider_refresh_end_idx (provider=? AND refresh_token_expires_at>? AND refresh_token_expires_at<?)');
      expect(`${withIdle}\n${statedOnly}`).not.toMatch(/SCAN tokens\b|tokens_provider_status_idx|tokens_status_idx/);
    } else {
      expect(withIdle).toMatch(/Index Scan on tokens_provider_refresh_used_idx[^\n]*\n\s*Index Cond: \(\(provider = 'okta'::text\) AND \(COALESCE\(refresh_token_used_at, issued_at, updated_at\) > /);
      expect(withIdle).toMatch(/Index Scan on tokens_provider_refresh_end_idx[^\n]*\n\s*Index Cond: \(\(provider = 'okta'::text\) AND \(refresh_token_expires_at > /);
      expect(statedOnly).toMatch(/Index Scan using tokens_provider_refresh_end_idx on tokens[^\n]*\n\s*Index Cond: \(\(provider = 'okta'::text\) AND \(refresh_token_expires_at > /);
      expect(`${withIdle}\n${statedOnly}`).not.toMatch(/Seq Scan|tokens_provider_status_idx|tokens_status_idx/);
    }
  });
});
