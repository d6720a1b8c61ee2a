import { DEMO_ACCOUNTS } from '../dev-provider/index.js';
import { createLogger } from '../server/logger.js';
import { createRuntime } from '../server/runtime.js';
import { configFromEnvironment } from './load-config.js';

/** `tokenkeeper serve`: migrate, start the dev provider when no provider is configured, listen; stop cleanly on SIGINT/SIGTERM. */
export async function runServe(_args: string[]): Promise<number> {
  const config = configFromEnvironment();
  const logger = createLogger(config.logLevel);
  const runtime = await createRuntime({ config, logger });
  await runtime.app.listen({ port: config.port, host: config.host });
  logger.info(`Tokenkeeper is running at ${config.baseUrl.origin}/`);
  if (runtime.devProvider) {
    const accounts = DEMO_ACCOUNTS.filter((a) => a.username !== 'mallory').map((a) => `${a.username} / ${a.password}`);
    logger.info(
      `No OAUTH_PROVIDERS configured: the local dev provider runs at ${runtime.devProvider.issuer} as "toolkit". ` +
        `Open ${config.baseUrl.origin}/ and sign in with a demo account: ${accounts.join(', ')}.`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info(`${signal} received, shutting down`);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await runtime.close();
  return 0;
}
