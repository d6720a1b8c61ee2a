import { DEMO_ACCOUNTS } from '../dev-provider/accounts.js';
import { configWarnings } from '../config/config-warnings.js';
import { environmentWithDotEnv } from '../config/env-file.js';
import { resolveLogFormat } from '../config/log-config.js';
import { createAppLogger } from '../server/log-output.js';
import { logProcessWarnings } from '../server/process-warnings.js';
import { createRuntime } from '../server/runtime.js';
import { explainListenFailure } from './listen-failure.js';
import { configFromEnvironment } from './load-config.js';

/** `tokenkeeper serve`: migrate, start the dev provider when no provider is configured, listen; on SIGINT/SIGTERM shut down gracefully (exit 1 if SHUTDOWN_TIMEOUT_SECONDS cut work short). */
export async function runServe(_args: string[]): Promise<number> {
  const config = configFromEnvironment();
  const { logger, format } = await createAppLogger({
    level: config.logLevel,
    format: resolveLogFormat(config.logFormat, config.production, process.stdout.isTTY === true),
  });
  // JSON lines for a collector: Node's warnings too (else several plain lines on stderr each).
  if (format === 'json') logProcessWarnings(logger);
  for (const warning of configWarnings(config, environmentWithDotEnv(process.cwd(), process.env))) logger.warn(warning);
  const listeners = [
    { variable: 'PORT', port: config.port },
    ...(config.devProvider ? [{ variable: 'DEV_PROVIDER_PORT', port: config.devProvider.port }] : []),
    ...(config.metrics.port !== null ? [{ variable: 'METRICS_PORT', port: config.metrics.port }] : []),
  ];
  let runtime: Awaited<ReturnType<typeof createRuntime>>;
  try {
    runtime = await createRuntime({ config, logger });
  } catch (error) {
    throw explainListenFailure(error, listeners, config.host);
  }
  try {
    await runtime.app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // PORT taken (EADDRINUSE): what already runs (the dev provider, the metrics port, the jobs) would keep the process alive.
    await runtime.close();
    throw explainListenFailure(error, listeners, config.host);
  }
  logger.info({ url: config.baseUrl.origin, providers: runtime.registry.names }, 'Tokenkeeper is running');
  const banner = [`\n  Tokenkeeper is running at ${config.baseUrl.origin}/`];
  if (runtime.devProvider) {
    const accounts = DEMO_ACCOUNTS.map((a) => `${a.username} / ${a.password}`);
    logger.info({ issuer: runtime.devProvider.issuer, demoAccounts: accounts }, 'no OAUTH_PROVIDERS configured: the local dev provider is registered as "toolkit"');
    banner.push(
      `  No OAUTH_PROVIDERS configured: the local dev provider runs at ${runtime.devProvider.issuer} as "toolkit".`,
      `  Open ${config.baseUrl.origin}/, press "Sign in with Toolkit" and use a demo account (username / password):`,
      `  ${accounts.join(', ')}\n`,
    );
  }
  // The banner is for a person at a terminal. JSON lines go to a collector that
  // parses every line of stdout (or of stderr, often merged with it), so there
  // the two log lines above carry the same facts, one JSON line each.
  if (format === 'pretty') console.log(banner.join('\n'));
  // `once`: a second SIGINT (Ctrl-C again) finds no handler and ends the process at once.
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const { cutShort } = await runtime.shutdown({ cause: signal });
  if (!cutShort) return 0;
  // Work cut short may leave a handle open (a socket a provider never answered); nothing is left to finish, so don't wait for it.
  setImmediate(() => process.exit(1)).unref();
  return 1;
}
