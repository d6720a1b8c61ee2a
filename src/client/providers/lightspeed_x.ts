/**
 * Lightspeed Retail (X-Series), formerly Vend (an add-on registered in
 * Lightspeed's developer portal). Plain OAuth 2.0, RFC 6749's authorization
 * code grant, with explicit endpoints: no discovery, no ID token. A
 * connection is one store (a retailer account), each on its own host. From
 * Lightspeed's docs:
 * - `GET https://secure.retail.lightspeed.app/connect` with
 *   `response_type=code`, `client_id`, `redirect_uri` and `state`, required
 *   and at least 8 characters
 *   (https://x-series-api.lightspeedhq.com/docs/authorization,
 *   https://x-series-api.lightspeedhq.com/changelog/2023-11-authorization-state-parameter),
 *   and a space-delimited `scope` (https://x-series-api.lightspeedhq.com/docs/scopes);
 * - the callback names the store beside the code, `domain_prefix`, whose
 *   token endpoint is `https://{domain_prefix}.retail.lightspeed.app/api/1.0/token`
 *   (https://x-series-api.lightspeedhq.com/docs/authorization): the
 *   codeExchangeServer hook names that host beside the configured token
 *   endpoint's (`secure.retail.lightspeed.app`, whose first label the prefix
 *   replaces), and a host among `<NAME>_REGIONAL_SERVERS` (default
 *   `https://*.retail.lightspeed.app`: exactly one DNS label under it) gets
 *   the code, the profile request, the connection's API calls and refreshes;
 *   a prefix that is not one DNS label (a dot, a slash, an `@`, empty) is
 *   refused with a clear 400 before the code (or the client's secret) goes
 *   anywhere. `secure.retail.lightspeed.app/api/1.0/token` is only where the
 *   stores' hosts are named from: a code goes there only for a store whose
 *   prefix is `secure`;
 * - `POST /api/1.0/token` on the store's host, the parameters in a form body
 *   (never the URL, https://x-series-api.lightspeedhq.com/changelog/2017-03-security-update):
 *   `code`, `client_id`, `client_secret`, `grant_type`, `redirect_uri`; the
 *   answer is `access_token`, `token_type` `Bearer`, `expires` (epoch
 *   seconds), `expires_in`, `refresh_token`, `domain_prefix` and `scope`. A
 *   refresh (`refresh_token`, `client_id`, `client_secret`, `grant_type`)
 *   answers a new refresh token and revokes the one used
 *   (https://x-series-api.lightspeedhq.com/changelog/2025-03-refresh-token-flow-update);
 * - the API is `https://{domain_prefix}.retail.lightspeed.app/api/2.0` with
 *   the token as Bearer (the 2017-03 update above): each connection's API
 *   base is its store's host and `/api/2.0`;
 * - the connection is the store: `GET /api/2.0/retailer`, behind
 *   `retailer:read`, answers the retailer under `data`
 *   (https://x-series-api.lightspeedhq.com/changelog/2020-03-new-retailer-api):
 *   its `id` (a UUID) is the subject, with its `name` and `domain_prefix`.
 *   No person is named: there is no e-mail.
 * Lightspeed documents no revocation endpoint for these tokens: disconnect
 * deletes them here, and the retailer removes the add-on in their store.
 * Not checked against Lightspeed's own pages: the callback's parameters
 * beyond the code (the stored authorization page was read only up to its
 * first step; `domain_prefix` and `state` are as integrations read them),
 * the Retailer's members (`id`, `name`, `domain_prefix`, as Lightspeed's
 * OpenAPI for the dated `/retailer` has them, which asks `payment_types:read`
 * too), the access token's lifetime (the answer's `expires_in` is read), the
 * token endpoint's refusals (RFC 6749 §5.2's `error` assumed), whether PKCE
 * is read (the challenge is sent, which RFC 7636 §4.5 has a server ignore),
 * and what the API answers a token it does not take (a 401 assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

const SECURE = 'https://secure.retail.lightspeed.app';

/**
 * The store's host the callback's `domain_prefix` names: the prefix, lower-cased, in place of the first label of
 * the configured token endpoint's host (and its port). Not checked here: regionalServers decides.
 */
function codeExchangeServer(parameters: URLSearchParams, tokenEndpoint?: string): string | undefined {
  const prefix = (parameters.get('domain_prefix') ?? '').toLowerCase();
  const { host } = new URL(tokenEndpoint ?? `${SECURE}/api/1.0/token`);
  return `${prefix}.${host.slice(host.indexOf('.') + 1)}`;
}

/** The retailer of /api/2.0/retailer: `data.id`, with its name and domain prefix; no one without an id. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const retailer = objectOf(objectOf(body)?.data);
  const id = trimmedText(retailer?.id);
  if (!retailer || !id) return undefined;
  const kept: Record<string, unknown> = { id };
  for (const member of ['name', 'domain_prefix'] as const) {
    const value = trimmedText(retailer[member]);
    if (value) kept[member] = value;
  }
  return kept;
}

export const lightspeed_x: ProviderPreset = {
  displayName: 'Lightspeed Retail',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: `${SECURE}/connect`,
      tokenEndpoint: `${SECURE}/api/1.0/token`,
      userinfoEndpoint: `${SECURE}/api/2.0/retailer`,
    },
    regionalServers: ['https://*.retail.lightspeed.app'],
    scope: 'retailer:read',
    connectionApiBase: { regionalServerPath: '/api/2.0' },
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', preferredUsername: 'domain_prefix' },
    hooks: { codeExchangeServer, profileClaims },
  }),
};
