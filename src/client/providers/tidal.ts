/**
 * TIDAL (the TIDAL Developer Platform's API, for an app made in TIDAL's developer dashboard,
 * https://developer.tidal.com). OAuth 2.1 with explicit endpoints: no discovery, no ID token. From TIDAL's own
 * documentation and code:
 * - the Developer Platform "implements OAuth 2.1"; a user signs in with the Authorization code flow at
 *   `https://login.tidal.com/authorize`, the token endpoint is `https://auth.tidal.com/v1/oauth2/token`
 *   (https://developer.tidal.com/documentation/authorization/authorization-overview); the scopes are
 *   space-separated, `user.read` reading "a user's account information, such as country and email address"
 *   (https://developer.tidal.com/documentation/authorization/authorization-scopes, and the
 *   `Authorization_Code_PKCE` scheme of TIDAL's OpenAPI document, packages/api/bin/tidal-api-oas.json in
 *   https://github.com/tidal-music/tidal-sdk-web, whose `authorizationCode` flow names the same two URLs);
 * - TIDAL's own Auth module (packages/auth/src/auth/auth.ts in tidal-sdk-web) sends the person to `/authorize`
 *   with `client_id`, `response_type=code`, `redirect_uri`, `scope` and PKCE (`code_challenge`,
 *   `code_challenge_method=S256`), and exchanges the code with a form POST of `client_id`, `client_secret` (when
 *   the app has one), `code`, `code_verifier`, `grant_type=authorization_code`, `redirect_uri` and `scope`; a
 *   refresh is `client_id`, `client_secret`, `grant_type=refresh_token`, `refresh_token` and `scope`:
 *   tokenRequestsSendScope sends the scope in both, as TIDAL's module does. The answer is `access_token`,
 *   `token_type: "Bearer"`, `expires_in`, `refresh_token`, `scope` and `user_id` (packages/auth/src/types.ts); a
 *   refresh answers no refresh token ("there is no refreshToken when renewing the accessToken"), so the one of the
 *   sign-in is kept. A refusal is `{ status, error, sub_status, error_description }`;
 * - the API is `https://openapi.tidal.com/v2` (the OpenAPI document's server), JSON:API, the token as Bearer; the
 *   person is `GET /users/me` ("Use `me` for the authenticated user's resource", behind `user.read`):
 *   `{ data: { id, type: "users", attributes: { username, country, email, emailVerified, firstName,
 *   lastName } } }` (`Users_Attributes`): `data.id` is the subject, the first and last names the name,
 *   `username` the preferred username, and `emailVerified` the e-mail's verification.
 * Not checked against TIDAL's own pages: the access token's lifetime (the one answered is kept), whether the
 * refresh token ends (none is set here), whether the token endpoint takes Basic credentials (the form is sent, as
 * TIDAL's module sends it), the status and body the API answers an ended token with (401 is taken, as TIDAL's
 * module reads a 401 with its sub-status as a reason to refresh), and revocation (TIDAL documents none, and its
 * module's logout only forgets the tokens: disconnect deletes them here).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The `data` of `/users/me`, a JSON:API `users` resource: its `id` as the subject, the first and last names as
 * the name, `username`, the e-mail with `emailVerified`, and the country; an answer without an id (or of another
 * type) names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const data = objectOf(objectOf(body)?.data);
  const id = trimmedText(data?.id);
  if (!data || !id || (data.type !== undefined && data.type !== 'users')) return undefined;
  const attributes = objectOf(data.attributes) ?? {};
  const name = joinedName(attributes.firstName, attributes.lastName);
  const username = trimmedText(attributes.username);
  const email = trimmedText(attributes.email);
  const country = trimmedText(attributes.country);
  return {
    id,
    ...textMembers({ name, username }),
    ...(email ? { email, email_verified: attributes.emailVerified === true } : {}),
    ...(country ? { country } : {}),
  };
}

export const tidal: ProviderPreset = {
  displayName: 'TIDAL',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://login.tidal.com/authorize',
      tokenEndpoint: 'https://auth.tidal.com/v1/oauth2/token',
      userinfoEndpoint: 'https://openapi.tidal.com/v2/users/me',
    },
    scope: 'user.read',
    tokenRequestsSendScope: true,
    apiBaseUrl: 'https://openapi.tidal.com/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'username' },
    hooks: { profileClaims },
  }),
};
