import type { Kysely } from 'kysely';
import { newId } from './database.js';
import { type JsonObject, parseJsonObject, stringifyJsonObject } from './json-column.js';
import type { AccountRow, DatabaseSchema } from './schema.js';

/** A person's identity at a provider: (provider, subject). Never matched by e-mail. */
export interface Account {
  id: string;
  userId: string;
  provider: string;
  issuer: string;
  subject: string;
  /** The latest ID token / userinfo claims. */
  claims: JsonObject;
  createdAt: number;
  updatedAt: number;
}

export interface NewAccount {
  userId: string;
  provider: string;
  issuer: string;
  subject: string;
  claims: JsonObject;
  now: number;
}

/**
 * Whether the account is a connection to a connect-only provider (ProviderSettings.connectOnly), not an identity:
 * its subject is the user's own id, the provider saying nothing of who the person is, so it never signs anyone in.
 */
export function isConnectionOnly(account: Pick<Account, 'userId' | 'subject'>): boolean {
  return account.subject === account.userId;
}

/** Of `accounts`, those that sign their user in (isConnectionOnly's are not). */
export function signInIdentities<T extends Pick<Account, 'userId' | 'subject'>>(accounts: readonly T[]): T[] {
  return accounts.filter((account) => !isConnectionOnly(account));
}

export function rowToAccount(row: AccountRow): Account {
  return {
    id: row.id,
    userId: row.user_id,
    provider: row.provider,
    issuer: row.issuer,
    subject: row.subject,
    claims: parseJsonObject(row.claims, `accounts.claims of ${row.id}`),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findAccount(
  db: Kysely<DatabaseSchema>,
  provider: string,
  subject: string,
): Promise<Account | undefined> {
  const row = await db
    .selectFrom('accounts')
    .selectAll()
    .where('provider', '=', provider)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return row && rowToAccount(row);
}

/** Throws a unique violation (see isUniqueViolation) when (provider, subject) is already linked. */
export async function createAccount(db: Kysely<DatabaseSchema>, input: NewAccount): Promise<Account> {
  const row = await db
    .insertInto('accounts')
    .values({
      id: newId(),
      user_id: input.userId,
      provider: input.provider,
      issuer: input.issuer,
      subject: input.subject,
      claims: stringifyJsonObject(input.claims),
      created_at: input.now,
      updated_at: input.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return rowToAccount(row);
}

/**
 * Makes the account a connection only (isConnectionOnly): its subject becomes its user's id, with `claims`. For an
 * identity made while its provider still named people, connected again since the provider became connect-only.
 */
export async function makeConnectionOnly(db: Kysely<DatabaseSchema>, id: string, userId: string, claims: JsonObject, now: number): Promise<void> {
  await db.updateTable('accounts').set({ subject: userId, claims: stringifyJsonObject(claims), updated_at: now }).where('id', '=', id).execute();
}

export async function updateAccountClaims(
  db: Kysely<DatabaseSchema>,
  id: string,
  claims: JsonObject,
  now: number,
): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ claims: stringifyJsonObject(claims), updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function listAccountsForUser(db: Kysely<DatabaseSchema>, userId: string): Promise<Account[]> {
  const rows = await db
    .selectFrom('accounts')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(rowToAccount);
}

/**
 * Removes the user's identity at `provider`, unless it is their only one
 * that signs in (then it is how they sign in, and stays). One statement, so two
 * concurrent unlinks cannot both pass the check. True when removed.
 */
export async function deleteAccountUnlessLast(db: Kysely<DatabaseSchema>, userId: string, provider: string): Promise<boolean> {
  const result = await db
    .deleteFrom('accounts')
    .where('user_id', '=', userId)
    .where('provider', '=', provider)
    .where((eb) =>
      eb.or([
        // A connection only (isConnectionOnly) is never the way its user signs in.
        eb('subject', '=', userId),
        eb(eb.selectFrom('accounts as others').select((inner) => inner.fn.countAll().as('n')).where('others.user_id', '=', userId).where('others.subject', '!=', userId), '>', 1),
      ]),
    )
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function deleteAccount(db: Kysely<DatabaseSchema>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('accounts').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
