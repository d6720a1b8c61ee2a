/**
 * Vimeo (API 3.4, an app registered at developer.vimeo.com). Plain OAuth 2.0
 * without discovery or an ID token. From Vimeo's docs
 * (https://developer.vimeo.com/api/authentication,
 * https://developer.vimeo.com/api/reference/authentication-extras):
 * - `GET https://api.vimeo.com/oauth/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (one of the app's), `state` and `scope`,
 *   space-separated: `public private` is asked (what Vimeo grants when no
 *   scope is sent), enough to read the person and their own videos; an app
 *   that uploads or edits asks more (`create edit upload delete
 *   interact video_files`) with `<NAME>_SCOPE`. Vimeo documents no PKCE, so
 *   none is sent;
 * - `POST https://api.vimeo.com/oauth/access_token` with `grant_type`, `code`
 *   and `redirect_uri`, the client authenticated with HTTP Basic of
 *   `base64(client_id:client_secret)` as they are (Vimeo's secrets hold
 *   `+` and `/`, which RFC 6749 §2.3.1's form-encoding would change). The
 *   answer is `access_token`, `token_type: "bearer"`, `scope`, `app` and
 *   `user`, with no `expires_in` and no refresh token: a token from this
 *   flow does not expire, so it is kept with no end and nothing refreshes;
 *   an API that refuses it (401) asks for a new sign-in
 *   (https://help.vimeo.com/hc/en-us/articles/12427891978641-Authentication-token-safety:
 *   some workflows make tokens that "never expire");
 * - a code Vimeo does not take is answered 400 `{ error: "invalid_request",
 *   error_description: "Invalid authorization code" }`, not RFC 6749
 *   §5.2's `invalid_grant` (as seen in https://github.com/vimeo/vimeo.php/issues/298):
 *   the tokenResponse hook rewrites that one refusal as `invalid_grant`, so
 *   a code used twice or expired asks the person to sign in again rather
 *   than blaming the configuration;
 * - the person is `GET https://api.vimeo.com/me`
 *   (https://developer.vimeo.com/api/reference/users#get_user): its `uri`,
 *   `/users/{user_id}`, names the user's numeric id, which is the subject;
 *   `name` is the name. The API gives no e-mail, so none is kept;
 * - every call to the API carries `Accept:
 *   application/vnd.vimeo.*+json;version=3.4`, the version the answers'
 *   shapes are read for (Vimeo answers with its newest version otherwise),
 *   unless the caller sends its own
 *   (https://developer.vimeo.com/api/changelog);
 * - `DELETE https://api.vimeo.com/tokens` with the token as `Authorization:
 *   Bearer` revokes it, answering 204.
 * Not checked against Vimeo's pages: whether the token endpoint takes a form
 * as well as the JSON its SDKs send (a form is sent, as RFC 6749 §4.1.3 has
 * it and other clients send), the refusal of a wrong client secret (assumed
 * RFC 6749's 401 `invalid_client`), whether PKCE is taken, and the status a
 * revocation of a token Vimeo no longer takes is answered with (401 is
 * assumed, and counted as revoked already).
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** The API version every call asks for (https://developer.vimeo.com/api/changelog). */
const ACCEPT = 'application/vnd.vimeo.*+json;version=3.4';

/** A user's `uri` in the API, `/users/{user_id}`. */
const USER_URI = /^\/users\/(\d+)$/;

/** Vimeo's refusal of a code it does not take (`invalid_request`, "Invalid authorization code") as RFC 6749 §5.2's invalid_grant; any other answer is left as it was. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  const description = typeof fields?.error_description === 'string' ? fields.error_description : '';
  if (response.status !== 400 || fields?.error !== 'invalid_request' || !/authorization code/i.test(description)) return rebuiltAnswer(response, response.status, text);
  return rebuiltAnswer(response, 400, JSON.stringify({ error: 'invalid_grant', error_description: description }), 'application/json');
}

/** The user of /me: the id its `uri` names and its `name`; an answer without a user's uri names no one, and the sign-in fails. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = typeof user?.uri === 'string' ? USER_URI.exec(user.uri)?.[1] : undefined;
  if (!user || !id) return undefined;
  return { id, ...(typeof user.name === 'string' && user.name !== '' ? { name: user.name } : {}) };
}

/** Revokes the access token with `DELETE /tokens`, the token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('Vimeo revocation needs the API base URL');
  const response = await request.send(`${withoutTrailingSlash(request.apiBaseUrl)}/tokens`, {
    method: 'DELETE',
    headers: { accept: ACCEPT, ...request.apiHeaders, authorization: `Bearer ${request.accessToken}` },
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  // Tokens from this flow do not expire: one Vimeo refuses was revoked there already (the person removed the app).
  if (response.status === 401) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Vimeo answered HTTP ${response.status} to the token revocation.`);
}

export const vimeo: ProviderPreset = {
  displayName: 'Vimeo',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.vimeo.com/oauth/authorize',
      tokenEndpoint: 'https://api.vimeo.com/oauth/access_token',
      userinfoEndpoint: 'https://api.vimeo.com/me',
    },
    scope: 'public private',
    pkce: false,
    apiBaseUrl: 'https://api.vimeo.com',
    apiHeaders: { accept: ACCEPT },
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    subjectClaim: 'id',
    claimNames: { name: 'name' },
    hooks: { tokenResponse, profileClaims, revoke },
  }),
};
