import type { Kysely } from 'kysely';

// Frozen in time (2026-12-05): users stored before users.email_verified
// existed got null ("not said") there, although the provider that gave their
// address often did say: its claims (OpenID Connect Core §5.1
// `email_verified`, a preset's own source mapped to it) are kept in
// accounts.claims, as the sign-in read them. Their flag is taken from there
// when every linked account whose claims give the user's address says the
// same of it; otherwise it stays null until their next sign-in. A preset
// whose verification is not in its claims (GitHub's /user/emails) leaves it
// null too.

const BATCH = 500;

export async function up(db: Kysely<any>): Promise<void> {
  let after = '';
  for (;;) {
    const users: Array<{ id: string; email: string }> = await db
      .selectFrom('users')
      .select(['id', 'email'])
      .where('email_verified', 'is', null)
      .where('email', 'is not', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (users.length === 0) return;
    after = users[users.length - 1]!.id;
    const accounts: Array<{ user_id: string; claims: string }> = await db
      .selectFrom('accounts')
      .select(['user_id', 'claims'])
      .where('user_id', 'in', users.map((user) => user.id))
      .execute();
    const verified: Record<'yes' | 'no', string[]> = { yes: [], no: [] };
    for (const user of users) {
      const said = new Set(accounts.filter((account) => account.user_id === user.id).map((account) => verificationOf(account.claims, user.email)).filter((flag) => flag !== null));
      if (said.size === 1) verified[[...said][0] ? 'yes' : 'no'].push(user.id);
    }
    // Two statements a batch, not one a user: a database of 100,000 users migrates in seconds.
    for (const [flag, ids] of [[1, verified.yes], [0, verified.no]] as const) {
      if (ids.length > 0) await db.updateTable('users').set({ email_verified: flag }).where('id', 'in', ids).where('email_verified', 'is', null).execute();
    }
  }
}

export async function down(): Promise<void> {
  // Nothing to undo: the flags stay as they are (the column itself goes with 2026-12-04T0200's down).
}

/** What these claims say of `email`'s verification: null when they give another address, or say nothing. */
function verificationOf(text: string, email: string): boolean | null {
  let claims: unknown;
  try {
    claims = JSON.parse(text);
  } catch {
    return null;
  }
  if (claims === null || typeof claims !== 'object') return null;
  const { email: claimed, email_verified: verified } = claims as Record<string, unknown>;
  if (claimed !== email) return null;
  // As the sign-in reads it: a boolean, or the strings some providers send (Apple).
  if (typeof verified === 'boolean') return verified;
  return verified === 'true' ? true : verified === 'false' ? false : null;
}
