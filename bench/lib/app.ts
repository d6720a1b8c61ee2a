import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { startDevProvider, type DevProvider } from '../../src/dev-provider/index.js';
import { expireStoredAccessToken, signedInUser } from '../../test/support/signed-in.js';
import { APP_ORIGIN, CLIENT_ID, CLIENT_SECRET, startTestApp, type TestApp } from '../../test/support/test-app.js';
import { freePort } from '../../test/support/free-port.js';

export interface BenchApp {
  app: TestApp;
  provider: DevProvider;
  /** alice, signed in through the provider's real pages. */
  userId: string;
  /** Her session cookie header. */
  cookie: string;
  /** Where the app listens (http://127.0.0.1:<port>), when started with `listen: true`. */
  url: string;
  /** Makes alice's stored access token look expired (the provider still accepts it). */
  expireAccessToken(): Promise<void>;
  close(): Promise<void>;
}

export interface BenchAppOptions {
  /** sqlite:<path> or postgres://…; null: a fresh SQLite file in a temp folder. */
  databaseUrl: string | null;
  /** e.g. TOOLKIT_API_BASE_URL pointing at the local API. */
  env?: Record<string, string>;
  /** Listen on 127.0.0.1 (a free port) for real HTTP clients. */
  listen?: boolean;
}


/**
 * The dev provider on 127.0.0.1 with an issuer spelled 127.0.0.1 (not
 * localhost), so every request of the run stays on 127.0.0.1. Access tokens
 * live an hour: nothing expires during a case unless the case says so.
 */
export async function startBenchProvider(): Promise<DevProvider> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    try {
      return await startDevProvider({
        port,
        issuer: `http://127.0.0.1:${port}`,
        accessTokenTtl: 3600,
        clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [`${APP_ORIGIN}/auth/toolkit/callback`] }],
      });
    } catch (error) {
      if (attempt >= 3 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
}

/**
 * The real app with the tests' wiring (startTestApp: createRuntime, migrations,
 * the dev provider registered as `toolkit`), alice signed in.
 */
export async function startBenchApp(options: BenchAppOptions): Promise<BenchApp> {
  const sqliteFolder = options.databaseUrl === null ? mkdtempSync(join(tmpdir(), 'tokenkeeper-bench-')) : null;
  const databaseUrl = options.databaseUrl ?? `sqlite:${join(sqliteFolder!, 'bench.db')}`;
  const cleanUpFolder = () => {
    if (sqliteFolder) rmSync(sqliteFolder, { recursive: true, force: true });
  };
  let provider: DevProvider;
  try {
    provider = await startBenchProvider();
  } catch (error) {
    cleanUpFolder();
    throw error;
  }
  let app: TestApp | undefined;
  const close = async () => {
    if (app) {
      await app.close();
      // startTestApp makes a temp working folder per app (unused here): leave no trace of the run.
      const workFolder = dirname(app.config.dataDir);
      if (dirname(workFolder) === tmpdir() && basename(workFolder).startsWith('tokenkeeper-app-')) rmSync(workFolder, { recursive: true, force: true });
    }
    await provider.close();
    cleanUpFolder();
  };
  try {
    app = await startTestApp({ databaseUrl, sharedProvider: provider, ...(options.env ? { env: options.env } : {}) });
    const alice = await signedInUser(app, 'alice');
    let url = '';
    if (options.listen) url = await app.runtime.app.listen({ port: 0, host: '127.0.0.1' });
    const database = { ...app.runtime.database, url: databaseUrl };
    return {
      app,
      provider,
      userId: alice.userId,
      cookie: alice.cookie,
      url,
      expireAccessToken: () => expireStoredAccessToken(database, alice.userId),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
