import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { findUserTokenContext } from './service-users.repository.js';
import { generateEncryptionKey, parseEncryptionKeys, TokenCipher } from './token-cipher.js';
import { SqlTokenStore } from './token-store.js';
import { createUser } from './user.repository.js';

const NOW = 1_800_000_000;

describeEachDialect('findUserTokenContext', (dialect) => {
  let database: TestDatabase;
  let store: SqlTokenStore;

  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    store = new SqlTokenStore(database.db, new TokenCipher(parseEncryptionKeys(generateEncryptionKey())));
  });
  afterAll(() => database.close());

  it('reads the whole token row, so a token the service API hands out or proxies with is refreshed and proven as any other', async () => {
    const { id: userId } = await createUser(database.db, { username: 'svc-1', dateJoined: NOW });
    await store.saveTokenSet(
      userId,
      'toolkit',
      {
        accessToken: 'AT',
        refreshToken: 'RT',
        idToken: null,
        tokenType: 'DPoP',
        scope: 'read',
        expiresAt: NOW + 3600,
        issuedAt: NOW,
        apiBaseUrl: 'https://api.acme.test',
        authorizationServerUrl: 'https://eu.acme.test',
        redirectUri: 'https://app.test/auth/toolkit/callback',
        callbackParameters: { device_id: 'dev-1' },
        dpopKey: '{"kty":"EC"}',
        refreshTokenExpiresAt: NOW + 86_400,
      },
      NOW,
    );
    const whole = await database.db.selectFrom('tokens').selectAll().where('user_id', '=', userId).executeTakeFirstOrThrow();
    const context = await findUserTokenContext(database.db, userId, 'toolkit');
    expect(context).toEqual({ isActive: true, token: whole });
    const token = store.fromRow(context!.token!);
    expect(token).toMatchObject({ authorizationServerUrl: 'https://eu.acme.test', redirectUri: 'https://app.test/auth/toolkit/callback', callbackParameters: { device_id: 'dev-1' } });
    expect(token.dpopKey).toBe('{"kty":"EC"}');
    expect(await findUserTokenContext(database.db, userId, 'other')).toEqual({ isActive: true, token: null });
  });
});
