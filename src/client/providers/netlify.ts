/**
 * Netlify (the Netlify API, for an OAuth application registered under the
 * user settings' Applications). Plain OAuth 2.0 with explicit endpoints: no
 * discovery, no ID token. From Netlify's own pages and code:
 * - Netlify is an OAuth2 provider whose integrations may use the
 *   "Authorization Code Grant" so the token stays server-side
 *   (https://www.netlify.com/blog/2016/10/10/integrating-with-netlify-oauth2/);
 *   the person is sent to `https://app.netlify.com/authorize` (the
 *   authorizationUrl of Netlify's OpenAPI document,
 *   https://github.com/netlify/open-api, swagger.yml) with `client_id`,
 *   `response_type=code`, `redirect_uri` and `state`. Netlify's OAuth
 *   applications have no scopes: a token acts as the person, so none is
 *   sent;
 * - the code is exchanged at `https://api.netlify.com/oauth/token` with
 *   `code`, `redirect_uri`, `client_id` and `client_secret`, and the answer's
 *   `access_token` is the token the API takes as Bearer, as Netlify's own
 *   OAuth example application does it
 *   (https://github.com/netlify-labs/oauth-example, functions/utils/auth.js
 *   and functions/auth-callback.js);
 * - the API is `https://api.netlify.com/api/v1` (the OpenAPI document's host
 *   and basePath); the person is `GET /user` (`getCurrentUser`): `id` (a
 *   string, the subject), `uid`, `full_name`, `email` and `avatar_url`, and
 *   an error answers `{ code, message }`.
 * Not checked against Netlify's own pages, which do not document them: the
 * token answer's other members (one without RFC 6749 §5.1's `token_type` is
 * read as Bearer: omitsTokenType), whether the token expires or
 * comes with a refresh token (none is known of: a token without an expiry is
 * kept until Netlify stops taking it, and then the connection needs a new
 * sign-in; a refresh token answered would be kept and used); whether the
 * token endpoint takes Basic credentials (the form is sent, as the example's
 * parameters are); whether PKCE is taken (the challenge is sent, which RFC
 * 7636 §4.5 has a server ignore); the status and body of a refused token
 * request (RFC 6749 §5.2's `error` is assumed); whether the e-mail is
 * verified (kept as not known to be); revocation (Netlify documents no
 * endpoint for it: disconnect deletes the token here).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/api/v1/user`: `id` as the subject, `full_name` as the name,
 * the e-mail, and `uid`; an answer without an id names no one, and the
 * sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = trimmedText(user?.id);
  if (!user || !id) return undefined;
  const name = trimmedText(user.full_name);
  const email = trimmedText(user.email);
  const uid = trimmedText(user.uid);
  return { id, ...textMembers({ full_name: name, email, uid }) };
}

export const netlify: ProviderPreset = {
  displayName: 'Netlify',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.netlify.com/authorize',
      tokenEndpoint: 'https://api.netlify.com/oauth/token',
      userinfoEndpoint: 'https://api.netlify.com/api/v1/user',
    },
    // None: Netlify's OAuth applications have no scopes.
    scope: '',
    apiBaseUrl: 'https://api.netlify.com/api/v1',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'full_name', email: 'email' },
    omitsTokenType: true,
    hooks: { profileClaims },
  }),
};
