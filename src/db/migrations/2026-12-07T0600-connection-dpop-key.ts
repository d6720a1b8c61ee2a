import type { Kysely } from 'kysely';

// Frozen in time (2026-12-07): the private key a connection's tokens are bound
// to by DPoP (RFC 9449), as a JWK, encrypted as the tokens are. Null: the
// tokens are bearer tokens.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').addColumn('dpop_key', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tokens').dropColumn('dpop_key').execute();
}
