import { type Migration, type MigrationResultSet, Migrator, sql } from 'kysely';
import type { Database, Dialect } from './database.js';
import * as initial from './migrations/2026-11-28T0000-initial.js';
import { adminSearchIndexes } from './migrations/2026-11-28T0100-admin-search.js';
import * as tokenIssuedAt from './migrations/2026-12-03T0000-token-issued-at.js';
import * as connectionApiBase from './migrations/2026-12-03T0100-connection-api-base.js';
import * as serviceKeys from './migrations/2026-12-03T0200-service-keys.js';
import * as tokenCountsIndex from './migrations/2026-12-03T0300-token-counts-index.js';
import * as connectLinks from './migrations/2026-12-03T0400-connect-links.js';
import * as webhookOutbox from './migrations/2026-12-03T0500-webhook-outbox.js';
import * as dropAuditAtIndex from './migrations/2026-12-04T0000-drop-audit-at-index.js';
import * as signInClaims from './migrations/2026-12-04T0100-sign-in-claims.js';
import * as userEmailVerified from './migrations/2026-12-04T0200-user-email-verified.js';
import * as tokensProviderIdIndex from './migrations/2026-12-04T0300-tokens-provider-id-index.js';
import * as emailVerifiedFromClaims from './migrations/2026-12-05T0000-email-verified-from-claims.js';
import * as refreshTokenExpiry from './migrations/2026-12-05T0100-refresh-token-expiry.js';
import * as auditListIndexes from './migrations/2026-12-05T0200-audit-list-indexes.js';
import * as refreshTokenEndIndexes from './migrations/2026-12-05T0300-refresh-token-end-indexes.js';
import { emailVerifiedFollowsEmail } from './migrations/2026-12-05T0400-email-verified-follows-email.js';
import * as refreshTokenIssueAndUse from './migrations/2026-12-05T0500-refresh-token-issue-and-use.js';
import * as accessTokenCheck from './migrations/2026-12-05T0600-access-token-check.js';
import * as sessionSignIn from './migrations/2026-12-06T0000-session-sign-in.js';
import * as logoutTokenIds from './migrations/2026-12-06T0100-logout-token-ids.js';
import * as connectionAuthorizationServer from './migrations/2026-12-06T0700-connection-authorization-server.js';
import * as connectionRedirectUri from './migrations/2026-12-06T0800-connection-redirect-uri.js';
import * as connectionCallbackParameters from './migrations/2026-12-07T0500-connection-callback-parameters.js';
import * as connectionDpopKey from './migrations/2026-12-07T0600-connection-dpop-key.js';
import * as loginTransactionDpopKey from './migrations/2026-12-07T0700-login-transaction-dpop-key.js';
import * as registeredClients from './migrations/2026-12-07T1600-registered-clients.js';

// Listed in code rather than read from a folder, so migrations travel with the
// compiled dist/ build and no file-system scanning is needed at run time.
// Add new migrations here; names sort by their timestamp prefix. A migration
// whose SQL differs by dialect is a function of the configured dialect.
function migrationsFor(dialect: Dialect): Readonly<Record<string, Migration>> {
  return {
    '2026-11-28T0000-initial': initial,
    '2026-11-28T0100-admin-search': adminSearchIndexes(dialect),
    '2026-12-03T0000-token-issued-at': tokenIssuedAt,
    '2026-12-03T0100-connection-api-base': connectionApiBase,
    '2026-12-03T0200-service-keys': serviceKeys,
    '2026-12-03T0300-token-counts-index': tokenCountsIndex,
    '2026-12-03T0400-connect-links': connectLinks,
    '2026-12-03T0500-webhook-outbox': webhookOutbox,
    '2026-12-04T0000-drop-audit-at-index': dropAuditAtIndex,
    '2026-12-04T0100-sign-in-claims': signInClaims,
    '2026-12-04T0200-user-email-verified': userEmailVerified,
    '2026-12-04T0300-tokens-provider-id-index': tokensProviderIdIndex,
    '2026-12-05T0000-email-verified-from-claims': emailVerifiedFromClaims,
    '2026-12-05T0100-refresh-token-expiry': refreshTokenExpiry,
    '2026-12-05T0200-audit-list-indexes': auditListIndexes,
    '2026-12-05T0300-refresh-token-end-indexes': refreshTokenEndIndexes,
    '2026-12-05T0400-email-verified-follows-email': emailVerifiedFollowsEmail(dialect),
    '2026-12-05T0500-refresh-token-issue-and-use': refreshTokenIssueAndUse,
    '2026-12-05T0600-access-token-check': accessTokenCheck,
    '2026-12-06T0000-session-sign-in': sessionSignIn,
    '2026-12-06T0100-logout-token-ids': logoutTokenIds,
    '2026-12-06T0700-connection-authorization-server': connectionAuthorizationServer,
    '2026-12-06T0800-connection-redirect-uri': connectionRedirectUri,
    '2026-12-07T0500-connection-callback-parameters': connectionCallbackParameters,
    '2026-12-07T0600-connection-dpop-key': connectionDpopKey,
    '2026-12-07T0700-login-transaction-dpop-key': loginTransactionDpopKey,
    '2026-12-07T1600-registered-clients': registeredClients,
  };
}

