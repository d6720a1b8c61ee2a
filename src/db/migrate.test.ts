import { randomBytes } from 'node:crypto';
import SqliteDatabase from 'better-sqlite3';
import { type KyselyPlugin, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, test } from 'vitest';
import { DIALECTS, describeEachDialect } from '../../test/support/postgres.js';
import { type Database, openDatabase, parseDatabaseUrl } from './database.js';
import { findUserById, updateUserProfile } from './user.repository.js';
import { knownMigrations, migrateDown, migrateToLatest, newerSchemaWarning, pendingMigrations, unknownMigrations } from './migrate.js';

const TABLES = ['accounts', 'audit_log', 'connect_links', 'login_transactions', 'logout_token_ids', 'registered_clients', 'service_keys', 'sessions', 'sign_in_claims', 'tokens', 'users', 'webhook_deliveries'];

async function userTables(database: Database): Promise<string[]> {
  const tables = await database.db.introspection.getTables();
  return tables.map((t) => t.name).filter((name) => !name.startsWith('kysely_')).sort();
}

test('migration names are timestamped and in order', () => {
  for (const name of knownMigrations()) expect(name).toMatch(/^\d{4}-\d{2}-\d{2}T\d{4}-[a-z0-9-]+$/);
  expect(knownMigrations()).toEqual([...knownMigrations()].sort());
});

