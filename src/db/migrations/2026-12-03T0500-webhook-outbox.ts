import { type Kysely, sql } from 'kysely';

// Frozen in time (2026-12-03): the outbox of webhooks (Standard Webhooks,
// https://www.standardwebhooks.com/). One row per message and receiver URL
// (WEBHOOK_URLS): its own status, attempts and next attempt, so a receiver
// that is down delays only its own copies. message_id is the `webhook-id`
// header, the same for every URL and every retry of one event (receivers
// use it to drop duplicates); payload is the exact body sent, built once.
//
// A lease (lease_id, lease_expires_at), as on the token rows' refresh, makes
// one server at a time the sender of a row; an expired lease (a crashed
// server) is taken over. Only types both dialects accept, timestamps in
// epoch seconds.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('message_id', 'text', (col) => col.notNull())
    .addColumn('event_type', 'text', (col) => col.notNull())
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('payload', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (col) => col.notNull())
    .addColumn('last_attempt_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('lease_id', 'text')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addCheckConstraint('webhook_deliveries_status_check', sql`status in ('pending', 'delivered', 'failed')`)
    .execute();
  // The senders' question: which pending rows are due.
  await db.schema.createIndex('webhook_deliveries_due_idx').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  // The admin list, newest first.
  await db.schema.createIndex('webhook_deliveries_created_at_idx').on('webhook_deliveries').column('created_at').execute();
  await db.schema.createIndex('webhook_deliveries_message_id_idx').on('webhook_deliveries').column('message_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
}
