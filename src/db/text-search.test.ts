import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, describeEachDialect, type TestDatabase, type TestDialect } from '../../test/support/postgres.js';
import { insertServiceKey, listServiceKeysForAdmin } from './service-key.repository.js';
import { insertWebhookMessage, listWebhookDeliveriesForAdmin } from './webhook-delivery.repository.js';

const NOW = 1_790_000_000;
/** Names a collation that ignores punctuation or case at its first level would put beside `crm.`. */
const NAMES = ['crm.sync', 'crm.backfill', 'crm_legacy', 'crmx', 'CRM.audit', 'crm-a', 'billing'];
const EVENTS = ['connection.created', 'connection.revoked', 'connections.bulk', 'connection_x', 'user.deleted'];

/** The admin searches of service keys and webhook deliveries: the names that begin with the search, character for character. */
function searchesBeginWith(open: () => Promise<TestDatabase>) {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await open();
    for (const [index, name] of NAMES.entries()) {
      await insertServiceKey(database.db, { id: `key${index}`, name, secretHash: `${index}`.padStart(64, '0'), permissions: ['proxy'], providers: null, now: NOW });
    }
    for (const [index, eventType] of EVENTS.entries()) {
      await insertWebhookMessage(database.db, { messageId: `msg_${index}`, eventType, payload: '{}', urls: ['https://hooks.example/in'], now: NOW + index });
    }
  });
  afterAll(() => database?.close());

  const keys = async (search: string) => (await listServiceKeysForAdmin(database, { search, offset: 0, limit: 50 })).rows.map((row) => row.name).sort();
  const deliveries = async (search: string) =>
    (await listWebhookDeliveriesForAdmin(database, { search, direction: 'asc', offset: 0, limit: 50 })).rows.map((row) => row.eventType).sort();

  it('service keys', async () => {
    expect(await keys('crm.')).toEqual(['crm.backfill', 'crm.sync']);
    expect(await keys('crm_')).toEqual(['crm_legacy']);
    expect(await keys('CRM')).toEqual(['CRM.audit']);
    expect(await keys('crm')).toEqual(['crm-a', 'crm.backfill', 'crm.sync', 'crm_legacy', 'crmx']);
  });

  it('webhook deliveries, by event type or message id', async () => {
    expect(await deliveries('connection.')).toEqual(['connection.created', 'connection.revoked']);
    expect(await deliveries('connection_')).toEqual(['connection_x']);
    expect(await deliveries('msg_4')).toEqual(['user.deleted']);
  });
}

describeEachDialect('admin prefix searches', (dialect: TestDialect) => {
  searchesBeginWith(() => dialect.openTestDatabase());
});

const postgres = DIALECTS.find((dialect) => dialect.name === 'postgres')!;
describe.skipIf(!postgres.available)('admin prefix searches under a collation that ignores punctuation [postgres]', () => {
  searchesBeginWith(() => postgres.openTestDatabase({ icuLocale: 'und-u-ka-shifted' }));
});
