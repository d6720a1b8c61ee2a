import type { Kysely } from 'kysely';

// Frozen in time (2026-12-04): whether the provider that gave a user's
// e-mail address said it had verified it (OpenID Connect Core §5.1
// `email_verified`, or a preset's own source such as GitHub's /user/emails):
// 1 verified, 0 not verified, null not said. Users stored before have null
// until their next sign-in.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('email_verified', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('email_verified').execute();
}
