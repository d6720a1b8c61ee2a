import { afterAll, beforeAll, expect, it } from 'vitest';
import { sqliteReader } from '../src/db/database.js';
import type { DevProvider } from '../src/dev-provider/index.js';
import { startEchoApi, type EchoApi } from './support/echo-api.js';
import { describeEachDialect, type TestDatabase } from './support/postgres.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { startTestApp, startTestProvider, type TestApp } from './support/test-app.js';

/**
 * Two app instances on one database, each with its own connections (on
 * SQLite, its own read connection and the results it keeps while nothing
 * changes). What one server (or anything else writing to the database)
 * changes holds on the other from its very next request.
 */
describeEachDialect('changes made on one server hold on the other at once', (dialect) => {
  let database: TestDatabase;
  let provider: DevProvider;
  let api: EchoApi;
  let serving: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    provider = await startTestProvider();
    api = await startEchoApi();
    const env = { TOOLKIT_API_BASE_URL: `${api.origin}/v1` };
    serving = await startTestApp({ databaseUrl: database.url, sharedProvider: provider, env });
    other = await startTestApp({ databaseUrl: database.url, sharedProvider: provider, env });
  });
  afterAll(async () => {
    await serving?.close();
    await other?.close();
    await api?.close();
    await provider?.close();
    await database?.close();
  });

  const proxy = (user: SignedInUser) =>
    serving.runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/notes', headers: { cookie: user.cookie } });

  /** Two calls on the serving app; on SQLite the second is answered without reading SQLite again. */
  async function warm(user: SignedInUser): Promise<void> {
    expect((await proxy(user)).statusCode).toBe(200);
    const reader = sqliteReader(serving.runtime.database.db);
    const reads = reader?.reads;
    expect((await proxy(user)).statusCode).toBe(200);
    if (reader) expect(reader.reads).toBe(reads);
  }

  it('a sign-out on the other server ends the session here', async () => {
    const alice = await signedInUser(serving, 'alice');
    await warm(alice);
    const out = await other.runtime.app.inject({ method: 'POST', url: '/logout', headers: { cookie: alice.cookie }, payload: { _csrf: alice.csrfToken } });
    expect(out.statusCode).toBe(303);
    expect((await proxy(alice)).statusCode).toBe(401);
  });

  it('a disconnect on the other server leaves nothing to call the API with here', async () => {
    const bob = await signedInUser(serving, 'bob');
    await warm(bob);
    const disconnected = await other.runtime.app.inject({
      method: 'POST',
      url: '/account/connections/toolkit/disconnect',
      headers: { cookie: bob.cookie },
      payload: { _csrf: bob.csrfToken },
    });
    expect(disconnected.statusCode).toBe(303);
    const answer = await proxy(bob);
    expect(answer.statusCode).toBe(409);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'not_connected' });
  });

  it('a user deactivated by another connection is signed out here', async () => {
    const mallory = await signedInUser(serving, 'mallory');
    await warm(mallory);
    await database.db.updateTable('users').set({ is_active: 0 }).where('id', '=', mallory.userId).execute();
    expect((await proxy(mallory)).statusCode).toBe(401);
  });
});
