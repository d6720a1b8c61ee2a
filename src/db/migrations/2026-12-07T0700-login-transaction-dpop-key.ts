import type { Kysely } from 'kysely';

// Frozen in time (2026-12-07): the DPoP (RFC 9449) key a pending sign-in was
// started with, as a JWK, encrypted as the code verifier is: a provider that
// binds the authorization code to the key that pushed its request (RFC 9449
// §10) takes the code exchange from that key only. Null: no DPoP.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('login_transactions').addColumn('dpop_key', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('login_transactions').dropColumn('dpop_key').execute();
}
