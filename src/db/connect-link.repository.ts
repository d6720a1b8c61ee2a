import type { Kysely } from 'kysely';
import type { ConnectLinkRow, DatabaseSchema } from './schema.js';

/** A connect link as stored (its secret is not: only secret_hash). */
export interface ConnectLink {
  id: string;
  provider: string;
  /** Exactly one of userId and externalId is set. */
  userId: string | null;
  externalId: string | null;
  /** The extra scope asked for, space-separated; null: none. */
  scope: string | null;
  returnTo: string;
  serviceKeyId: string;
  serviceName: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface NewConnectLink extends Omit<ConnectLink, 'usedAt'> {
  secretHash: string;
}

function rowToConnectLink(row: ConnectLinkRow): ConnectLink {
  return {
    id: row.id,
    provider: row.provider,
    userId: row.user_id,
    externalId: row.external_id,
    scope: row.scope,
    returnTo: row.return_to,
    serviceKeyId: row.service_key_id,
    serviceName: row.service_name,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  };
}

export async function insertConnectLink(db: Kysely<DatabaseSchema>, link: NewConnectLink): Promise<void> {
  await db
    .insertInto('connect_links')
    .values({
      id: link.id,
      secret_hash: link.secretHash,
      provider: link.provider,
      user_id: link.userId,
      external_id: link.externalId,
      scope: link.scope,
      return_to: link.returnTo,
      service_key_id: link.serviceKeyId,
      service_name: link.serviceName,
      created_at: link.createdAt,
      expires_at: link.expiresAt,
    })
    .execute();
}

export type ClaimedConnectLink = { link: ConnectLink } | { refused: 'unknown' | 'used' | 'expired' };

/**
 * Marks the link used and returns it, in one statement (UPDATE … WHERE
 * used_at IS NULL … RETURNING), so of any number of concurrent opens exactly
 * one claims it. When none is claimed, says why (a second read, which only
 * names the refusal).
 */
export async function claimConnectLink(db: Kysely<DatabaseSchema>, secretHash: string, now: number): Promise<ClaimedConnectLink> {
  const row = await db
    .updateTable('connect_links')
    .set({ used_at: now })
    .where('secret_hash', '=', secretHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
  if (row) return { link: rowToConnectLink(row) };
  const found = await db.selectFrom('connect_links').select(['used_at']).where('secret_hash', '=', secretHash).executeTakeFirst();
  if (!found) return { refused: 'unknown' };
  return { refused: found.used_at !== null ? 'used' : 'expired' };
}

/** The link with this secret's hash, used or not, without claiming it. */
export async function findConnectLinkBySecretHash(db: Kysely<DatabaseSchema>, secretHash: string): Promise<ConnectLink | undefined> {
  const row = await db.selectFrom('connect_links').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
  return row && rowToConnectLink(row);
}

export async function findConnectLink(db: Kysely<DatabaseSchema>, id: string): Promise<ConnectLink | undefined> {
  const row = await db.selectFrom('connect_links').selectAll().where('id', '=', id).executeTakeFirst();
  return row && rowToConnectLink(row);
}

/** Deletes links that expired at or before `before`; returns how many. */
export async function deleteExpiredConnectLinks(db: Kysely<DatabaseSchema>, before: number): Promise<number> {
  const result = await db.deleteFrom('connect_links').where('expires_at', '<=', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
