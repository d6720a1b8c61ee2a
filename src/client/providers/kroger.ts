/**
 * Kroger (the Kroger public APIs, for an application registered on
 * developer.kroger.com, the callback as its redirect URL; a customer signs
 * in with their Kroger account, shared by Kroger's store banners). Plain
 * OAuth 2.0 authorization code with explicit endpoints: no discovery, no ID
 * token. From Kroger's developer documentation
 * (https://developer.kroger.com/documentation/getting-started/tutorials/authorization,
 * https://developer.kroger.com/documentation/getting-started/tutorials/refresh-token,
 * https://developer.kroger.com/documentation/public/security/guides-oauth):
 * - `GET https://api.kroger.com/v1/connect/oauth2/authorize` with
 *   `client_id`, `redirect_uri`, `response_type=code` and `scope`, all four
 *   required, and `state`; the customer signs in and approves, and is sent
 *   back with `code`. Kroger assigns an application its scopes when it is
 *   registered; `profile.compact`, which the identity API needs, is asked
 *   here (`<NAME>_SCOPE=profile.compact cart.basic:write` to add items to
 *   the customer's cart);
 * - the code is exchanged at `https://api.kroger.com/v1/connect/oauth2/token`
 *   (the same endpoint refreshes), a form, the client's id and secret as
 *   HTTP Basic; the answer holds an access token and a refresh token;
 * - a refresh (`grant_type=refresh_token`) answers a new access token and a
 *   new refresh token, and the one used is invalidated: used again, it is a
 *   400 "Missing/Invalid Refresh Token" (the refresh-token tutorial): the
 *   newest is kept;
 * - API calls go to `https://api.kroger.com/v1` with the token as Bearer; a
 *   token invalid or expired is a 401
 *   `{ "error_description": "The access token is invalid or has expired", "error": "invalid_token" }`
 *   (the refresh-token tutorial);
 * - the person is `GET /v1/identity/profile` of the public Identity API
 *   (https://developer.kroger.com/reference/, Identity), which gives "the
 *   profile id of an authenticated customer" (authorization code only) as
 *   `{ data: { id }, meta }`: `data.id`, a UUID, is the subject; the public
 *   API gives no name or e-mail (its Partner API version does, for partners
 *   only: https://developer.kroger.com/documentation/getting-started/apis/partner).
 * Kroger's Certification Environment is `https://api-ce.kroger.com`, with
 * the same paths (`<NAME>_AUTHORIZE_URL`, `<NAME>_ACCESS_TOKEN_URL` and
 * `<NAME>_API_BASE_URL` point the preset there).
 * Not checked against Kroger's own pages: the Identity reference's own
 * address (read through copies of it); that the profile id is never reused
 * (it is the one id the public API gives the customer); how the Basic pair
 * is encoded (sent as it is, as integrations encode it: `basicCredentials:
 * 'plain'`; client ids have a `-` after the application's name), and the
 * Certification Environment's host (from copies of the authorization
 * endpoints' API description); whether PKCE is read
 * (none is sent); the access-token lifetime (30 minutes, as integrations
 * read `expires_in`; the answer's own value is kept) and `token_type`; the
 * body of the token endpoint's refusals (RFC 6749 §5.2's assumed, the
 * spent refresh token `invalid_grant`); a declined authorization
 * (`access_denied` assumed). Kroger documents no revocation: disconnect
 * forgets the tokens here.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/** The customer of `/v1/identity/profile`'s `{ data: { id } }`: the profile id; an answer without one names no one, and the sign-in fails. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const id = trimmedText(objectOf(objectOf(body)?.data)?.id);
  return id ? { id } : undefined;
}

export const kroger: ProviderPreset = {
  displayName: 'Kroger',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.kroger.com/v1/connect/oauth2/authorize',
      tokenEndpoint: 'https://api.kroger.com/v1/connect/oauth2/token',
      userinfoEndpoint: 'https://api.kroger.com/v1/identity/profile',
    },
    scope: 'profile.compact',
    apiBaseUrl: 'https://api.kroger.com/v1',
    tokenEndpointAuthMethod: 'client_secret_basic',
    // The pair as it is (RFC 7617), as integrations send it: a client id's `-` is not form-encoded first.
    basicCredentials: 'plain',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
