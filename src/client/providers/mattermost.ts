/**
 * Mattermost, as an OAuth 2.0 service provider (an OAuth 2.0 application
 * registered under Integrations, OAuth 2.0 Applications, once a System Admin
 * has turned on "Enable OAuth 2.0 Service Provider"): always self-run, so
 * `<NAME>_BASE_URL` is required, the server's Site URL (with its sub-path if
 * it has one). Plain OAuth 2.0: no discovery, no ID token. From Mattermost's
 * developer docs (https://developers.mattermost.com/integrate/apps/authentication/oauth2/)
 * and its server's behaviour as its source has it:
 * - The endpoints are `<base>/oauth/authorize`, `<base>/oauth/access_token`
 *   and, for the person, `<base>/api/v4/users/me`. The authorization code
 *   grant is supported; a confidential client (one made in the UI) sends its
 *   id and secret in the form (`client_secret_post`, as the docs name its
 *   token endpoint auth method). PKCE is taken (and required of public
 *   clients only); the challenge is sent.
 * - There are no scopes to ask for: the token does whatever the person may do
 *   ("The application can then perform any action for which the user has
 *   permission"). A trusted app (set by a System Admin) and an app the person
 *   authorized before get their codes without a consent page.
 * - The token answer is `access_token`, `token_type: "bearer"`, `expires_in`
 *   (the server's SessionLengthSSOInHours, 720 hours unless set otherwise),
 *   an empty `scope` and `refresh_token`. A refresh answers a new access
 *   token and a new refresh token, ending the old access token's session and
 *   the old refresh token: the new pair is kept. A refresh token has no end
 *   of its own.
 * - Refusals are Mattermost's AppError JSON, not RFC 6749 §5.2's:
 *   `{ id, message, detailed_error, request_id, status_code }`, whose `id`
 *   names the failure and whose (translated) message starts with the OAuth
 *   code: an unknown refresh token is HTTP 404
 *   `api.oauth.get_access_token.refresh_token.app_error`, an unknown or used
 *   code 400 (an expired one 403) `api.oauth.get_access_token.expired_code.app_error`,
 *   a wrong client secret 401 `model.oauth.validate_grant.credentials.app_error`
 *   (older servers: `api.oauth.get_access_token.credentials.app_error`). The
 *   tokenResponse hook reads these ids as `invalid_grant` and
 *   `invalid_client`, so a refused refresh token means signing in again, not
 *   a configuration fault.
 * - The person is `/api/v4/users/me`: `id` (26 characters, fixed; the
 *   username can be changed) is the subject, `first_name` and `last_name`
 *   the name (else the `username`), `email` kept as verified only when the
 *   user object says `email_verified: true`.
 * - The REST API is `<base>/api/v4`, taking the access token as Bearer.
 * - No revocation endpoint is documented: a person revokes the app under
 *   Settings, Security, OAuth 2.0 Applications (which ends its tokens), and
 *   deleting the app revokes it for everyone; disconnect deletes the tokens
 *   here and says they were not revoked at the server.
 * Not checked against Mattermost's own pages (the behaviour above past the
 * endpoints, the auth method and the flows is read from its server's
 * source): the token answer's members and lifetime, the AppError ids and
 * statuses, that a person who denies the consent page goes back with
 * `error=access_denied`, and whether a server answers an empty `id_token`
 * (the tokenResponse hook drops one, which is no ID token).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** The AppError ids of a code or refresh token Mattermost does not take, RFC 6749 §5.2's `invalid_grant`. */
const GRANT_REFUSALS = new Set(['api.oauth.get_access_token.refresh_token.app_error', 'api.oauth.get_access_token.expired_code.app_error', 'api.oauth.get_access_token.redirect_uri.app_error']);
/** The AppError ids of a client it does not take, RFC 6749 §5.2's `invalid_client`. */
const CLIENT_REFUSALS = new Set(['model.oauth.validate_grant.credentials.app_error', 'api.oauth.get_access_token.credentials.app_error']);

/**
 * Mattermost's AppError refusals of a grant or a client as RFC 6749's
 * `invalid_grant` and `invalid_client` (its message as the description);
 * an empty `id_token` dropped from tokens; anything else as it came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.ok) {
    if (fields?.id_token !== '') return rebuiltAnswer(response, response.status, text);
    const { id_token: _empty, ...tokens } = fields;
    return rebuiltAnswer(response, response.status, JSON.stringify(tokens), 'application/json');
  }
  const id = typeof fields?.id === 'string' ? fields.id : '';
  const error = GRANT_REFUSALS.has(id) ? 'invalid_grant' : CLIENT_REFUSALS.has(id) ? 'invalid_client' : undefined;
  if (!error || fields?.error !== undefined) return rebuiltAnswer(response, response.status, text);
  const description = typeof fields!.message === 'string' ? fields!.message : id;
  const status = error === 'invalid_client' ? 401 : 400;
  return rebuiltAnswer(response, status, JSON.stringify({ error, error_description: description, mattermost_error: id }), 'application/json');
}

/** The person of /api/v4/users/me: its `id`, the full name (else the username), the username, and the e-mail, verified only when the user says so. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'string' || id === '') return undefined;
  const username = trimmedText(user!.username);
  const name = joinedName(user!.first_name, user!.last_name) ?? username;
  const email = trimmedText(user!.email);
  return {
    id,
    ...textMembers({ name, preferred_username: username }),
    ...(email ? { email, email_verified: user!.email_verified === true } : {}),
  };
}

export const mattermost: ProviderPreset = {
  displayName: 'Mattermost',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    const server = withoutTrailingSlash(baseUrl ?? '');
    return {
      endpoints: {
        authorizationEndpoint: `${server}/oauth/authorize`,
        tokenEndpoint: `${server}/oauth/access_token`,
        userinfoEndpoint: `${server}/api/v4/users/me`,
      },
      scope: '',
      apiBaseUrl: `${server}/api/v4`,
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
      hooks: { tokenResponse, profileClaims },
    };
  },
};
