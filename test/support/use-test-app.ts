// The test app of a describe block, on a database of its own:
//
//   describeEachDialect('sign-in', (dialect) => {
//     const { app, database } = useTestApp(dialect, { env: { LOGIN_RATE_LIMIT: '2' } });
//     it('…', async () => { await signedInUser(app(), 'alice'); … database().db … });
//   });
//
// It registers the beforeAll that opens the database and starts the app and
// the afterAll that closes both (or, with `perTest`, a beforeEach and an
// afterEach: a new database and app for every test). Options that depend on
// something another hook starts (an echo API's origin) are given as a
// function, called when the app starts; register that hook first.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { OpenTestDatabaseOptions, TestDatabase, TestDialect } from './postgres.js';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app.js';

export interface UseTestAppOptions extends Omit<TestAppOptions, 'databaseUrl'> {
  /** How the database is opened (default: not migrated; the app migrates it, as serve does). */
  database?: OpenTestDatabaseOptions;
}

export interface UsedTestApp {
  /** The running app; throws outside the block's tests and later hooks. */
  app(): TestApp;
  /** Its database; throws outside the block's tests and later hooks. */
  database(): TestDatabase;
}

export function useTestApp(
  dialect: TestDialect,
  options: UseTestAppOptions | (() => UseTestAppOptions) = {},
  lifetime: { perTest?: boolean } = {},
): UsedTestApp {
  let database: TestDatabase | undefined;
  let app: TestApp | undefined;

  const start = async () => {
    const { database: databaseOptions, ...appOptions } = typeof options === 'function' ? options() : options;
    database = await dialect.openTestDatabase({ migrate: false, ...databaseOptions });
    app = await startTestApp({ ...appOptions, databaseUrl: database.url });
  };
  const stop = async () => {
    try {
      await app?.close();
    } finally {
      await database?.close();
      app = undefined;
      database = undefined;
    }
  };
  if (lifetime.perTest) {
    beforeEach(start);
    afterEach(stop);
  } else {
    beforeAll(start);
    afterAll(stop);
  }

  const missing = (what: string) =>
    new Error(`useTestApp: no ${what} here; it exists only in the tests and hooks of the describe block that called useTestApp, after its ${lifetime.perTest ? 'beforeEach' : 'beforeAll'}`);
  return {
    app: () => {
      if (!app) throw missing('app');
      return app;
    },
    database: () => {
      if (!database) throw missing('database');
      return database;
    },
  };
}
