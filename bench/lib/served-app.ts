import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DevProvider } from '../../src/dev-provider/index.js';
import { TestBrowser } from '../../test/support/browser.js';
import { freePort } from '../../test/support/free-port.js';
import { APP_ORIGIN, signIn, testAppEnv } from '../../test/support/test-app.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

export interface ServedApp extends ServerProcess {
  /** alice's session cookie header. */
  cookie: string;
  /** The environment it was started with (its DATABASE_URL among it), e.g. for the CLI on the same database. */
  env: Record<string, string>;
}

/**
 * A browser whose requests to APP_ORIGIN (the app's public origin, which the
 * provider redirects to) go to the served app at `url`.
 */
function browserFor(url: string): TestBrowser {
  return new TestBrowser({
    fetch: (input, init) => {
      const target = input instanceof Request ? input.url : input.toString();
      return fetch(target.startsWith(APP_ORIGIN) ? url + target.slice(APP_ORIGIN.length) : target, init);
    },
  });
}

/**
 * Tokenkeeper as it is deployed: `tokenkeeper serve` (the compiled CLI) in a
 * process of its own on a fresh SQLite file, configured only through the
 * environment with `provider` (running in the caller's process, as a real
 * provider runs elsewhere) registered as "toolkit". LOG_LEVEL=warn: a
 * successful request writes no log line. alice is signed in through the
 * provider's real pages.
 */
export async function startServedApp(options: { provider: DevProvider; env?: Record<string, string> }): Promise<ServedApp> {
  const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-bench-served-'));
  const port = await freePort();
  let server: ServerProcess | undefined;
  const env = {
    ...testAppEnv({ baseUrl: APP_ORIGIN, databaseUrl: `sqlite:${join(folder, 'bench.db')}`, issuer: options.provider.issuer, env: options.env }),
    LOG_LEVEL: 'warn',
  };
  try {
    server = await startServerProcess({
      name: 'tokenkeeper serve',
      module: new URL(import.meta.url.endsWith('.js') ? '../../src/cli/main.js' : '../../src/cli/main.ts', import.meta.url),
      args: ['serve'],
      cwd: folder,
      port,
      env,
      healthz: true,
    });
    const browser = browserFor(server.url);
    const landed = await signIn(browser, 'alice');
    const cookie = browser.cookies.cookieHeader(new URL(APP_ORIGIN));
    if (!landed.url.startsWith(APP_ORIGIN) || !cookie) throw new Error(`signing alice in failed: ended at ${landed.status} ${landed.url}`);
    const running = server;
    return {
      ...running,
      cookie,
      env,
      close: async () => {
        await running.close();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.close();
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}
