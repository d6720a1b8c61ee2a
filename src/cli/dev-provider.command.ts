import type { ProviderSettings } from '../client/provider-settings.js';
import { DEV_PROVIDER_NAME } from '../config/config.js';
import { DEMO_ACCOUNTS } from '../dev-provider/accounts.js';
import { backchannelLogoutUri, redirectUri } from '../server/urls.js';
import { createLogger } from '../server/logger.js';
import { explainListenFailure } from './listen-failure.js';
import { configFromEnvironment, devProviderConfigFromEnvironment } from './load-config.js';

/** Whether the provider finds its metadata at `issuer` (its issuer, or a metadata URL on that origin). */
function discoveredAt(provider: ProviderSettings, issuer: string): boolean {
  const address = provider.discovery && ('issuer' in provider.discovery ? provider.discovery.issuer : provider.discovery.metadataUrl);
  return address !== undefined && new URL(address).origin === new URL(issuer).origin;
}

/** `tokenkeeper dev-provider`: the local OpenID provider alone, e.g. for an app started elsewhere. */
export async function runDevProvider(_args: string[]): Promise<number> {
  const config = configFromEnvironment();
  const logger = createLogger(config.logLevel);
  const settings = devProviderConfigFromEnvironment();
  // The app's callback for the name the dev provider has by default, and for any name the app gives a provider at this issuer.
  const names = new Set([DEV_PROVIDER_NAME, ...config.providers.filter((provider) => discoveredAt(provider, settings.issuer)).map((provider) => provider.name)]);
  const redirectUris = [...names].map((name) => redirectUri(config.baseUrl, name));
  const { startDevProvider } = await import('../dev-provider/index.js');
  const provider = await startDevProvider({
    port: settings.port,
    issuer: settings.issuer,
    accessTokenTtl: settings.accessTokenTtl,
    clients: [
      {
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        redirectUris,
        backchannelLogoutUri: backchannelLogoutUri(config.baseUrl, DEV_PROVIDER_NAME),
        postLogoutRedirectUris: [new URL('/', config.baseUrl).href],
      },
    ],
    dataDir: `${config.dataDir}/dev-provider`,
    logger,
  }).catch((error: unknown) => {
    throw explainListenFailure(error, [{ variable: 'DEV_PROVIDER_PORT', port: settings.port }]);
  });
  console.log(`Dev provider running at ${provider.issuer}
  client id:     ${settings.clientId}
  client secret: ${settings.clientSecret}
  redirect URI:  ${redirectUris.join('\n                 ')}
  accounts:      ${DEMO_ACCOUNTS.map((a) => `${a.username} / ${a.password}`).join(', ')}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await provider.close();
  return 0;
}
