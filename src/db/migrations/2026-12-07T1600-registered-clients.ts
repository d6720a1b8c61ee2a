import type { Kysely } from 'kysely';

// Frozen in time (2026-12-07): the clients the app registers for itself at
// each server people name, for a provider whose every server is its own
// authorization server (Mastodon's instances: each knows only the apps
// registered there, through its app registration endpoint). One per
// (provider, server), `server` being the server's issuer identifier: the
// unique constraint lets the one statement that keeps a client (INSERT … ON
// CONFLICT DO NOTHING) keep the first of two processes registering at once,
// so every process uses the same client there. The client secret is
// ciphertext, as tokens are; null for a client registered without one. The
// callback and the scopes it was registered with: a server refuses a sign-in
// for others, so the app registers again when its own change.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('registered_clients')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('provider', 'text', (col) => col.notNull())
    .addColumn('server', 'text', (col) => col.notNull())
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('client_secret', 'text')
    .addColumn('redirect_uri', 'text', (col) => col.notNull())
    .addColumn('scope', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addUniqueConstraint('registered_clients_provider_server_key', ['provider', 'server'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('registered_clients').execute();
}
