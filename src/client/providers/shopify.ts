/**
 * Shopify (the Admin API of one store, for an app installed on it by the
 * authorization code grant). Plain OAuth 2.0 without discovery or an ID
 * token, all of it on the store's own host, `<NAME>_DOMAIN`
 * (`{shop}.myshopify.com`, checked at start-up: Shopify answers OAuth there
 * only, never on the store's own domain). From Shopify's docs
 * (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant,
 * https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens):
 * - `GET https://{shop}.myshopify.com/admin/oauth/authorize` with
 *   `client_id`, `redirect_uri`, `state` and `scope`, a comma-separated list
 *   of access scopes (`read_products,write_orders`): the authorizationScope
 *   hook joins the space-separated scope with commas. `read_products` is
 *   asked unless `<NAME>_SCOPE` says more. No access mode is asked for, so
 *   the token is an offline one, the shop's rather than a staff member's;
 * - Shopify's redirect back carries `code`, `hmac`, `host`, `shop`, `state`
 *   and `timestamp`; the app must check `hmac`, the hex HMAC-SHA256, keyed by
 *   the client secret, of the other parameters sorted by name and joined as
 *   a query string (as `URLSearchParams` encodes one; `signature` is left out
 *   too), and that `shop` is the store's host. The verifyCallback hook does
 *   both, so a forged or altered callback is refused before its code is used;
 * - `POST https://{shop}.myshopify.com/admin/oauth/access_token` with
 *   `client_id`, `client_secret` and `code`; the tokenRequest hook sends
 *   openid-client's form as JSON, as Shopify's own libraries do, and adds
 *   `expiring=1` to the code exchange: since December 2025 that makes the
 *   offline token expire after 60 minutes (`expires_in: 3600`) with a
 *   `refresh_token`
 *   (https://shopify.dev/changelog/offline-access-tokens-now-support-expiry-and-refresh);
 *   public apps must use them, and from January 1, 2027 non-expiring ones are
 *   refused
 *   (https://shopify.dev/docs/apps/build/security/credentials-and-data/use-expiring-offline-access-tokens).
 *   A refresh is `grant_type=refresh_token` with the client and the
 *   `refresh_token` at the same endpoint; Shopify replaces the refresh token
 *   at each use, and the new one is kept. A refresh token lives 90 days
 *   (https://shopify.dev/changelog/more-resilient-refreshes-for-expiring-offline-access-tokens),
 *   so the keep-alive sweep refreshes a connection nobody used before then.
 *   The answer's `scope` is comma-separated too, which the tokenResponse
 *   hook makes RFC 6749 §5.1's, and it names no `token_type`, so it is read
 *   as Bearer (omitsTokenType). A store whose app is not held to expiring
 *   tokens may still answer one without `expires_in` or a refresh token,
 *   kept as a token that does not expire;
 * - the Admin API is `https://{shop}.myshopify.com/admin/api/{version}/…`
 *   (GraphQL at `graphql.json`); the API base is `/admin/api`, the version the
 *   caller's to name in the path (an unsupported one falls forward to the
 *   oldest supported, https://shopify.dev/docs/api/usage/versioning). The
 *   token goes in `X-Shopify-Access-Token`, not `Authorization`
 *   (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens):
 *   accessTokenHeader;
 * - the person is the shop, as an offline token is the shop's: the GraphQL
 *   query `{ shop { id name email myshopifyDomain } }` at version 2026-07;
 *   the subject is the shop's global id (`gid://shopify/Shop/…`), its name
 *   and contact e-mail the profile's, that e-mail's verification unknown
 *   (https://shopify.dev/docs/api/admin-graphql/latest/objects/Shop);
 * - Shopify has no OAuth revocation endpoint: an offline token ends when the
 *   store uninstalls the app, which ends it for everyone connected to the
 *   store, so disconnect deletes the token here and says it was not revoked
 *   at Shopify, as for Intercom.
 * Not checked against Shopify's pages, which leave the details to its
 * libraries: the token endpoint's refusals (RFC 6749 §5.2's `error` is
 * assumed, `invalid_grant` for a used or unknown code or refresh token, as
 * for a refresh token older than 90 days), whether the answer names
 * `refresh_token_expires_in` (read as RFC 6749's and the GitHub Apps' are
 * when named), whether `expiring` is taken as the string `1` in the JSON
 * body, whether a callback that declines the install carries `error` (it is
 * not asked to be signed: it grants nothing), whether PKCE is taken (the
 * challenge is sent, which RFC 7636 §4.5 has a server ignore), and the Admin
 * API's answer to a token it does not take (401, as its status codes say,
 * https://shopify.dev/docs/api/usage/response-codes).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { commaJoinedScope, type ProviderPreset } from './preset.js';

/** The Admin API version the shop is read at; Shopify serves an unsupported version as the oldest supported one. */
const SHOP_QUERY_VERSION = '2026-07';