function createMigrator(database: Database): Migrator {
  return new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrationsFor(database.dialect) },
  });
}

/**
 * Applies every pending migration, in order, in one transaction, on SQLite
 * as on PostgreSQL: when one fails, none of this run's is applied, and the
 * next run starts from the same place.
 *
 * @example
 * const database = await openDatabase('sqlite:./data/tokenkeeper.db');
 * const { applied } = await migrateToLatest(database);
 * console.log(applied.length > 0 ? `applied ${applied.join(', ')}` : 'up to date');
 */
export async function migrateToLatest(database: Database): Promise<{ applied: string[] }> {
  const migrator = createMigrator(database);
  // Nothing pending is nothing to do, also on a database a newer version migrated further (see
  // newerSchemaWarning): Kysely's migrateToLatest would refuse it ("corrupted migrations").
  const migrations = await migrator.getMigrations();
  if (migrations.every((migration) => migration.executedAt !== undefined)) return { applied: [] };
  const result = await migrator.migrateToLatest();
  return { applied: namesOrThrow(result, 'Up') };
}

/** Reverts the most recently applied migration; `reverted` is empty when none is applied. */
export async function migrateDown(database: Database): Promise<{ reverted: string[] }> {
  const result = await createMigrator(database).migrateDown();
  return { reverted: namesOrThrow(result, 'Down') };
}

/**
 * Names of migrations not yet applied, oldest first.
 *
 * @example
 * const pending = await pendingMigrations(database);
 * if (pending.length > 0) throw new Error(`Run "npx tokenkeeper migrate" first (pending: ${pending.join(', ')})`);
 */
export async function pendingMigrations(database: Database): Promise<string[]> {
  try {
    const migrations = await createMigrator(database).getMigrations();
    return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
  } catch (error) {
    throw new Error(`Could not read the migration state: ${messageOf(error)}`, { cause: error });
  }
}

/** Kysely's Migrator records each applied migration here (its default table name). */
const MIGRATION_TABLE = 'kysely_migration';

/**
 * Migrations the database has applied that this build does not have, oldest
 * first: a newer version of tokenkeeper migrated it. Kysely's own check only
 * runs inside a migration, and calls them "corrupted migrations".
 */
export async function unknownMigrations(database: Database): Promise<string[]> {
  // Looked up as Kysely's Migrator does: a database nothing migrated yet has no such table.
  const tables = await database.db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((table) => table.name === MIGRATION_TABLE)) return [];
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(database.db);
  const known = new Set(knownMigrations());
  return rows.map((row) => row.name).filter((name) => !known.has(name));
}

/**
 * What to say of a database a newer version migrated (`unknown`: its
 * migrations this build does not have). This version runs on it: each
 * release's migrations only add to the schema, so the previous release keeps
 * working beside the new one during a rolling upgrade, restarts, and can be
 * rolled back to (docs/deploy.md).
 */
export function newerSchemaWarning(unknown: readonly string[]): string {
  const what = unknown.length === 1 ? `a migration this version does not have (${unknown[0]})` : `${unknown.length} migrations this version does not have (${unknown.join(', ')})`;
  return `the database has ${what}: a newer version of tokenkeeper migrated it. This version runs on it, as during a rolling upgrade or after a rollback; finish the upgrade to run the newer version everywhere.`;
}

/** Every migration known to this build, oldest first. */
export function knownMigrations(): string[] {
  return Object.keys(migrationsFor('sqlite')).sort();
}

function namesOrThrow({ error, results = [] }: MigrationResultSet, direction: 'Up' | 'Down'): string[] {
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const where = failed === undefined ? '' : ` in ${failed}`;
    const verb = direction === 'Up' ? 'Migration' : 'Reverting a migration';
    throw new Error(`${verb} failed${where}: ${messageOf(error)}${privilegeHint(error)}${busyHint(error)}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success' && r.direction === direction).map((r) => r.migrationName);
}

/** PostgreSQL's insufficient_privilege (https://www.postgresql.org/docs/current/errcodes-appendix.html): what the role needs. */
function privilegeHint(error: unknown): string {
  if ((error as { code?: unknown }).code !== '42501') return '';
  return " (the role connected may not change the schema: make it the database's owner, e.g. createdb --owner, or grant it CREATE on the schema)";
}

/** SQLite's SQLITE_BUSY (https://www.sqlite.org/rescode.html#busy): another connection held the write lock past busy_timeout. */
function busyHint(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY')) return '';
  return ' (another process was writing to the database, such as a second migrate or serve starting at the same time; nothing of this run was applied: run it again)';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
