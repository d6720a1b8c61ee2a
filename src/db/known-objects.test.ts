import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { insertServiceKey } from './service-key.repository.js';
import { TokenCipher, generateEncryptionKey, parseEncryptionKeys } from './token-cipher.js';
import { SqlTokenStore } from './token-store.js';
import { createUser } from './user.repository.js';
import { insertWebhookMessage } from './webhook-delivery.repository.js';
import { findKnownObjects } from './known-objects.js';

const NOW = 1_790_000_000;

/** Calls `onQuery` once per statement run (transformQuery would also see each part of a UNION). */
const counting = (onQuery: () => void): KyselyPlugin => ({
  transformQuery: (args) => args.node,
  transformResult: async (args) => {
    onQuery();
    return args.result;
  },
});

describeEachDialect('findKnownObjects', (dialect) => {
  let database: TestDatabase;
  const users: string[] = [];
  let tokenId: string;
  let deliveryId: string;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    for (let n = 0; n < 60; n += 1) users.push((await createUser(database.db, { username: `user-${n}`, dateJoined: NOW })).id);
    const store = new SqlTokenStore(database.db, new TokenCipher(parseEncryptionKeys(generateEncryptionKey())));
    tokenId = (await store.saveTokenSet(users[0]!, 'github', { accessToken: 'a', refreshToken: null, idToken: null, tokenType: 'Bearer', scope: null, expiresAt: null }, NOW)).id;
    await insertServiceKey(database.db, { id: 'key-1', name: 'crm', secretHash: 'x', permissions: ['proxy'], providers: null, now: NOW });
    await insertWebhookMessage(database.db, { messageId: 'msg_1', eventType: 'user.deleted', payload: '{}', urls: ['https://example.test/hook'], now: NOW });
    deliveryId = (await database.db.selectFrom('webhook_deliveries').select('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(() => database.close());

  it('names a page of users, tokens, keys and deliveries in one query, and leaves out those that do not exist', async () => {
    let queries = 0;
    const known = await findKnownObjects(database.db.withPlugin(counting(() => (queries += 1))), {
      user: [...users, 'no-such-user', users[0]!],
      token: [tokenId, 'no-such-token'],
      service_key: ['key-1', 'no-such-key'],
      webhook_delivery: [deliveryId, 'no-such-delivery'],
    });
    expect(queries).toBe(1);
    expect(users.map((id) => known.nameOf('user', id))).toEqual(users.map((_, n) => `user-${n}`));
    expect(known.nameOf('token', tokenId)).toBe('github');
    expect(known.nameOf('service_key', 'key-1')).toBe('crm');
    expect(known.nameOf('webhook_delivery', deliveryId)).toBe('user.deleted');
    for (const kind of ['user', 'token', 'service_key', 'webhook_delivery'] as const) expect(known.nameOf(kind, `no-such-${kind.replace('_', '-')}`)).toBeUndefined();
    // An id of one kind is not found as another.
    expect(known.nameOf('token', users[1]!)).toBeUndefined();
  });

  it('asks nothing when there is nothing to name', async () => {
    let queries = 0;
    await findKnownObjects(database.db.withPlugin(counting(() => (queries += 1))), { user: [], token: [], service_key: [], webhook_delivery: [] });
    expect(queries).toBe(0);
  });
});
