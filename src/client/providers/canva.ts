/**
 * Canva (an integration of the Canva Connect APIs, made in the Developer
 * Portal with the scopes it asks for). Plain OAuth 2.0 with explicit
 * endpoints: no discovery, no ID token, no e-mail. From Canva's docs:
 * - `GET https://www.canva.com/api/oauth/authorize` with `client_id`,
 *   `response_type=code`, `redirect_uri`, `state`, a space-separated `scope`
 *   (each one the integration selected) and a PKCE challenge, which is
 *   required: the Connect APIs use the authorization code flow with PKCE
 *   using SHA-256 (https://canva.dev/docs/connect/authentication);
 * - `POST https://api.canva.com/rest/v1/oauth/token` takes the code with its
 *   `code_verifier`, or a refresh token, in a form; the client authenticates
 *   with Basic, base64 of `{client id}:{client secret}` as they are (which
 *   Canva recommends), or `client_id` and `client_secret` in the body. Access
 *   tokens live 4 hours (`expires_in`, "subject to change"); a refresh answers
 *   a new access token and a new refresh token, the scope the same or smaller
 *   (https://canva.dev/docs/connect/api-reference/authentication/generate-access-token);
 * - a failed request answers the Connect APIs' error object, `code` and
 *   `message`, whose codes include `invalid_grant`, `invalid_client`,
 *   `invalid_request`, `unauthorized_client`, `unsupported_grant_type` and
 *   `invalid_scope` (https://canva.dev/docs/connect/error-responses): the
 *   tokenResponse hook rewrites such a refusal as RFC 6749 §5.2's `error`
 *   and `error_description`, so a refused refresh token marks the connection
 *   for re-authorization;
 * - `POST https://api.canva.com/rest/v1/oauth/revoke` revokes an access or a
 *   refresh token (a form with `token`), the client authenticated as at the
 *   token endpoint; revoking the refresh token revokes its lineage, the
 *   access tokens made from it, and the person's consent
 *   (https://canva.dev/docs/connect/api-reference/authentication/revoke-token):
 *   RFC 7009 as the core sends it, the refresh token first;
 * - the person is `GET https://api.canva.com/rest/v1/users/me`, which needs no
 *   scope and answers `team_user` with their `user_id` (the subject) and the
 *   `team_id` the grant is for (https://canva.dev/docs/connect/api-reference/users/users-me);
 *   their display name is `GET /v1/users/me/profile`, behind `profile:read`,
 *   as `profile.display_name` (https://canva.dev/docs/connect/api-reference/users/users-profile).
 *   The Connect APIs tell no e-mail;
 * - the API is https://api.canva.com/rest, each call under `/v1`; a token it
 *   does not take is 401 `invalid_access_token` or `revoked_access_token`.
 * Not checked against Canva's own pages: whether the authorization endpoint
 * takes RFC 7636's `code_challenge_method=S256`, which is sent, as well as
 * the `s256` its guide writes; the HTTP status of the token endpoint's
 * refusals and whether it may answer RFC 6749's `error` instead (either is
 * read); whether the used refresh token stops working once a refresh answered
 * a new one (the newest is always kept) and how long a refresh token lasts
 * unused (none assumed, so no keep-alive); what the authorization endpoint
 * sends back when the person declines (RFC 6749's `access_denied` is
 * assumed); whether `user_id` is the same for a person in every team they
 * belong to (the Admin API's per-user team memberships suggest so).
 */
import { readTokenEndpointBody, rebuiltAnswer, type ProfileReader } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** The token endpoint's refusals RFC 6749 §5.2 names; Canva sends them as `code`. */
const OAUTH_ERRORS = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']);

/**
 * A refusal as the Connect APIs' `{ code, message }` rewritten as RFC 6749 §5.2's `{ error, error_description }`
 * (`invalid_client` as 401, the others as 400). An answer already in RFC 6749's shape, a success, a 5xx, or a code
 * RFC 6749 does not name is left as it was.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  const code = fields?.code;
  if (response.status < 400 || response.status >= 500 || fields?.error !== undefined || typeof code !== 'string' || !OAUTH_ERRORS.has(code)) {
    return rebuiltAnswer(response, response.status, text);
  }
  const message = typeof fields!.message === 'string' && fields!.message !== '' ? fields!.message : `Canva answered ${code}`;
  return rebuiltAnswer(response, code === 'invalid_client' ? 401 : 400, JSON.stringify({ error: code, error_description: message }), 'application/json');
}

/** `team_user` of `/v1/users/me`: the `user_id` and the `team_id`; an answer without a user id names no one. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const teamUser = objectOf(objectOf(body)?.team_user);
  const userId = teamUser?.user_id;
  if (typeof userId !== 'string' || userId === '') return undefined;
  const teamId = teamUser!.team_id;
  return { user_id: userId, ...(typeof teamId === 'string' && teamId !== '' ? { team_id: teamId } : {}) };
}

/** The display name of `/v1/users/me/profile`; nothing when the grant lacks `profile:read` (Canva's 403) or the name is empty. */
async function readMoreClaims(reader: ProfileReader): Promise<Record<string, unknown>> {
  if (!reader.apiBaseUrl) return {};
  const answer = await reader.getJson(`${withoutTrailingSlash(reader.apiBaseUrl)}/v1/users/me/profile`);
  const name = objectOf(objectOf(answer)?.profile)?.display_name;
  return typeof name === 'string' && name.trim() !== '' ? { display_name: name.trim() } : {};
}

export const canva: ProviderPreset = {
  displayName: 'Canva',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.canva.com/api/oauth/authorize',
      tokenEndpoint: 'https://api.canva.com/rest/v1/oauth/token',
      userinfoEndpoint: 'https://api.canva.com/rest/v1/users/me',
      revocationEndpoint: 'https://api.canva.com/rest/v1/oauth/revoke',
    },
    scope: 'profile:read design:meta:read',
    apiBaseUrl: 'https://api.canva.com/rest',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    subjectClaim: 'user_id',
    claimNames: { name: 'display_name' },
    hooks: { tokenResponse, profileClaims, readMoreClaims },
  }),
};
