/**
 * iNaturalist (an OAuth application registered at
 * https://www.inaturalist.org/oauth/applications/new, the callback as its
 * redirect URI). Plain OAuth 2.0 authorization code on www.inaturalist.org,
 * no discovery, no ID token. As iNaturalist's API reference describes its
 * OAuth flows (https://www.inaturalist.org/pages/api+reference#auth, see
 * also https://www.inaturalist.org/pages/developers), read here through the
 * clients that follow it, and as its server's published configuration sets
 * them:
 * - `GET https://www.inaturalist.org/oauth/authorize` with `client_id`,
 *   `redirect_uri` and `response_type=code`; the person approves the
 *   application and is sent back with a `code`;
 * - `POST https://www.inaturalist.org/oauth/token` with `client_id`,
 *   `client_secret`, `code`, `redirect_uri` and
 *   `grant_type=authorization_code`: the client in the form body. The answer
 *   is `access_token`, `token_type: "Bearer"`, `scope` and `created_at`: a
 *   token with no end and no refresh token, kept with no end; an API that
 *   later refuses it asks for a new sign-in;
 * - the token goes in `Authorization: Bearer` to the Rails API on
 *   www.inaturalist.org (the API base), where `GET /users/edit.json` answers
 *   the signed-in person's own record: its numeric `id` (the account's id,
 *   the subject: the `login` can be changed by the person), `login`, `name`
 *   and `email`; `GET /users/api_token` trades the token for the JSON Web
 *   Token that api.inaturalist.org's newer API takes;
 * - no scope is asked: iNaturalist's server grants its default scopes,
 *   `write login`, to an authorization that names none
 *   (https://github.com/inaturalist/inaturalist/blob/main/config/initializers/doorkeeper.rb,
 *   the server's own published configuration, which also sets access tokens
 *   to never expire and issues no refresh tokens);
 * - no revocation endpoint is documented: disconnect deletes the token
 *   here; the person removes the application in their account settings.
 * Not checked against iNaturalist's pages, which could not be read for this:
 * the request parameters, the token answer's members and the members of
 * `/users/edit.json` (as clients of the API send and read them; the scopes
 * and the lifetimes are from the server's published configuration); whether
 * PKCE is taken from a confidential client (none is sent), whether the
 * e-mail of `/users/edit.json` is verified (it is stored unverified), the
 * bodies of a refused token request (Doorkeeper's RFC 6749 §5.2 errors are
 * assumed) and the status and body of the API's refusal of a token (401 is
 * assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The person of `/users/edit.json`: the numeric `id` as its digits, the `name`
 * (or, when it is empty, the `login`), the `login` and the e-mail; an answer
 * without a numeric id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
  const { name, login } = textMembers({ name: user!.name, login: user!.login });
  return { id: String(id), ...textMembers({ name: name ?? login, preferred_username: login, email: user!.email }) };
}

export const inaturalist: ProviderPreset = {
  displayName: 'iNaturalist',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.inaturalist.org/oauth/authorize',
      tokenEndpoint: 'https://www.inaturalist.org/oauth/token',
      userinfoEndpoint: 'https://www.inaturalist.org/users/edit.json',
    },
    // None: an authorization that names no scope gets iNaturalist's defaults, `write login`.
    scope: '',
    apiBaseUrl: 'https://www.inaturalist.org',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
