/**
 * Squarespace (an OAuth client registered with Squarespace, for extensions
 * that reach a Squarespace website's Commerce APIs). Plain OAuth 2.0 without
 * discovery or an ID token. From Squarespace's pages
 * (https://developers.squarespace.com/oauth,
 * https://developers.squarespace.com/commerce-apis/retrieve-basic-site-info):
 * - `GET https://login.squarespace.com/api/1/login/oauth/provider/authorize`
 *   with `client_id`, `redirect_uri`, `scope` and `state`; the confirmation
 *   page lets the person Allow or Deny the client's access to one of their
 *   websites. Squarespace's scopes are per Commerce API (`website.orders`,
 *   `website.orders.read`, `website.products.read`, `website.inventory.read`,
 *   `website.transactions.read`…); `website.orders.read` is asked, and the
 *   authorizationScope hook sends the list comma-separated, as Squarespace
 *   takes it. `access_type=offline` is sent for a refresh token. No PKCE is
 *   documented, so none is sent;
 * - the token is the website's, not a person's: "a given API key or OAuth
 *   token can only belong to one website", and `GET
 *   https://api.squarespace.com/1.0/authorization/website` names it. Its `id`
 *   ("Id of the website that owns the API key or OAuth") is the subject; the
 *   `title` is the name, and the `siteId` (the website's subdomain within
 *   squarespace.com, which its owner may rename) and the canonical `url` are
 *   kept with the profile. There is no person, and so no e-mail;
 * - API calls go to `https://api.squarespace.com`, each API's version in its
 *   path (`/1.0/commerce/orders`, `/v2/commerce/products`), the token as
 *   `Authorization: Bearer`, with a `User-Agent` naming the product, as
 *   Squarespace's request examples show (`YOUR_PRODUCT / YOUR_PRODUCT_VERSION`):
 *   `<NAME>_USER_AGENT`, else `Tokenkeeper`, whatever a caller of the proxies
 *   sends; the token requests carry it too.
 * Not checked against Squarespace's pages (the OAuth page's token sections were
 * not readable as stored; these are as integrations of Squarespace send and
 * read them): `POST https://login.squarespace.com/api/1/login/oauth/provider/tokens`
 * with the client as HTTP Basic (`client_id:client_secret`) and a JSON body
 * (`grant_type`, `code` and `redirect_uri`, or `refresh_token`), which the
 * tokenRequest hook sends; the answer's `token_type`, `access_token`,
 * `access_token_expires_at` and `refresh_token_expires_at` (epoch seconds,
 * which the tokenResponse hook makes RFC 6749's `expires_in`) and
 * `refresh_token`; 30-minute access tokens; 7-day refresh tokens, a new one
 * with each refresh and the spent one ended (so the keep-alive sweep renews an
 * unused connection); the body of the token endpoint's refusals (RFC 6749
 * §5.2's is assumed); and that Squarespace has no revocation endpoint
 * (disconnect deletes the tokens here; the website's owner removes the
 * extension in Squarespace).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { commaJoinedScope, jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** Squarespace's refresh tokens end 7 days after they were issued. */
const REFRESH_TOKEN_SECONDS = 7 * 86_400;

/** The User-Agent sent when `<NAME>_USER_AGENT` names none. */
const DEFAULT_USER_AGENT = 'Tokenkeeper';

/**
 * The token answer with RFC 6749 §5.1's `expires_in`, from `access_token_expires_at` (epoch seconds, a fraction
 * allowed) when the answer has no `expires_in`; anything else as it came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!response.ok || !fields || typeof fields.access_token !== 'string' || fields.expires_in !== undefined) return rebuiltAnswer(response, response.status, text);
  const end = fields.access_token_expires_at;
  if (typeof end !== 'number' || !Number.isFinite(end) || end <= 0) return rebuiltAnswer(response, response.status, text);
  const expiresIn = Math.max(0, Math.floor(end - Date.now() / 1000));
  return rebuiltAnswer(response, response.status, JSON.stringify({ ...fields, expires_in: expiresIn }), 'application/json');
}

/**
 * The website of `/1.0/authorization/website`: its `id`, the `title` as the name, its `siteId` and `url`; an answer
 * without a string id names no website, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const website = objectOf(body);
  const id = trimmedText(website?.id);
  if (!id) return undefined;
  return { id, ...textMembers({ name: website!.title, site_id: website!.siteId, url: website!.url }) };
}

export const squarespace: ProviderPreset = {
  displayName: 'Squarespace',
  values: { userAgent: 'optional' },
  settings: ({ userAgent }) => {
    const agent = userAgent ?? DEFAULT_USER_AGENT;
    return {
      endpoints: {
        authorizationEndpoint: 'https://login.squarespace.com/api/1/login/oauth/provider/authorize',
        tokenEndpoint: 'https://login.squarespace.com/api/1/login/oauth/provider/tokens',
        userinfoEndpoint: 'https://api.squarespace.com/1.0/authorization/website',
      },
      scope: 'website.orders.read',
      authorizationParams: { access_type: 'offline' },
      pkce: false,
      apiBaseUrl: 'https://api.squarespace.com',
      apiHeaders: { 'user-agent': agent },
      fixedApiHeaders: ['user-agent'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      refreshTokenIdleSeconds: REFRESH_TOKEN_SECONDS,
      subjectClaim: 'id',
      claimNames: { name: 'name' },
      hooks: { authorizationScope: commaJoinedScope, tokenRequest: jsonTokenRequest({ 'user-agent': agent }), tokenResponse, profileClaims },
    };
  },
};
