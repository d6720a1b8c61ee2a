import type { Kysely } from 'kysely';

// Frozen in time (2026-12-05): the admin site's audit lists walk an index in
// id order (ids are time-ordered: newest first) instead of sorting every
// matching entry. At 3 million entries on SQLite, the list filtered by an
// event held by 430,000 of them took a second, and a user's page, which shows
// the entries about or by that user, read the whole log (1.5 s).
// - `audit_log_event_idx` becomes (event, id): one event's entries, newest first.
// - (target_id, id) replaces (target_type, target_id), which no query used:
//   entries about a user (or another object), newest first.
// - (actor_user_id, id), partial: entries by a user. Most entries have no
//   actor (a token handed to a service, a refresh), and they do not pay for it.
// Each entry written still updates two secondary indexes, or three with an actor.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_event_idx').execute();
  await db.schema.createIndex('audit_log_event_idx').on('audit_log').columns(['event', 'id']).execute();
  await db.schema.dropIndex('audit_log_target_idx').execute();
  await db.schema.createIndex('audit_log_target_id_idx').on('audit_log').columns(['target_id', 'id']).execute();
  await db.schema
    .createIndex('audit_log_actor_idx')
    .on('audit_log')
    .columns(['actor_user_id', 'id'])
    .where('actor_user_id', 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_actor_idx').execute();
  await db.schema.dropIndex('audit_log_target_id_idx').execute();
  await db.schema.createIndex('audit_log_target_idx').on('audit_log').columns(['target_type', 'target_id']).execute();
  await db.schema.dropIndex('audit_log_event_idx').execute();
  await db.schema.createIndex('audit_log_event_idx').on('audit_log').column('event').execute();
}
