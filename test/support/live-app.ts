// The app as startTestApp() wires it, but listening on a real port, so a
// real browser can use it:
//
//   const app = await startLiveApp({ databaseUrl: database.url });
//   await page.goto(`${app.origin}/`);      // http://localhost:<port>
//   …
//   await app.close();
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { startDevProvider, type DevProvider } from '../../src/dev-provider/index.js';
import { createRuntime, type Runtime } from '../../src/server/runtime.js';
import { freePort } from './server-processes.js';
import { testAppEnv, testProviderClient, type TestAppOptions } from './test-app.js';

export interface LiveApp {
  /** http://localhost:<port>: the BASE_URL, and where a browser should go. */
  origin: string;
  port: number;
  runtime: Runtime;
  config: AppConfig;
  provider: DevProvider;
  /** Stops the app, then the dev provider, and deletes the app's data folder. */
  close(): Promise<void>;
}

/** startTestApp()'s options, except a shared provider: the provider must know this app's port. */
export type LiveAppOptions = Omit<TestAppOptions, 'sharedProvider'> & {
  /** The provider at http://127.0.0.1:<port>, another site than the app's localhost (a browser then withholds SameSite cookies). */
  providerOnAnotherSite?: boolean;
  /** The provider posts a logout token to the app when a person signs out there (OpenID Connect Back-Channel Logout). */
  backchannelLogout?: boolean;
};

const ATTEMPTS = 3;

/**
 * Picks a free port, starts the dev provider with the redirect URI
 * http://localhost:<port>/auth/toolkit/callback, builds the runtime with
 * BASE_URL http://localhost:<port> and listens on 127.0.0.1:<port>. If the
 * port is taken in the meantime, starts over on another one.
 */
export async function startLiveApp(options: LiveAppOptions): Promise<LiveApp> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(options, await freePort());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= ATTEMPTS) throw error;
    }
  }
}

async function startOnce(options: LiveAppOptions, port: number): Promise<LiveApp> {
  const origin = `http://localhost:${port}`;
  const providerPort = options.providerOnAnotherSite ? await freePort() : 0;
  const provider = await startDevProvider({
    port: providerPort,
    clients: [
      {
        ...testProviderClient(origin),
        ...(options.backchannelLogout ? { backchannelLogoutUri: `${origin}/auth/toolkit/backchannel-logout` } : {}),
        postLogoutRedirectUris: [`${origin}/`],
      },
    ],
    ...(options.providerOnAnotherSite ? { issuer: `http://127.0.0.1:${providerPort}` } : {}),
    ...options.provider,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'tokenkeeper-live-app-'));
  let runtime: Runtime | undefined;
  const close = async () => {
    try {
      await runtime?.close();
      await provider.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  try {
    const config = loadConfig(
      testAppEnv({ baseUrl: origin, databaseUrl: options.databaseUrl, issuer: provider.issuer, env: options.env, configure: options.configure }),
      dataDir,
    );
    const logger = pino({ level: options.logLevel ?? 'silent' }, options.logDestination ?? pino.destination('/dev/null'));
    runtime = await createRuntime({ config, logger, ...(options.now ? { now: options.now } : {}) });
    await runtime.app.listen({ port, host: '127.0.0.1' });
    return { origin, port, runtime, config, provider, close };
  } catch (error) {
    await close();
    throw error;
  }
}
