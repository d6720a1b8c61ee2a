/**
 * A refresh at the provider itself, as a test sends it to check what the
 * provider answers (a rotated token, a spent one refused): RFC 6749 §6's
 * POST of a form with `grant_type=refresh_token` and the refresh token, the
 * client authenticated either way §2.3.1 allows. A test whose request differs
 * in kind (a JSON body, parameters in the query, credentials of the
 * provider's own) keeps its own request.
 */

/** How the request authenticates the client, and what it sends beside RFC 6749 §6's members. */
export interface RefreshAtProviderOptions {
  /** HTTP Basic with `client_id:client_secret` base64-encoded as they are (default), or `client_id` and `client_secret` in the form. */
  by?: 'basic' | 'form';
  /** Form members after the others (e.g. `scope`). */
  extra?: Record<string, string>;
  /** Headers beside the Basic one (e.g. `accept`). */
  headers?: Record<string, string>;
}

/** POSTs a refresh with `refreshToken` as `client` to the provider's token endpoint at `tokenUrl`, and returns its answer as it is. */
export function refreshAtProvider(tokenUrl: string, client: { clientId: string; clientSecret: string }, refreshToken: string, options: RefreshAtProviderOptions = {}): Promise<Response> {
  const { by = 'basic', extra = {}, headers = {} } = options;
  const form: Record<string, string> = by === 'form' ? { client_id: client.clientId, client_secret: client.clientSecret } : {};
  const basic: Record<string, string> = by === 'basic' ? { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` } : {};
  return fetch(tokenUrl, {
    method: 'POST',
    headers: { ...headers, ...basic },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, ...form, ...extra }),
  });
}
