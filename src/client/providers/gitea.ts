/**
 * Gitea, and Forgejo, which keeps Gitea's OAuth2 provider: always self-run,
 * so `<NAME>_BASE_URL` is required, the instance's URL (its ROOT_URL, with a
 * sub-path if it has one); `<NAME>_DISPLAY_NAME=Forgejo` names a Forgejo.
 * From Gitea's docs (https://docs.gitea.com/development/oauth2-provider):
 * - OpenID Connect with discovery at `<base>/.well-known/openid-configuration`,
 *   whose issuer, like the ID tokens' `iss`, is the instance's ROOT_URL with
 *   its trailing slash; the endpoints are `/login/oauth/authorize`,
 *   `/login/oauth/access_token`, `/login/oauth/userinfo` and `/login/oauth/keys`
 *   (RS256 by default). PKCE (S256) is taken and, for a confidential client,
 *   optional; the client's id and secret may come in the form or as Basic:
 *   the form is sent, which every version takes.
 * - The scopes: `openid profile email` for the person, and, since Gitea 1.23,
 *   the API's own (`read:user`, `read:repository`, `write:issue`…,
 *   https://docs.gitea.com/development/oauth2-provider#scopes): a token whose
 *   grant names any of them reaches only those parts of the API, one that
 *   names none reaches all of it. `read:user` is asked, which `/api/v1/user`
 *   needs; add the scopes the app's calls need with `<NAME>_SCOPE`. A
 *   confidential client a person has authorized gets its codes without a
 *   consent page, under the scope first granted: a scope asked later does not
 *   widen the grant until the person revokes it and signs in again.
 * - The person is the ID token's `sub`, the numeric user id (the login can be
 *   renamed); `name` is the full name (else the login), `preferred_username`
 *   the login, and `email` the primary address, with `email_verified` set to
 *   whether the account is active, which means the address was confirmed only
 *   on an instance that asks new accounts to confirm theirs
 *   (REGISTER_EMAIL_CONFIRM). Userinfo repeats these without
 *   `email_verified`, so the ID token's stands.
 * - Tokens ([oauth2] in https://docs.gitea.com/administration/config-cheat-sheet):
 *   access tokens live ACCESS_TOKEN_EXPIRATION_TIME (3600 seconds), refresh
 *   tokens REFRESH_TOKEN_EXPIRATION_TIME (730 hours) from their issue. Every
 *   refresh answers a new refresh token, kept in place of the old; with
 *   INVALIDATE_REFRESH_TOKENS (off by default in Gitea) the old one is refused from
 *   then on, and Gitea refuses it without ending the grant. As a refresh token
 *   ends 730 hours after it was issued however it is used, the keep-alive
 *   sweep refreshes a connection unused for that long before then.
 * - Gitea refuses what RFC 6749 §5.2 calls `invalid_grant` as
 *   `unauthorized_client` (HTTP 400) for an expired, unknown or spent refresh
 *   token ("unable to parse refresh token", "token was already used"), an
 *   unknown or used code ("client is not authorized") and a PKCE failure, and
 *   a wrong client secret at the code exchange as `unauthorized_client`
 *   ("invalid client secret"): the tokenResponse hook reads these by their
 *   descriptions as `invalid_grant` and `invalid_client`, so an ended refresh
 *   token means signing in again, not a configuration fault. A grant the
 *   person revoked (Settings, Applications) is `invalid_grant` ("grant does
 *   not exist"), and its access tokens stop working at once.
 * - The REST API is `<base>/api/v1` (https://docs.gitea.com/development/api-usage),
 *   which takes the access token as Bearer; `/api/v1/user` is the person.
 * - No revocation endpoint is documented (discovery names none): a person
 *   revokes the app under Settings, Applications, so disconnect deletes the
 *   tokens here and says they were not revoked at the instance.
 * Not checked against Gitea's or Forgejo's own pages, which were not all at
 * hand (the behaviour above is read from Gitea's source): whether Forgejo
 * takes the API scopes Gitea 1.23 added (an instance that does not grants
 * the whole API, as Gitea did before), Forgejo's default for
 * INVALIDATE_REFRESH_TOKENS (either way the newest refresh token is kept), the
 * body of the API's 401, and the refusal of a refresh for a user an
 * administrator disabled.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** Gitea's `unauthorized_client` descriptions for a refresh token or code that is no good, which RFC 6749 §5.2 calls `invalid_grant`. */
const GRANT_REFUSALS = new Set(['unable to parse refresh token', 'token was already used', 'client is not authorized', 'failed PKCE code challenge']);
/** Its `unauthorized_client` descriptions for a client secret it does not take at the code exchange, RFC 6749 §5.2's `invalid_client`. */
const CLIENT_REFUSALS = new Set(['invalid client secret', 'invalid empty client secret']);

/** Gitea's `unauthorized_client` refusals of a grant or a client secret as RFC 6749's `invalid_grant` and `invalid_client`; anything else as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  const description = typeof fields?.error_description === 'string' ? fields.error_description : '';
  if (fields?.error !== 'unauthorized_client') return rebuiltAnswer(response, response.status, text);
  const error = GRANT_REFUSALS.has(description) ? 'invalid_grant' : CLIENT_REFUSALS.has(description) ? 'invalid_client' : undefined;
  if (!error) return rebuiltAnswer(response, response.status, text);
  return rebuiltAnswer(response, response.status, JSON.stringify({ ...fields, error, gitea_error: fields.error }), 'application/json');
}

export const gitea: ProviderPreset = {
  displayName: 'Gitea',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    const instance = withoutTrailingSlash(baseUrl ?? '');
    return {
      // The issuer is ROOT_URL as Gitea writes it, with its trailing slash.
      discovery: { issuer: `${instance}/` },
      scope: 'openid profile email read:user',
      apiBaseUrl: `${instance}/api/v1`,
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenIdleSeconds: 730 * 3600,
      hooks: { tokenResponse },
    };
  },
};
