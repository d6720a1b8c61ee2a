import type { ProviderSettings } from './provider-settings.js';
import { decodedQueryName } from './token-proof.js';

/**
 * `url` with the provider's fixed API query parameters (ProviderSettings.apiQueryParameters) in place of any the
 * caller put there under those names; `url` itself when the provider has none. A new URL, so the values (an app's
 * API key) never reach what the caller passed or what is logged of it. The rest of the query keeps its encoding as given.
 */
export function withApiQueryParameters(settings: Pick<ProviderSettings, 'apiQueryParameters'>, url: URL): URL {
  const fixed = Object.entries(settings.apiQueryParameters ?? {});
  if (fixed.length === 0) return url;
  const names = new Set(fixed.map(([name]) => name));
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !names.has(decodedQueryName(pair.split('=', 1)[0]!)));
  const added = fixed.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  const target = new URL(url);
  target.search = [...kept, ...added].join('&');
  return target;
}