describeEachDialect('migrations', (dialect) => {
  let database: Database;
  beforeEach(async () => {
    database = await dialect.openTestDatabase({ migrate: false });
  });
  afterEach(() => database.close());

  it('apply on an empty database, then have nothing left to do', async () => {
    expect(await pendingMigrations(database)).toEqual(knownMigrations());
    expect(await migrateToLatest(database)).toEqual({ applied: knownMigrations() });
    expect(await userTables(database)).toEqual(TABLES);
    expect(await pendingMigrations(database)).toEqual([]);
    expect(await migrateToLatest(database)).toEqual({ applied: [] });
  });

  it('a database a newer version migrated: its migrations are named, and migrating it has nothing to do (a rolling upgrade, a rollback)', async () => {
    expect(await unknownMigrations(database)).toEqual([]);
    await migrateToLatest(database);
    const newer = '2099-01-01T0000-from-a-newer-version';
    await sql`insert into kysely_migration (name, timestamp) values (${newer}, ${new Date().toISOString()})`.execute(database.db);
    expect(await unknownMigrations(database)).toEqual([newer]);
    // Kysely's own migrateToLatest calls this "corrupted migrations" and refuses it.
    expect(await migrateToLatest(database)).toEqual({ applied: [] });
    expect(await pendingMigrations(database)).toEqual([]);
    expect(newerSchemaWarning([newer])).toMatch(/^the database has a migration this version does not have \(2099-01-01T0000-from-a-newer-version\): a newer version/);
  });

  it('a migration that fails part-way leaves nothing of itself behind, so the run after the cause is fixed applies it', async () => {
    await migrateToLatest(database);
    let reverted: string[];
    do ({ reverted } = await migrateDown(database));
    while (reverted.length > 0 && !reverted.includes('2026-12-03T0400-connect-links'));
    // Its fourth statement (login_transactions.purpose) fails, after it created connect_links and login_transactions.scope.
    await database.db.schema.alterTable('login_transactions').addColumn('purpose', 'text').execute();
    await expect(migrateToLatest(database)).rejects.toThrow(/^Migration failed in 2026-12-03T0400-connect-links: /);
    expect(await userTables(database)).not.toContain('connect_links');
    const loginTransactions = (await database.db.introspection.getTables()).find((table) => table.name === 'login_transactions')!;
    expect(loginTransactions.columns.map((column) => column.name)).not.toContain('scope');
    expect(await pendingMigrations(database)).toContain('2026-12-03T0400-connect-links');

    await database.db.schema.alterTable('login_transactions').dropColumn('purpose').execute();
    const { applied } = await migrateToLatest(database);
    expect(applied[0]).toBe('2026-12-03T0400-connect-links');
    expect(await userTables(database)).toEqual(TABLES);
    expect(await pendingMigrations(database)).toEqual([]);
  });

  it('revert down to an empty schema and apply again', async () => {
    await migrateToLatest(database);
    const reverted: string[] = [];
    for (;;) {
      const step = await migrateDown(database);
      if (step.reverted.length === 0) break;
      reverted.push(...step.reverted);
    }
    expect(reverted).toEqual([...knownMigrations()].reverse());
    expect(await userTables(database)).toEqual([]);
    expect(await pendingMigrations(database)).toEqual(knownMigrations());
    expect(await migrateToLatest(database)).toEqual({ applied: knownMigrations() });
    expect(await userTables(database)).toEqual(TABLES);
  });

  it("users stored before email_verified existed get it from their accounts' claims when those say it of their address", async () => {
    await migrateToLatest(database);
    // Back to before the migration that fills it in, with rows as a version without the flag left them:
    // users.email_verified null, each account's claims as the sign-in read them.
    let reverted: string[];
    do ({ reverted } = await migrateDown(database));
    while (reverted.length > 0 && !reverted.includes('2026-12-05T0000-email-verified-from-claims'));
    const users = {
      verified: { email: 'alice@example.test', claims: [{ email: 'alice@example.test', email_verified: true }] },
      unverified: { email: 'bob@example.test', claims: [{ email: 'bob@example.test', email_verified: 'false' }] },
      notSaid: { email: 'carol@example.test', claims: [{ email: 'carol@example.test' }] },
      otherAddress: { email: 'dave@example.test', claims: [{ email: 'dave@old.example.test', email_verified: true }] },
      disagreeing: { email: 'erin@example.test', claims: [{ email: 'erin@example.test', email_verified: true }, { email: 'erin@example.test', email_verified: false }] },
      oneOfTwoSays: { email: 'frank@example.test', claims: [{ email: 'frank@example.test', email_verified: true }, { name: 'Frank' }] },
    };
    for (const [username, { email, claims }] of Object.entries(users)) {
      await database.db.insertInto('users').values({ id: `u-${username}`, username, email, date_joined: 1 }).execute();
      for (const [index, claim] of claims.entries()) {
        await database.db
          .insertInto('accounts')
          .values({ id: `a-${username}-${index}`, user_id: `u-${username}`, provider: `p${index}`, issuer: 'https://id.example.test', subject: username, claims: JSON.stringify(claim), created_at: 1, updated_at: 1 })
          .execute();
      }
    }
    await migrateToLatest(database);
    const rows = await database.db.selectFrom('users').select(['username', 'email_verified']).orderBy('username').execute();
    expect(Object.fromEntries(rows.map((row) => [row.username, row.email_verified]))).toEqual({
      verified: 1,
      unverified: 0,
      notSaid: null,
      otherAddress: null,
      disagreeing: null,
      oneOfTwoSays: 1,
    });
  });

  it("a version from before email_verified that changes a user's address (a rolling upgrade) leaves no flag said of the old one", async () => {
    await migrateToLatest(database);
    const flagOf = async (id: string) => (await findUserById(database.db, id))?.emailVerified;
    const update = async (profile: Parameters<typeof updateUserProfile>[2]) => updateUserProfile(database.db, (await findUserById(database.db, 'u-alice'))!, profile);
    await database.db.insertInto('users').values({ id: 'u-alice', username: 'alice', email: 'alice@example.test', email_verified: 1, date_joined: 1 }).execute();
    // As an older server signs a returning user in: address and name, the flag left as it was.
    await database.db.updateTable('users').set({ email: 'alice@elsewhere.example', name: 'Alice' }).where('id', '=', 'u-alice').execute();
    expect(await flagOf('u-alice')).toBeNull();
    // The address unchanged keeps the flag, whatever else such a write sets.
    await update({ email: 'alice@elsewhere.example', emailVerified: false, name: 'Alice' });
    await database.db.updateTable('users').set({ email: 'alice@elsewhere.example', name: 'Alice L.' }).where('id', '=', 'u-alice').execute();
    expect(await flagOf('u-alice')).toBe(false);
    // This version's own writes: a new address its provider verified too stays verified.
    await update({ email: 'alice@example.test', emailVerified: true, name: 'Alice' });
    await update({ email: 'alice@new.example.test', emailVerified: true, name: 'Alice' });
    expect(await flagOf('u-alice')).toBe(true);
    await update({ email: 'alice@newer.example.test', emailVerified: null, name: 'Alice' });
    expect(await flagOf('u-alice')).toBeNull();
  });

  it('the email_verified trigger is made again over a function a restore left behind (pg_restore --clean drops the table, not the function)', async () => {
    await migrateToLatest(database);
    let reverted: string[];
    do ({ reverted } = await migrateDown(database));
    while (reverted.length > 0 && !reverted.includes('2026-12-05T0400-email-verified-follows-email'));
    expect(reverted).toEqual(['2026-12-05T0400-email-verified-follows-email']);
    if (dialect.name === 'postgres') {
      await sql`create function users_email_verified_follows_email() returns trigger language plpgsql as $$ begin return new; end $$`.execute(database.db);
    }
    expect((await migrateToLatest(database)).applied[0]).toBe('2026-12-05T0400-email-verified-follows-email');
    await database.db.insertInto('users').values({ id: 'u-bob', username: 'bob', email: 'bob@example.test', email_verified: 1, date_joined: 1 }).execute();
    await database.db.updateTable('users').set({ email: 'bob@elsewhere.example' }).where('id', '=', 'u-bob').execute();
    expect((await findUserById(database.db, 'u-bob'))?.emailVerified).toBeNull();
  });

  it('fail with an Error naming the migration and keeping the cause', async () => {
    // A table in the way makes the initial migration fail.
    await sql`create table users (id text)`.execute(database.db);
    const error = await migrateToLatest(database).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Migration failed in 2026-11-28T0000-initial: /);
    expect((error as Error).cause).toBeDefined();
  });
});

