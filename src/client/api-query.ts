import type { ProviderSettings } from './provider-settings.js';

/**
 * `url` with the provider's fixed API query parameters (ProviderSettings.apiQueryParameters) in place of any the
 * caller put there under those names; `url` itself when the provider has none. A new URL, so the values (an app's
 * API key) never reach what the caller passed or what is logged of it. The rest of the query keeps its encoding as given.
 */
export function withApiQueryParameters(settings: Pick<ProviderSettings, 'apiQueryParameters'>, url: URL): URL {
  const fixed = Object.entries(settings.apiQueryParameters ?? {});
  return fixed.length === 0 ? url : withQueryParametersReplaced(url, fixed);
}

/**
 * `url` with the access token in the provider's token query parameter (ProviderSettings.accessTokenParameter), in
 * place of any the caller put there under that name; `url` itself when the provider takes the token in a header. A
 * new URL, so the token never reaches what the caller passed or what is logged of it.
 */
export function withAccessTokenParameter(settings: Pick<ProviderSettings, 'accessTokenParameter'>, url: URL, accessToken: string): URL {
  const parameter = settings.accessTokenParameter;
  return parameter ? withQueryParametersReplaced(url, [[parameter, accessToken]]) : url;
}

/**
 * A new URL: `url` with `parameters` (names and values, encoded here) after the rest of its query, in place of
 * any it had under those names, however encoded; the rest keeps its encoding as given.
 */
export function withQueryParametersReplaced(url: URL, parameters: ReadonlyArray<readonly [string, string]>): URL {
  const names = new Set(parameters.map(([name]) => name));
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !names.has(decodedQueryName(pair.split('=', 1)[0]!)));
  const added = parameters.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  const target = new URL(url);
  target.search = [...kept, ...added].join('&');
  return target;
}

/** A query parameter's name as it reads decoded (`+` a space), or as it is when it does not decode. */
function decodedQueryName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
