import type { Kysely } from 'kysely';
import { writeAuditEvent } from '../db/audit.repository.js';
import type { DatabaseSchema } from '../db/schema.js';
import { deleteProviderSessions } from '../db/session.repository.js';

/**
 * Ends the sessions a provider's sign-in made, when the provider says the
 * person's session there, or their grant, is over: those in its own session
 * `sid`, or every one of a user's that signed in through it. Sessions signed
 * in another way stay. Each user signed out gets a `user.signed_out` audit
 * entry saying `by` what; returns those users. Every server sees it on its
 * next request, as each reads its session from the database.
 */
export async function signOutOfProvider(
  db: Kysely<DatabaseSchema>,
  provider: string,
  which: { providerSid: string } | { userId: string },
  audit: { by: string; ip: string | null; at: number },
): Promise<string[]> {
  const users = await deleteProviderSessions(db, provider, which);
  for (const userId of users) {
    await writeAuditEvent(db, {
      event: 'user.signed_out',
      actorUserId: null,
      targetType: 'user',
      targetId: userId,
      ip: audit.ip,
      detail: { provider, by: audit.by },
      at: audit.at,
    });
  }
  return users;
}
