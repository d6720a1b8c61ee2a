/**
 * A provider with an authorization server per region, each knowing only its
 * own people's codes and tokens (Zoho's accounts servers, one per data
 * centre: https://www.zoho.com/accounts/protocol/oauth/multi-dc.html): the
 * same endpoints on another origin.
 */
import { BARE_HOST } from './connection-api-base.js';
import type { ProviderSettings } from './provider-settings.js';

/** `endpoint`'s path and query on `server`'s origin: that endpoint at another regional server. */
export function atRegionalServer(endpoint: string, server: string): string {
  const url = new URL(endpoint);
  return new URL(`${url.pathname}${url.search}`, new URL(server).origin).href;
}

/**
 * The origin of `server` when it is one of the provider's regional servers
 * (ProviderSettings.regionalServers), else undefined: a name that is not a
 * URL, or a server not listed, whose codes are never sent anywhere.
 */
export function listedRegionalServer(settings: Pick<ProviderSettings, 'regionalServers'>, server: string): string | undefined {
  let origin: string;
  try {
    origin = new URL(server).origin;
  } catch {
    return undefined;
  }
  return settings.regionalServers?.includes(origin) ? origin : undefined;
}

/**
 * The server a codeExchangeServer hook named, as a URL: a URL as it came; a
 * host alone (a name and an optional port) on https, or on http where the
 * provider's own URLs may be http (in development) and the configured token
 * endpoint is http. Whether it is one of the provider's is listedRegionalServer's
 * to say.
 */
export function namedServer(settings: Pick<ProviderSettings, 'allowInsecureHttp'>, named: string, tokenEndpoint: string | undefined): string {
  if (!BARE_HOST.test(named)) return named;
  const scheme = settings.allowInsecureHttp && tokenEndpoint?.startsWith('http:') ? 'http:' : 'https:';
  return `${scheme}//${named}`;
}
