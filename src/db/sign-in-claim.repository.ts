import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from './schema.js';

/**
 * Claims a sign-in transaction by its state, once: true for the first
 * caller, on whichever server, false for every later one (the insert of its
 * SHA-256 either happens or meets the primary key). Claims that outlived
 * their transactions are deleted on the way.
 *
 * @example
 * if (!(await claimSignIn(db, transaction.state, now + SIGN_IN_TRANSACTION_TTL_SECONDS, now))) throw usedAlready();
 */
export async function claimSignIn(db: Kysely<DatabaseSchema>, state: string, expiresAt: number, now: number): Promise<boolean> {
  await db.deleteFrom('sign_in_claims').where('expires_at', '<', now).execute();
  const stateHash = createHash('sha256').update(state).digest('hex');
  const result = await db
    .insertInto('sign_in_claims')
    .values({ state_hash: stateHash, expires_at: expiresAt })
    .onConflict((conflict) => conflict.column('state_hash').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}
