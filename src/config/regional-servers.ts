import { ConfigError } from './config-error.js';

const EXAMPLE = 'comma-separated origins, e.g. https://accounts.zoho.eu,https://accounts.zoho.in';

/**
 * `<NAME>_REGIONAL_SERVERS`: the provider's servers, one per region, at which
 * a sign-in it sends back naming one of them is finished (ProviderSettings.regionalServers),
 * in place of the preset's list. Each an http(s) origin alone (https in
 * production). Only a preset whose provider names the person's server beside
 * the code reads it (`reads`); set for another, it stops start-up.
 */
export function regionalServers(raw: string | undefined, prefix: string, production: boolean, fromPreset: readonly string[] | undefined, reads: boolean): string[] | undefined {
  const variable = `${prefix}_REGIONAL_SERVERS`;
  if (raw === undefined) return fromPreset === undefined ? undefined : [...fromPreset];
  if (!reads) throw new ConfigError(variable, 'is not used: only a provider that names the person\'s own server beside the code reads it (the datadog and zoho presets); remove it');
  const servers: string[] = [];
  for (const entry of raw.split(',').map((text) => text.trim()).filter(Boolean)) {
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
