/**
 * Simkl (the Simkl API, for an app created at https://simkl.com/settings/developer/new/). Plain OAuth 2.0 with
 * explicit endpoints: no ID token, no scopes, no refresh tokens. From Simkl's API reference, its current pages
 * (https://api.simkl.org) and the Apiary description they replace (https://github.com/SIMKL/API, apiary.apib):
 * - `GET https://simkl.com/oauth/authorize` (the site, not the API host) with `response_type=code`, `client_id`,
 *   `redirect_uri` (the app's, byte for byte) and `state`; Simkl sends the person back with `code` and `state`
 *   (https://api.simkl.org/api-reference/oauth). There is no scope parameter: a token's scope is `public`;
 * - `POST https://api.simkl.com/oauth/token` with `grant_type=authorization_code`, `code`, `client_id`,
 *   `client_secret` and `redirect_uri`, as a form or JSON, the client in the body or as Basic; `client_secret` and a
 *   PKCE `code_verifier` are mutually exclusive, the verifier being for public clients only
 *   (https://api.simkl.org/api-reference/simkl/exchange-token): so no PKCE is sent. The answer is `access_token`,
 *   `token_type: "bearer"`, `scope: "public"` and `expires_in` of 157680000 (5 years); no refresh token is issued,
 *   and a token ends only when the person revokes the app in their Connected Apps settings
 *   (https://api.simkl.org/authentication). A code Simkl does not take is answered 401 `{"error": "grant_error"}`
 *   (apiary.apib, "Exchange code for access_token"): the tokenResponse hook reads it as RFC 6749's 400
 *   `invalid_grant`, so a spent code asks the person to sign in again rather than blaming the configuration;
 * - every API call carries the app's client id, as the `simkl-api-key` header (or a `client_id` query parameter),
 *   beside the token as Bearer (https://api.simkl.org/api-reference/simkl/get-user-settings); the API is
 *   `https://api.simkl.com`, answering 401 to credentials missing or wrong;
 * - the person is `POST /users/settings` ("POST for historical reasons", with an empty JSON body): `account.id` (a
 *   number, the subject), and `user` with `name` (the username, kept as `preferred_username` and the name),
 *   `avatar`, `joined_at`… (same page). Simkl gives no e-mail;
 * - there is no revocation endpoint: a disconnect deletes the token here, and the person revokes the app at
 *   https://simkl.com/settings/connected-apps/.
 * Not checked against Simkl's pages: whether a call without the `app-name` and `app-version` query parameters the
 * current reference lists is refused (the Apiary description asks only for the `simkl-api-key` header, which is
 * sent); how the token endpoint refuses a wrong client secret (RFC 6749's 401 `invalid_client` assumed); and the
 * body of the API's 401.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/** Simkl's 401 `grant_error` for a code it does not take, answered as RFC 6749 §5.2's 400 `invalid_grant`; any other answer as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status !== 401) return response;
  const { text: body, fields } = await readTokenEndpointBody(response);
  if (fields?.error !== 'grant_error') return rebuiltAnswer(response, response.status, body);
  return rebuiltAnswer(response, 400, JSON.stringify({ ...fields, error: 'invalid_grant' }), 'application/json');
}

/**
 * The person of `/users/settings`: `account.id` (a positive whole number) as `id`, `user.name` (the username) as
 * the name and `preferred_username`, and the avatar as the picture. An answer without an account id names no one,
 * and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const settings = objectOf(body);
  const id = objectOf(settings?.account)?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const user = objectOf(settings!.user);
  const name = trimmedText(user?.name);
  const avatar = trimmedText(user?.avatar);
  return { id, ...(name ? { name, preferred_username: name } : {}), ...(avatar ? { picture: avatar } : {}) };
}

export const simkl: ProviderPreset = {
  displayName: 'Simkl',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://simkl.com/oauth/authorize',
      tokenEndpoint: 'https://api.simkl.com/oauth/token',
      userinfoEndpoint: 'https://api.simkl.com/users/settings',
    },
    scope: '',
    apiBaseUrl: 'https://api.simkl.com',
    clientIdHeader: 'simkl-api-key',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    userinfoPostJson: {},
    subjectClaim: 'id',
    hooks: { tokenResponse, profileClaims },
  }),
};
