import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { preparedPerDatabase } from './prepared-query.js';
import type { DatabaseSchema, ServiceKeyRow } from './schema.js';
import { oncePerKeptRow } from './sqlite-reader.js';
import { beginsWith } from './text-search.js';

/** A service key as stored: the hashes of its secret (never the secret), what it may do, and when it was used. */
export interface ServiceKeyRecord {
  id: string;
  name: string;
  secretHash: string;
  /** After a rotation, the old secret's hash, accepted until previousSecretExpiresAt. */
  previousSecretHash: string | null;
  previousSecretExpiresAt: number | null;
  permissions: readonly string[];
  /** null: every provider. */
  providers: readonly string[] | null;
  createdAt: number;
  rotatedAt: number | null;
  lastUsedAt: number | null;
}

export interface NewServiceKey {
  id: string;
  name: string;
  secretHash: string;
  permissions: readonly string[];
  providers: readonly string[] | null;
  now: number;
}

function stringArray(text: string, where: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new Error(`${where} is not a JSON array of strings`);
  return value;
}

export function rowToServiceKey(row: ServiceKeyRow): ServiceKeyRecord {
  return {
    id: row.id,
    name: row.name,
    secretHash: row.secret_hash,
    previousSecretHash: row.previous_secret_hash,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    permissions: stringArray(row.permissions, `service_keys.permissions of ${row.id}`),
    providers: row.providers === null ? null : stringArray(row.providers, `service_keys.providers of ${row.id}`),
    createdAt: row.created_at,
    rotatedAt: row.rotated_at,
    lastUsedAt: row.last_used_at,
  };
}

/** Throws a unique violation (see isUniqueViolation) when the name is taken. */
export async function insertServiceKey(db: Kysely<DatabaseSchema>, input: NewServiceKey): Promise<ServiceKeyRecord> {
  const row = await db
    .insertInto('service_keys')
    .values({
      id: input.id,
      name: input.name,
      secret_hash: input.secretHash,
      permissions: JSON.stringify(input.permissions),
      providers: input.providers === null ? null : JSON.stringify(input.providers),
      created_at: input.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return rowToServiceKey(row);
}

const keyById = preparedPerDatabase((db: Kysely<DatabaseSchema>, param) => db.selectFrom('service_keys').selectAll().where('id', '=', param(0)));
/** A row the SQLite read connection keeps is parsed once and shared, frozen. */
const recordOf = oncePerKeptRow(rowToServiceKey, (record) => Object.freeze(record));

/**
 * The key with this id. Every service API request reads it, so on a SQLite
 * file it answers synchronously (see PreparedQuery.firstNow); otherwise it
 * gives a promise. `await` takes either.
 */
export function findServiceKeyById(db: Kysely<DatabaseSchema>, id: string): ServiceKeyRecord | undefined | Promise<ServiceKeyRecord | undefined> {
  const row = keyById(db).firstNow([id]);
  return row instanceof Promise ? row.then((found) => found && recordOf(found)) : row && recordOf(row);
}

export async function findServiceKeyByName(db: Kysely<DatabaseSchema>, name: string): Promise<ServiceKeyRecord | undefined> {
  const row = await db.selectFrom('service_keys').selectAll().where('name', '=', name).executeTakeFirst();
  return row && rowToServiceKey(row);
}

/** Every key, by name: a deployment has a handful. */
export async function listServiceKeys(db: Kysely<DatabaseSchema>): Promise<ServiceKeyRecord[]> {
  const rows = await db.selectFrom('service_keys').selectAll().orderBy('name').execute();
  return rows.map(rowToServiceKey);
}

/** For the admin list: names starting with `search` (case as typed), a page of them, and how many match. */
export async function listServiceKeysForAdmin(
  { db, dialect }: Pick<Database, 'db' | 'dialect'>,
  options: { search?: string; offset: number; limit: number },
): Promise<{ rows: ServiceKeyRecord[]; total: number }> {
  let query = db.selectFrom('service_keys');
  if (options.search) query = query.where(beginsWith(dialect, 'name', options.search));
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('name').limit(options.limit).offset(options.offset).execute(),
    query.select((eb) => eb.fn.countAll<number | string | bigint>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(rowToServiceKey), total: Number(count.total) };
}

export async function deleteServiceKey(db: Kysely<DatabaseSchema>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('service_keys').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Replaces the secret's hash in one statement. The replaced hash stays valid
 * until `previousExpiresAt` (null: not at all). Only when the stored hash is
 * still `expectedHash`: of two rotations at once, one wins (false for the other).
 */
export async function replaceServiceKeySecret(
  db: Kysely<DatabaseSchema>,
  id: string,
  change: { expectedHash: string; secretHash: string; previousExpiresAt: number | null; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable('service_keys')
    .set((eb) => ({
      secret_hash: change.secretHash,
      previous_secret_hash: change.previousExpiresAt === null ? null : eb.ref('secret_hash'),
      previous_secret_expires_at: change.previousExpiresAt,
      rotated_at: change.now,
    }))
    .where('id', '=', id)
    .where('secret_hash', '=', change.expectedHash)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function recordServiceKeyUse(db: Kysely<DatabaseSchema>, id: string, at: number): Promise<void> {
  await db.updateTable('service_keys').set({ last_used_at: at }).where('id', '=', id).execute();
}