/** openid-client's form as JSON, the client in it, with `expiring=1` on the code exchange for an expiring offline token and a refresh token. */
function tokenRequest(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'content-type'));
  const fields = Object.fromEntries(request.body);
  const body = fields.grant_type === 'authorization_code' ? { ...fields, expiring: '1' } : fields;
  return { body: JSON.stringify(body), headers: { ...headers, 'content-type': 'application/json' } };
}

/** A token answer as JSON, its comma-separated scope space-separated as RFC 6749 §5.1 has it. Refusals as they came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields || typeof fields.access_token !== 'string') return rebuiltAnswer(response, response.status, text);
  const { scope } = fields;
  const kept = { ...fields, ...(typeof scope === 'string' ? { scope: scope.split(',').map((token) => token.trim()).filter(Boolean).join(' ') } : {}) };
  return rebuiltAnswer(response, response.status, JSON.stringify(kept), 'application/json');
}

/** The shop of `{ data: { shop: {…} } }`, when it has its global id: an answer without one names no one, and the sign-in fails. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const shop = (body as { data?: { shop?: unknown } | null } | null)?.data?.shop;
  if (shop === null || typeof shop !== 'object' || Array.isArray(shop)) return undefined;
  const { id } = shop as Record<string, unknown>;
  return typeof id === 'string' && id.startsWith('gid://shopify/Shop/') ? (shop as Record<string, unknown>) : undefined;
}

/** The message Shopify signs: every parameter but `hmac` and `signature`, sorted by name, as a query string. */
export function signedMessage(parameters: URLSearchParams): string {
  const kept = [...parameters].filter(([name]) => name !== 'hmac' && name !== 'signature');
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new URLSearchParams(kept).toString();
}

/** A verifyCallback hook for the store at `domain`: one `hmac`, Shopify's over the rest, and `shop` that store. */
function callbackVerifier(domain: string): (parameters: URLSearchParams, clientSecret: string) => boolean {
  return (parameters, clientSecret) => {
    const sent = parameters.getAll('hmac');
    const shops = parameters.getAll('shop');
    if (sent.length !== 1 || shops.length !== 1 || shops[0]!.toLowerCase() !== domain.toLowerCase()) return false;
    const expected = createHmac('sha256', clientSecret).update(signedMessage(parameters)).digest();
    const given = /^[0-9a-f]{64}$/i.test(sent[0]!) ? Buffer.from(sent[0]!, 'hex') : undefined;
    return given !== undefined && timingSafeEqual(given, expected);
  };
}

export const shopify: ProviderPreset = {
  displayName: 'Shopify',
  values: { domain: 'required' },
  settings: ({ domain }) => {
    const origin = `https://${domain ?? ''}`;
    return {
      endpoints: {
        authorizationEndpoint: `${origin}/admin/oauth/authorize`,
        tokenEndpoint: `${origin}/admin/oauth/access_token`,
        userinfoEndpoint: `${origin}/admin/api/${SHOP_QUERY_VERSION}/graphql.json`,
      },
      scope: 'read_products',
      apiBaseUrl: `${origin}/admin/api`,
      accessTokenHeader: 'x-shopify-access-token',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenIdleSeconds: 90 * 86_400,
      userinfoPostJson: { query: '{ shop { id name email myshopifyDomain } }' },
      subjectClaim: 'id',
      claimNames: { name: 'name', email: 'email' },
      omitsTokenType: true,
      hooks: { authorizationScope: commaJoinedScope, tokenRequest, tokenResponse, profileClaims, verifyCallback: callbackVerifier(domain ?? '') },
    };
  },
};
