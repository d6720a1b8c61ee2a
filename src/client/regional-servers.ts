/**
 * A provider with an authorization server per region, each knowing only its
 * own people's codes and tokens (Zoho's accounts servers, one per data
 * centre: https://www.zoho.com/accounts/protocol/oauth/multi-dc.html): the
 * same endpoints on another origin.
 */
import { bareHostOrigin } from './connection-api-base.js';
import type { ProviderSettings } from './provider-settings.js';

/** `endpoint`'s path and query on `server`'s origin: that endpoint at another regional server. */
export function atRegionalServer(endpoint: string, server: string): string {
  const url = new URL(endpoint);
  return new URL(`${url.pathname}${url.search}`, new URL(server).origin).href;
}

/** One DNS label: what the star of a pattern stands for. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The `*.` pattern of a regionalServers entry, for a provider with a server
 * per account under one domain (Lightspeed Retail's
 * `https://{domain_prefix}.retail.lightspeed.app`): its scheme, the domain
 * after the star with its leading dot, and its port (`''` for the scheme's
 * own); undefined for an entry that is an origin.
 */
export function regionalServerPattern(entry: string): { protocol: string; hostSuffix: string; port: string } | undefined {
  const parts = /^(https?:)\/\/\*\.([^/?#@*]+)$/i.exec(entry);
  if (!parts) return undefined;
  let url: URL;
  try {
    url = new URL(`${parts[1]}//${parts[2]}`);
  } catch {
    return undefined;
  }
  return { protocol: url.protocol, hostSuffix: `.${url.hostname}`, port: url.port };
}

/**
 * The origin of `server` when it is one of the provider's regional servers
 * (ProviderSettings.regionalServers), else undefined: a name that is not a
 * URL, a URL with a user name or password, or a server not listed, whose
 * codes are never sent anywhere. An entry `https://*.example.com` lists each
 * host of exactly one DNS label under example.com (letters, digits and
 * hyphens; the URL parser lower-cases it), on that scheme and port alone.
 */
export function listedRegionalServer(settings: Pick<ProviderSettings, 'regionalServers'>, server: string): string | undefined {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return undefined;
  }
  if (url.username || url.password) return undefined;
  const { origin } = url;
  for (const entry of settings.regionalServers ?? []) {
    const pattern = regionalServerPattern(entry);
    if (!pattern) {
      if (entry === origin) return origin;
      continue;
    }
    if (url.protocol !== pattern.protocol || url.port !== pattern.port || !url.hostname.endsWith(pattern.hostSuffix)) continue;
    if (LABEL.test(url.hostname.slice(0, -pattern.hostSuffix.length))) return origin;
  }
  return undefined;
}

/**
 * The server a codeExchangeServer hook named, as a URL: a URL as it came; a
 * host alone (a name and an optional port) on https, or on http where the
 * provider's own URLs may be http (in development) and the configured token
 * endpoint is http. Whether it is one of the provider's is listedRegionalServer's
 * to say.
 */
export function namedServer(settings: Pick<ProviderSettings, 'allowInsecureHttp'>, named: string, tokenEndpoint: string | undefined): string {
  return bareHostOrigin(settings, named, tokenEndpoint) ?? named;
}
