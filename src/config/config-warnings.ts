import type { AppConfig } from './config.js';

/**
 * What a configuration allows but a production deployment almost certainly
 * did not mean, one sentence each, for `serve` to log at start. Not errors:
 * a deployment may have its reasons (an internal network), and a server that
 * refuses to start is worse than one that says why it looks wrong.
 */
export function configWarnings(config: Pick<AppConfig, 'production' | 'baseUrl'>, env: Readonly<Record<string, string | undefined>>): string[] {
  const warnings: string[] = [];
  if (config.production && config.baseUrl.protocol !== 'https:') {
    const given = env.BASE_URL?.trim() ? `BASE_URL is ${config.baseUrl.origin}` : `BASE_URL is not set, so it is ${config.baseUrl.origin}`;
    warnings.push(
      `${given} in production: session cookies go without Secure, browsers get no HSTS, and the redirect URIs sent to providers are http. Set BASE_URL to the public https origin.`,
    );
  }
  return warnings;
}
