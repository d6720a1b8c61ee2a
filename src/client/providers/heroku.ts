/**
 * Heroku (web application authorization at id.heroku.com, the Platform API at
 * api.heroku.com). Plain OAuth 2.0 without discovery or an ID token. From
 * Heroku's docs (https://devcenter.heroku.com/articles/oauth,
 * https://devcenter.heroku.com/articles/platform-api-reference):
 * - `GET https://id.heroku.com/oauth/authorize` with `client_id`,
 *   `response_type=code`, `scope` and `state`; the scopes are `global`,
 *   `identity` (the account, `GET /account`, alone), `read`, `write`,
 *   `read-protected` and `write-protected`. `identity` is asked, enough to
 *   read who signed in; an app acting on apps asks more with
 *   `<NAME>_SCOPE`. The redirect URI is the client's callback URL, so none
 *   need be sent. Heroku's authorize endpoint reads none of RFC 7636's
 *   parameters, so no PKCE is sent (as Heroku's own identity service,
 *   https://github.com/heroku/identity, reads the request);
 * - `POST https://id.heroku.com/oauth/token` with `grant_type`, `code` (or
 *   `refresh_token`) and `client_secret`, in the form (or Basic). The answer
 *   is `access_token` (`HRKU-…`), `expires_in` (access tokens last 8
 *   hours), `refresh_token`, `token_type: "Bearer"`, `user_id` and
 *   `session_nonce`. A refresh answers a new access token and the same
 *   refresh token, which does not expire;
 * - a refusal is the Platform API's error passed through, `{ id, message }`
 *   with a 4xx status (https://devcenter.heroku.com/articles/platform-api-reference#errors),
 *   not RFC 6749 §5.2's: the tokenResponse hook rewrites it as
 *   `invalid_client` when the message is about the client or its secret,
 *   and as `invalid_grant` otherwise (a code or refresh token Heroku no
 *   longer takes), keeping Heroku's id and message;
 * - the person is `GET https://api.heroku.com/account`, with `Accept:
 *   application/vnd.heroku+json; version=3` as every Platform API call
 *   needs (sent with each call unless the caller sends its own): the
 *   subject is the account `id` (a uuid, the token answer's `user_id`),
 *   with `name` (which may be null) and `email`. Its `verified` is about
 *   billing, not the e-mail, so the e-mail's verification is not known;
 * - the API is `https://api.heroku.com`, with the token as `Authorization:
 *   Bearer`;
 * - Heroku has no RFC 7009 endpoint: an authorization is revoked with
 *   `DELETE /oauth/authorizations/{id}`, its id found with `GET
 *   /oauth/authorizations`, whose entries name their `client.id`
 *   (https://devcenter.heroku.com/articles/platform-api-reference#oauth-authorization).
 *   The revoke hook deletes this client's authorizations of the person.
 *   Only a token with the `global` scope may list them: with a narrower
 *   scope Heroku refuses (403), the disconnect says the grant was not
 *   revoked there, and the person removes the app in their account's
 *   Applications settings.
 * Not checked against Heroku's pages: the statuses and ids of the token
 * endpoint's refusals (401 `unauthorized` and 404 `not_found` are taken as
 * a code or refresh token refused unless the message names the client or
 * secret), which scopes may list and delete authorizations (`global` is
 * assumed), whether deleting the authorization ends its refresh token too
 * (assumed, as the authorization holds it), and whether `client_id` in the
 * token request is ignored (it is sent, as client_secret_post sends it).
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** The Platform API's media type with its version, which every call carries (https://devcenter.heroku.com/articles/platform-api-reference#clients). */
const ACCEPT = 'application/vnd.heroku+json; version=3';

