import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from './schema.js';

/**
 * Takes a logout token from this provider by its `jti`, once: true for the
 * first caller, on whichever server, false for every later one (the insert
 * of its SHA-256 either happens or meets the primary key). Ids of tokens
 * that would now be refused as too old are deleted on the way.
 *
 * @example
 * if (!(await claimLogoutToken(db, 'keycloak', logout.tokenId, logout.acceptedUntil, now))) refuse('already taken');
 */
export async function claimLogoutToken(db: Kysely<DatabaseSchema>, provider: string, tokenId: string, expiresAt: number, now: number): Promise<boolean> {
  await db.deleteFrom('logout_token_ids').where('expires_at', '<', now).execute();
  const idHash = createHash('sha256').update(`${provider}\u0000${tokenId}`).digest('hex');
  const result = await db
    .insertInto('logout_token_ids')
    .values({ id_hash: idHash, expires_at: expiresAt })
    .onConflict((conflict) => conflict.column('id_hash').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}
