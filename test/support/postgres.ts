// Database helpers for tests. Every database test runs once per dialect:
//
//   describeEachDialect('token store', (dialect) => {
//     let database: Database;
//     beforeAll(async () => { database = await dialect.openTestDatabase(); });
//     afterAll(() => database.close());
//     it('…', async () => { … database.db … });
//   });
//
// or loop yourself: `for (const dialect of DIALECTS) describe.skipIf(!dialect.available)(…)`.
// For the app on such a database, useTestApp(dialect) (use-test-app.ts) opens both and closes them.
// Each openTestDatabase() call gives a database of its own (SQLite: a temp
// file; PostgreSQL: a fresh database in the cluster from global-setup.ts), so
// test files run in parallel without sharing state. close() also deletes it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, inject } from 'vitest';
import { type Database, type Dialect, openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { withClient } from './postgres-cluster.js';

export interface OpenTestDatabaseOptions {
  /** Apply all migrations first (default true). */
  migrate?: boolean;
  /**
   * PostgreSQL only: the database's default collation is this ICU locale
   * instead of the test cluster's C, as in a cluster made with
   * `initdb --locale=en_US.UTF-8` (e.g. 'und-u-ka-shifted', which, like
   * glibc's locales, ignores punctuation but for ties).
   */
  icuLocale?: string;
}

export interface TestDatabase extends Database {
  /** Its DATABASE_URL: open more connections with openDatabase(url), as a second process would. */
  url: string;
}

export interface TestDialect {
  readonly name: Dialect;
  /** False only for PostgreSQL when global-setup found no server. */
  readonly available: boolean;
  openTestDatabase(options?: OpenTestDatabaseOptions): Promise<TestDatabase>;
}

/** True when global-setup found or started a PostgreSQL server. */
export function postgresAvailable(): boolean {
  return inject('postgresUrl') != null;
}

/** Creates a fresh, uniquely named, empty database and returns its URL. */
export async function createTestDatabase(options: Pick<OpenTestDatabaseOptions, 'icuLocale'> = {}): Promise<string> {
  const serverUrl = requirePostgresUrl();
  const name = `tokenkeeper_test_${Date.now().toString(36)}_${randomBytes(5).toString('hex')}`;
  const collation = options.icuLocale === undefined ? '' : ` template template0 locale_provider icu icu_locale '${options.icuLocale.replaceAll("'", "''")}'`;
  await withClient(serverUrl, (client) => client.query(`create database ${name}${collation}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by createTestDatabase, closing any connections still open to it. */
export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^tokenkeeper_test_[a-z0-9_]+$/.test(name)) {
    throw new Error(`refusing to drop ${name}: not a database made by createTestDatabase`);
  }
  await withClient(requirePostgresUrl(), (client) => client.query(`drop database if exists ${name} with (force)`));
}

export const DIALECTS: readonly TestDialect[] = [
  {
    name: 'sqlite',
    available: true,
    async openTestDatabase(options) {
      const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-sqlite-'));
      const url = `sqlite:${join(folder, 'test.db')}`;
      return prepare(url, options, async () => {
        rmSync(folder, { recursive: true, force: true });
      });
    },
  },
  {
    name: 'postgres',
    get available() {
      return postgresAvailable();
    },
    async openTestDatabase(options) {
      const url = await createTestDatabase(options);
      return prepare(url, options, () => dropTestDatabase(url));
    },
  },
];

/** `describe(title [dialect])` once per dialect; PostgreSQL is skipped only when unavailable. */
export function describeEachDialect(title: string, body: (dialect: TestDialect) => void): void {
  for (const dialect of DIALECTS) {
    describe.skipIf(!dialect.available)(`${title} [${dialect.name}]`, () => body(dialect));
  }
}

async function prepare(
  url: string,
  options: OpenTestDatabaseOptions = {},
  cleanUp: () => Promise<void>,
): Promise<TestDatabase> {
  let database: Database;
  try {
    database = await openDatabase(url);
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const close = async () => {
    await database.close();
    await cleanUp();
  };
  try {
    if (options.migrate !== false) await migrateToLatest(database);
  } catch (error) {
    await close();
    throw error;
  }
  return { ...database, url, close };
}

function requirePostgresUrl(): string {
  const url = inject('postgresUrl');
  if (url == null) {
    throw new Error('PostgreSQL is not available in this test run (see the notice from global-setup)');
  }
  return url;
}
