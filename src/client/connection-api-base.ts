import { ProviderUnavailableError } from './errors.js';
import type { ProviderSettings } from './provider-settings.js';

/** Whether `host` is `domain` or one of its subdomains. */
function withinDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/**
 * The API origin a token response names for this one connection (e.g.
 * Salesforce's `instance_url`), checked before any access token is sent
 * there: an absolute https URL (http only where the provider's own URLs may
 * be http, in development) on one of the provider's domains. Null when the
 * provider names none, or the answer does not.
 */
export function connectionApiBase(settings: ProviderSettings, response: Record<string, unknown>): string | null {
  const rule = settings.connectionApiBase;
  if (!rule) return null;
  const value = response[rule.member];
  if (value === undefined) return null;
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  const protocolOk = url?.protocol === 'https:' || (url?.protocol === 'http:' && settings.allowInsecureHttp);
  if (!url || !protocolOk || url.username || url.password || !rule.domains.some((domain) => withinDomain(url.hostname, domain))) {
    throw new ProviderUnavailableError(
      'provider_bad_response',
      `${settings.displayName} named an API origin (${rule.member}) outside its own domains; no token is sent there.`,
    );
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}
