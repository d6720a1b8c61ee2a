import { parseApiBasePattern } from '../client/api-bases.js';
import { ConfigError } from './config-error.js';

const EXAMPLE = 'comma-separated origins, e.g. https://accounts.zoho.eu,https://accounts.zoho.in';
const PATTERN_EXAMPLE = 'https://*. and a domain, for one host per account under it, e.g. https://*.retail.lightspeed.app';

/**
 * An entry with a star in its host: `https://*.` and a domain, standing for
 * each host of one DNS label under it (a server per account, Lightspeed
 * Retail's `https://{domain_prefix}.retail.lightspeed.app`), as
 * listedRegionalServer matches it; written back in its normal form. Anything
 * else with a star stops start-up with one line.
 */
function patternEntry(entry: string, variable: string, production: boolean): string {
  const parsed = parseApiBasePattern(entry);
  // The parser's own example, where it gives one, is the only one shown.
  if (typeof parsed === 'string') throw new ConfigError(variable, `has "${entry}", which ${parsed}${parsed.includes('(https://') ? '' : ` (${PATTERN_EXAMPLE})`}`);
  if (parsed.hostSuffix === undefined) throw new ConfigError(variable, `has "${entry}", which may have a star only as its whole first label (${PATTERN_EXAMPLE})`);
  if (parsed.pathname !== '/' || /^[^:]+:\/\/[^/]*\/./.test(entry)) {
    throw new ConfigError(variable, `has "${entry}", which is more than an origin: give the scheme and host alone (${PATTERN_EXAMPLE})`);
  }
  if (production && parsed.protocol !== 'https:') throw new ConfigError(variable, `has "${entry}": servers must use https in production`);
  return `${parsed.protocol}//*${parsed.hostSuffix}${parsed.port ? `:${parsed.port}` : ''}`;
}

/**
 * `<NAME>_REGIONAL_SERVERS`: the provider's servers, one per region, at which
 * a sign-in it sends back naming one of them is finished (ProviderSettings.regionalServers),
 * in place of the preset's list. Each an http(s) origin alone, or `*.` and
 * a domain in place of the host (https in production). Only a preset whose
 * provider names the person's server beside the code reads it (`reads`);
 * set for another, it stops start-up.
 */
export function regionalServers(raw: string | undefined, prefix: string, production: boolean, fromPreset: readonly string[] | undefined, reads: boolean): string[] | undefined {
  const variable = `${prefix}_REGIONAL_SERVERS`;
  if (raw === undefined) return fromPreset === undefined ? undefined : [...fromPreset];
  if (!reads) throw new ConfigError(variable, 'is not used: only a provider that names the person\'s own server beside the code reads it (the acrobat_sign, datadog, lightspeed_x and zoho presets); remove it');
  const servers: string[] = [];
  for (const entry of raw.split(',').map((text) => text.trim()).filter(Boolean)) {
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\*/i.test(entry)) {
      const pattern = patternEntry(entry, variable, production);
      if (!servers.includes(pattern)) servers.push(pattern);
      continue;
    }
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new ConfigError(variable, `has "${entry}", which is not a URL (${EXAMPLE})`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(variable, `has "${entry}", which is not an http(s) URL (${EXAMPLE})`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
      throw new ConfigError(variable, `has "${entry}", which is more than an origin: give the scheme and host alone (${EXAMPLE})`);
    }
    if (production && url.protocol !== 'https:') throw new ConfigError(variable, `has "${entry}": servers must use https in production`);
    if (!servers.includes(url.origin)) servers.push(url.origin);
  }
  return servers;
}
