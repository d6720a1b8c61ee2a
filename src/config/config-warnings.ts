import { isLoopbackBaseUrl } from '../client/client-metadata.js';
import type { AppConfig } from './config.js';
import { nodeEnvWarning } from './node-env.js';
import { mistypedApplicationVariableWarnings, unusedProviderVariables, unusedVariableWarnings } from './provider-variables.js';

/**
 * What a configuration allows but almost certainly did not mean, one
 * sentence each, for `serve` to log at start and `doctor` to list: provider
 * variables nothing reads (see unusedVariableWarnings), variables one letter
 * from an application variable (see mistypedApplicationVariableWarnings), in
 * production an http BASE_URL, a client metadata document on a localhost BASE_URL (which the provider cannot
 * fetch), and a NODE_ENV other than production,
 * development or test (it runs as development). Not errors: a deployment may
 * have its reasons (an internal network; another program's GITHUB_CLIENT_ID
 * in the environment), and a server that refuses to start is worse than one
 * that says why it looks wrong.
 */
export function configWarnings(config: Pick<AppConfig, 'production' | 'baseUrl' | 'providers' | 'devProvider'>, env: Readonly<Record<string, string | undefined>>): string[] {
  const listed = config.devProvider ? null : config.providers.map((provider) => provider.name);
  const warnings = [...unusedVariableWarnings(unusedProviderVariables(env, listed), listed), ...mistypedApplicationVariableWarnings(env)];
  if (config.production && config.baseUrl.protocol !== 'https:') {
    const given = env.BASE_URL?.trim() ? `BASE_URL is ${config.baseUrl.origin}` : `BASE_URL is not set, so it is ${config.baseUrl.origin}`;
    warnings.push(
      `${given} in production: session cookies go without Secure, browsers get no HSTS, and the redirect URIs sent to providers are http. Set BASE_URL to the public https origin.`,
    );
  }
  for (const provider of config.providers) {
    // A client metadata document on a host no provider can reach (and not AT Protocol's loopback development client).
    if (provider.clientIdMetadataDocument && !isLoopbackBaseUrl(config.baseUrl) && /^(localhost|.*\.localhost)$/i.test(config.baseUrl.hostname)) {
      warnings.push(
        `${provider.name.toUpperCase()}: ${provider.displayName} fetches its client metadata document from ${provider.clientId}, which it cannot reach. For development, set BASE_URL=http://127.0.0.1:${config.baseUrl.port || '80'} and open the app there (AT Protocol's loopback client); otherwise BASE_URL must be the public https origin.`,
      );
    }
  }
  const nodeEnv = nodeEnvWarning(env);
  if (nodeEnv !== undefined) warnings.push(nodeEnv);
  return warnings;
}
