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
  const added = parameters.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  const target = new URL(url);
  target.search = [...pairsWithout(url, new Set(parameters.map(([name]) => name))), ...added].join('&');
  return target;
}

/**
 * The API's answer as its caller gets it when the access token travels in the query (accessTokenParameter): without
 * any header that repeats the token (a Location or a pagination Link built from the URL asked), and with a `url`
 * that names no token; the answer itself when the provider takes the token in a header.
 */
export function withoutTokenInAnswer(settings: Pick<ProviderSettings, 'accessTokenParameter'>, response: Response, accessToken: string): Response {
  const parameter = settings.accessTokenParameter;
  if (!parameter) return response;
  const forms = [accessToken, encodeURIComponent(accessToken)];
  const headers = new Headers();
  for (const [name, value] of response.headers) if (!forms.some((form) => value.includes(form))) headers.append(name, value);
  const answer = new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  // Response.url is read-only and empty on a Response made here: the URL that answered, less the token, in its place.
  if (URL.canParse(response.url)) {
    const answered = new URL(response.url);
    answered.search = pairsWithout(answered, new Set([parameter])).join('&');
    Object.defineProperty(answer, 'url', { value: answered.href });
  }
  return answer;
}

/** The `name=value` pairs of `url`'s query, as encoded, less those named `names` (however encoded) and empty ones. */
function pairsWithout(url: URL, names: ReadonlySet<string>): string[] {
  return url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !names.has(decodedQueryName(pair.split('=', 1)[0]!)));
}

/** A query parameter's name as it reads decoded (`+` a space), or as it is when it does not decode. */
function decodedQueryName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
