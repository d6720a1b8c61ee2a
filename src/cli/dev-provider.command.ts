import { DEV_PROVIDER_NAME } from '../config/config.js';
import { DEMO_ACCOUNTS } from '../dev-provider/accounts.js';
import { redirectUri } from '../server/urls.js';
import { createLogger } from '../server/logger.js';
import { configFromEnvironment, devProviderConfigFromEnvironment } from './load-config.js';

/** `tokenkeeper dev-provider`: the local OpenID provider alone, e.g. for an app started elsewhere. */
export async function runDevProvider(_args: string[]): Promise<number> {
  const config = configFromEnvironment();
  const logger = createLogger(config.logLevel);
  const settings = devProviderConfigFromEnvironment();
  const { startDevProvider } = await import('../dev-provider/index.js');
  const provider = await startDevProvider({
    port: settings.port,
    issuer: settings.issuer,
    accessTokenTtl: settings.accessTokenTtl,
    clients: [{ clientId: settings.clientId, clientSecret: settings.clientSecret, redirectUris: [redirectUri(config.baseUrl, DEV_PROVIDER_NAME)] }],
    dataDir: `${config.dataDir}/dev-provider`,
    logger,
  });
  console.log(`Dev provider running at ${provider.issuer}
  client id:     ${settings.clientId}
  client secret: ${settings.clientSecret}
  redirect URI:  ${redirectUri(config.baseUrl, DEV_PROVIDER_NAME)}
  accounts:      ${DEMO_ACCOUNTS.map((a) => `${a.username} / ${a.password}`).join(', ')}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await provider.close();
  return 0;
}
