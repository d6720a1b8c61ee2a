/**
 * Foursquare (the Foursquare and Swarm user API v2, for a project made in Foursquare's Developer Console with a
 * redirect URL). Plain OAuth 2.0 without discovery, scopes, an ID token or refresh tokens. From Foursquare's docs
 * (https://docs.foursquare.com/developer/reference/v2-authentication,
 * https://docs.foursquare.com/developer/docs/using-oauth-authentication):
 * - `GET https://foursquare.com/oauth2/authenticate` with `client_id`, `response_type=code` and `redirect_uri` (the
 *   project's registered one); Foursquare has no scopes, so none is sent;
 * - the code is exchanged at `https://foursquare.com/oauth2/access_token` with `client_id`, `client_secret`,
 *   `grant_type=authorization_code`, `redirect_uri` and `code`; the answer is JSON `{ access_token }` alone, with
 *   no `token_type` (read as Bearer, omitsTokenType), no `expires_in` and no refresh token: "Access tokens do not
 *   expire, but they may be revoked by the user" (https://developer.foursquare.com/overview/auth), so the token is
 *   kept with no end and nothing refreshes; one the API refuses (401, "Invalid request token",
 *   https://docs.foursquare.com/developer/reference/errors) asks for a new sign-in;
 * - the API is `https://api.foursquare.com/v2`, the person's token in the `oauth_token` query parameter
 *   (https://docs.foursquare.com/developer/reference/authentication-v2: the token "is passed in the oauth_token
 *   field when making a call"), which accessTokenParameter puts on every call in place of Authorization; every
 *   request names the API version it was written for as `v=YYYYMMDD`, which the profile request sends and each
 *   caller sends on its own calls;
 * - the person is `GET /v2/users/self` (`self` is "the acting user",
 *   https://developer.foursquare.com/docs/api/users/details), answered `{ meta: { code }, response: { user } }`:
 *   the user's `id`, "a unique identifier for this user", is the subject, with `firstName` and `lastName` as the
 *   name and the e-mail of `contact.email` when the user shows one, stored as unverified;
 * - Foursquare documents no revocation: the person removes the app in their Foursquare settings, so disconnect
 *   deletes the token here.
 * Not checked against Foursquare's own pages: whether the token endpoint takes the form POST that openid-client
 * sends (its pages show the parameters on the URL, and a POST of them as a form, RFC 6749 §4.1.3, is assumed to be
 * taken), the answer to a refused code or client (RFC 6749 §5.2's `error` is assumed), whether the authorization
 * response sends `state` back (RFC 6749 §4.1.2 has it, and it is required here), whether PKCE is taken (none is
 * sent) and the answer to a declined authorization (RFC 6749 §4.1.2.1's `access_denied` is assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** The API version (`v=YYYYMMDD`) the profile's shape is read for. */
const API_VERSION = '20240601';

/**
 * The user of /users/self, inside `response.user`: `id` as the subject, the first and last names as `given_name`
 * and `family_name` (joined as the name), and `contact.email` when shown; an answer without a user id names no one,
 * and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(objectOf(body)?.response)?.user);
  const id = trimmedText(user?.id);
  if (!user || !id) return undefined;
  return { id, ...textMembers({ name: joinedName(user.firstName, user.lastName), given_name: user.firstName, family_name: user.lastName, email: objectOf(user.contact)?.email }) };
}

export const foursquare: ProviderPreset = {
  displayName: 'Foursquare',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://foursquare.com/oauth2/authenticate',
      tokenEndpoint: 'https://foursquare.com/oauth2/access_token',
      userinfoEndpoint: `https://api.foursquare.com/v2/users/self?v=${API_VERSION}`,
    },
    scope: '',
    pkce: false,
    apiBaseUrl: 'https://api.foursquare.com/v2',
    accessTokenParameter: 'oauth_token',
    tokenEndpointAuthMethod: 'client_secret_post',
    omitsTokenType: true,
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { profileClaims },
  }),
};
