import { DEMO_ACCOUNTS } from '../dev-provider/accounts.js';
import { createLogger } from '../server/logger.js';
import { createRuntime } from '../server/runtime.js';
import { configFromEnvironment } from './load-config.js';

/** `tokenkeeper serve`: migrate, start the dev provider when no provider is configured, listen; stop cleanly on SIGINT/SIGTERM. */
export async function runServe(_args: string[]): Promise<number> {
  const config = configFromEnvironment();
  const logger = createLogger(config.logLevel);
  const runtime = await createRuntime({ config, logger });
  await runtime.app.listen({ port: config.port, host: config.host });
  logger.info({ url: config.baseUrl.origin, providers: runtime.registry.names }, 'Tokenkeeper is running');
  const banner = [`\n  Tokenkeeper is running at ${config.baseUrl.origin}/`];
  if (runtime.devProvider) {
    const accounts = DEMO_ACCOUNTS.map((a) => `${a.username} / ${a.password}`);
    logger.info({ issuer: runtime.devProvider.issuer }, 'no OAUTH_PROVIDERS configured: the local dev provider is registered as "toolkit"');
    banner.push(
      `  No OAUTH_PROVIDERS configured: the local dev provider runs at ${runtime.devProvider.issuer} as "toolkit".`,
      `  Open ${config.baseUrl.origin}/, press "Sign in with Toolkit" and use a demo account (username / password):`,
      `  ${accounts.join(', ')}\n`,
    );
  }
  console.log(banner.join('\n'));
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