/**
 * A refusal in the Platform API's `{ id, message }` shape as RFC 6749 §5.2's `{ error, error_description }`:
 * `invalid_client` when it is about the client or its secret, `invalid_grant` otherwise. Any other answer is left as it was.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status < 400 || response.status >= 500 || !fields || fields.error !== undefined || typeof fields.id !== 'string') return rebuiltAnswer(response, response.status, text);
  const message = typeof fields.message === 'string' ? fields.message : '';
  const error = /\b(client|secret)\b/i.test(message) ? 'invalid_client' : 'invalid_grant';
  const answer = { error, error_description: message || `Heroku answered ${fields.id}`, heroku_error: fields.id };
  return rebuiltAnswer(response, error === 'invalid_client' ? 401 : 400, JSON.stringify(answer), 'application/json');
}

/** The account as the profile: its `id`, with `name` and `email` when set; an answer without an id names no one. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const account = objectOf(body);
  if (!account || typeof account.id !== 'string' || account.id === '') return undefined;
  return {
    id: account.id,
    ...(typeof account.name === 'string' && account.name !== '' ? { name: account.name } : {}),
    ...(typeof account.email === 'string' && account.email !== '' ? { email: account.email } : {}),
  };
}

/** Deletes this client's authorizations of the person, found with GET /oauth/authorizations. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('Heroku revocation needs the API base URL');
  const api = withoutTrailingSlash(request.apiBaseUrl);
  const headers = { accept: ACCEPT, ...request.apiHeaders, authorization: `Bearer ${request.accessToken}` };
  const listed = await request.send(`${api}/oauth/authorizations`, { method: 'GET', headers });
  if (listed.status === 401) {
    await listed.body?.cancel().catch(() => {});
    // A token that was live refused (the person revoked the app at Heroku), or one whose refresh Heroku refused: the grant is gone.
    if (!request.accessTokenExpired || request.refreshTokenRefused) return 'already_revoked';
    throw new ProviderUnavailableError('provider_bad_response', 'Heroku refused the expired access token when asked for its authorizations (HTTP 401).');
  }
  if (listed.status === 403) {
    await listed.body?.cancel().catch(() => {});
    throw new ProviderUnavailableError('provider_bad_response', 'Heroku lets only a token with the global scope list its authorizations (HTTP 403): the app stays authorized until the person removes it in their Heroku account settings.');
  }
  if (listed.status < 200 || listed.status > 299) {
    await listed.body?.cancel().catch(() => {});
    throw new ProviderUnavailableError(listed.status >= 500 ? 'provider_error' : 'provider_bad_response', `Heroku answered HTTP ${listed.status} when asked for the authorizations to revoke.`);
  }
  const authorizations: unknown = await listed.json().catch(() => undefined);
  if (!Array.isArray(authorizations)) throw new ProviderUnavailableError('provider_bad_response', 'Heroku did not answer GET /oauth/authorizations with a list.');
  const ours = authorizations.flatMap((entry) => {
    const authorization = objectOf(entry);
    if (!authorization || objectOf(authorization.client)?.id !== request.clientId || typeof authorization.id !== 'string') return [];
    return [{ id: authorization.id, holdsThisToken: objectOf(authorization.access_token)?.token === request.accessToken }];
  });
  if (ours.length === 0) return 'already_revoked';
  // The authorization of the token the requests are made with goes last: once it is deleted, the token is refused.
  ours.sort((a, b) => Number(a.holdsThisToken) - Number(b.holdsThisToken));
  let deletedOne = false;
  for (const { id } of ours) {
    const deleted = await request.send(`${api}/oauth/authorizations/${encodeURIComponent(id)}`, { method: 'DELETE', headers });
    await deleted.body?.cancel().catch(() => {});
    if (deleted.status >= 200 && deleted.status < 300) deletedOne = true;
    // Gone already (deleted with another of the person's authorizations of this client).
    else if (deleted.status === 404) continue;
    // The token's own authorization was among those deleted: it can delete no more.
    else if (deleted.status === 401 && deletedOne) break;
    else throw new ProviderUnavailableError(deleted.status >= 500 ? 'provider_error' : 'provider_bad_response', `Heroku refused to delete the authorization (HTTP ${deleted.status}).`);
  }
  return 'revoked';
}

export const heroku: ProviderPreset = {
  displayName: 'Heroku',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://id.heroku.com/oauth/authorize',
      tokenEndpoint: 'https://id.heroku.com/oauth/token',
      userinfoEndpoint: 'https://api.heroku.com/account',
    },
    scope: 'identity',
    pkce: false,
    apiBaseUrl: 'https://api.heroku.com',
    apiHeaders: { accept: ACCEPT },
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { tokenResponse, profileClaims, revoke },
  }),
};