describe('migrations on a SQLite database another process is writing to', () => {
  it('fail saying so, with nothing applied, and the next run applies them', async () => {
    const database = await DIALECTS[0]!.openTestDatabase({ migrate: false });
    const { path } = parseDatabaseUrl(database.url) as { path: string };
    const other = new SqliteDatabase(path);
    try {
      // No waiting for the lock: the failure comes at once instead of after busy_timeout.
      await sql`pragma busy_timeout = 0`.execute(database.db);
      other.exec('begin immediate');
      await expect(migrateToLatest(database)).rejects.toThrow(
        /^Migration failed: database is locked \(another process was writing to the database, such as a second migrate or serve starting at the same time; nothing of this run was applied: run it again\)$/,
      );
      other.exec('rollback');
      expect(await migrateToLatest(database)).toEqual({ applied: knownMigrations() });
    } finally {
      other.close();
      await database.close();
    }
  });
});

describe('migrations on a SQLite database another process opens at the same moment', () => {
  it('take the write lock before reading which are applied, so a commit of the other process comes before or after the whole run, never inside it', async () => {
    const database = await DIALECTS[0]!.openTestDatabase({ migrate: false });
    const { path } = parseDatabaseUrl(database.url) as { path: string };
    const other = new SqliteDatabase(path);
    other.pragma('busy_timeout = 0');
    const outcomes: string[] = [];
    // Right after the run reads which migrations are applied, the other process (a second server or worker starting
    // on the same new file) commits a write.
    const readsOfApplied = new WeakSet<object>();
    const otherCommitsAfterTheRead: KyselyPlugin = {
      transformQuery: ({ node, queryId }) => {
        if (node.kind === 'SelectQueryNode' && JSON.stringify(node).includes('"kysely_migration"')) readsOfApplied.add(queryId);
        return node;
      },
      transformResult: async ({ queryId, result }) => {
        if (readsOfApplied.has(queryId)) {
          try {
            other.pragma('user_version = 7');
            outcomes.push('committed');
          } catch (error) {
            outcomes.push((error as { code?: string }).code ?? String(error));
          }
        }
        return result;
      },
    };
    try {
      expect(await migrateToLatest({ ...database, db: database.db.withPlugin(otherCommitsAfterTheRead) })).toEqual({ applied: knownMigrations() });
      // The other process waited for the lock (here, without busy_timeout, it gave up), rather than slipping its
      // commit between the run's read and its first write, which failed the run with SQLITE_BUSY at once.
      expect(outcomes).toContain('SQLITE_BUSY');
      expect(await pendingMigrations(database)).toEqual([]);
    } finally {
      other.close();
      await database.close();
    }
  });
});

describe.skipIf(!DIALECTS[1]!.available)('migrations as a PostgreSQL role that may not create tables', () => {
  it('fail saying what the role needs', async () => {
    const database = await DIALECTS[1]!.openTestDatabase({ migrate: false });
    const role = `tokenkeeper_no_create_${randomBytes(5).toString('hex')}`;
    await sql.raw(`create role ${role} login password 'not-the-owner'`).execute(database.db);
    const url = new URL(database.url);
    url.username = role;
    url.password = 'not-the-owner';
    const asRole = await openDatabase(url.toString());
    try {
      await expect(migrateToLatest(asRole)).rejects.toThrow(
        "Migration failed: permission denied for schema public (the role connected may not change the schema: make it the database's owner, e.g. createdb --owner, or grant it CREATE on the schema)",
      );
    } finally {
      await asRole.close();
      await sql.raw(`drop role ${role}`).execute(database.db);
      await database.close();
    }
  });
});
