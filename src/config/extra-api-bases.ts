import { parseApiBasePattern } from '../client/api-bases.js';
import { ConfigError } from './config-error.js';

/**
 * A provider's other API bases: its preset's, and those `<NAME>_EXTRA_API_BASE_URLS`
 * adds (comma-separated), each checked: an http(s) URL (https in production)
 * without a query, the host perhaps `*.` and a domain. Undefined when there are none.
 */
export function extraApiBaseUrls(raw: string | undefined, prefix: string, production: boolean, fromPreset: readonly string[] | undefined): string[] | undefined {
  const variable = `${prefix}_EXTRA_API_BASE_URLS`;
  const bases = [...(fromPreset ?? [])];
  for (const entry of (raw ?? '').split(',')) {
    const text = entry.trim().replace(/\/+$/, '');
    if (text === '') continue;
    const pattern = parseApiBasePattern(text);
    if (typeof pattern === 'string') throw new ConfigError(variable, `has "${text}", which ${pattern} (comma-separated API bases, e.g. https://content.dropboxapi.com)`);
    if (production && pattern.protocol !== 'https:') throw new ConfigError(variable, `has "${text}": API bases must use https in production`);
    if (!bases.includes(text)) bases.push(text);
  }
  return bases.length === 0 ? undefined : bases;
}
