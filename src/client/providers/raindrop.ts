/**
 * Raindrop.io (the bookmark manager's REST API v1, for an application made in
 * its App Management Console). Plain OAuth 2.0 with explicit endpoints: no
 * discovery, no ID token. From Raindrop.io's own documentation
 * (https://developer.raindrop.io, whose pages are published from
 * https://github.com/raindropio/developer-site):
 * - the person is sent to `https://raindrop.io/oauth/authorize` with
 *   `client_id`, `redirect_uri` (the one configured on the application) and
 *   `response_type=code`; there are no scopes. A refusal comes back with
 *   `error=access_denied`, and `error=invalid_application_status` when the
 *   application is over its token limit or suspended
 *   (https://developer.raindrop.io/v1/authentication/token);
 * - the code is exchanged with a `POST` to
 *   `https://raindrop.io/oauth/access_token` of `grant_type`, `code`,
 *   `client_id`, `client_secret` and `redirect_uri` "as JSON" (same page):
 *   the tokenRequest hook sends openid-client's form as that JSON body. The
 *   answer is `access_token`, `refresh_token`, `expires_in` (seconds),
 *   `expires` (the same in milliseconds, deprecated; older versions of the
 *   page show it alone, so the tokenResponse hook reads it as `expires_in`
 *   when that is missing) and `token_type: "Bearer"`. A code it does not
 *   take is HTTP 400 `{ "error": "bad_authorization_code" }`, which is not
 *   RFC 6749 §5.2's: the hook reads it as `invalid_grant`, Raindrop's word
 *   kept as `raindrop_error`, so the person is told to sign in again;
 * - access tokens "expire after two weeks"; a refresh is the same `POST`
 *   with `client_id`, `client_secret`, `grant_type=refresh_token` and
 *   `refresh_token`, answered as above with a new refresh token, which is
 *   kept (same page);
 * - API calls carry `Authorization: Bearer <access_token>`
 *   (https://developer.raindrop.io/v1/authentication/calls) under
 *   `https://api.raindrop.io/rest/v1`; the person is `GET /user`,
 *   `{ result: true, user: { _id, fullName, email, … } }`, a token it does
 *   not take answered 401 (https://developer.raindrop.io/v1/user/authenticated).
 * Not checked against Raindrop.io's own pages, which do not say: whether the
 * `state` parameter is sent back (it is sent, and checked, as RFC 6749
 * §4.1.1 has it), whether PKCE is taken (none is sent), whether the token
 * endpoint takes a form as well as JSON (JSON is sent), the answer to a
 * refresh token or a client it does not take (RFC 6749 §5.2's
 * `invalid_grant` and `invalid_client` are assumed), whether a refresh token
 * still works once refreshed (the newest is kept either way), whether the
 * e-mail is verified (kept as not known to be), and revocation (none is
 * documented: disconnect deletes the tokens here).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** openid-client's form as the JSON body Raindrop.io documents for /oauth/access_token, the client's id and secret in it. */
const tokenRequest = jsonTokenRequest();

/**
 * Raindrop.io's token answers in RFC 6749's shape: a 400 `bad_authorization_code` as `invalid_grant` (Raindrop's
 * word kept as `raindrop_error`), and a success that gives only the deprecated `expires` (milliseconds) its
 * `expires_in` in seconds. Anything else is passed on as it came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status === 400 && fields?.error === 'bad_authorization_code') {
    return rebuiltAnswer(response, 400, JSON.stringify({ error: 'invalid_grant', error_description: 'Raindrop.io did not take the authorization code (bad_authorization_code).', raindrop_error: fields.error }), 'application/json');
  }
  if (!response.ok || !fields || fields.expires_in !== undefined || typeof fields.expires !== 'number' || !(fields.expires > 0)) return rebuiltAnswer(response, response.status, text);
  return rebuiltAnswer(response, response.status, JSON.stringify({ ...fields, expires_in: Math.floor(fields.expires / 1000) }), 'application/json');
}

/**
 * The `user` of `/rest/v1/user`: its numeric `_id` as the subject, `fullName` as the name, and the e-mail; an
 * answer without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.user);
  const id = user?._id;
  if (!user || !((typeof id === 'number' && Number.isSafeInteger(id)) || trimmedText(id))) return undefined;
  const name = trimmedText(user.fullName);
  const email = trimmedText(user.email);
  return { id: String(id).trim(), ...textMembers({ name, email }), ...(typeof user.pro === 'boolean' ? { pro: user.pro } : {}) };
}

export const raindrop: ProviderPreset = {
  displayName: 'Raindrop.io',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://raindrop.io/oauth/authorize',
      tokenEndpoint: 'https://raindrop.io/oauth/access_token',
      userinfoEndpoint: 'https://api.raindrop.io/rest/v1/user',
    },
    // None: Raindrop.io's applications have no scopes.
    scope: '',
    pkce: false,
    apiBaseUrl: 'https://api.raindrop.io/rest/v1',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { tokenRequest, tokenResponse, profileClaims },
  }),
};
