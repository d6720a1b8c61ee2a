/**
 * Canvas LMS (Instructure's learning platform, hosted per institution or run
 * by oneself): plain OAuth 2.0 with explicit endpoints, no ID token.
 * `<NAME>_BASE_URL` is required: the Canvas install's URL
 * (`https://<school>.instructure.com`, or its own domain). From Canvas's docs:
 * - `GET /login/oauth2/auth` with `client_id`, `response_type=code`,
 *   `redirect_uri` and `state`; `scope` is optional: a developer key that
 *   does not enforce scopes gives a token of all the person's access when
 *   none is asked, and one that does answers `invalid_scope` unless its
 *   scopes (`url:GET|/api/v1/users/:user_id/profile`, …) are asked,
 *   space-separated; `<NAME>_SCOPE` then names them
 *   (https://developerdocs.instructure.com/services/canvas/oauth/oauth_endpoints).
 *   The preset asks none, and sends no PKCE, which that page does not name.
 * - `POST /login/oauth2/token` with `grant_type`, `client_id`,
 *   `client_secret`, `redirect_uri` and the `code` or `refresh_token`; the
 *   answer is `access_token`, `token_type: "Bearer"`, `user` (the Canvas user
 *   id and name), `refresh_token` and `expires_in` (3600: developer keys
 *   issued after October 2015 make hour-long tokens). A refresh answers no
 *   new refresh token, "since the same refresh token can be used multiple
 *   times" (same page): the core keeps the one it has.
 * - The API is `<base>/api`, the token as Bearer; a token deleted or expired
 *   is answered 401 with a `WWW-Authenticate` header
 *   (https://developerdocs.instructure.com/services/canvas/oauth). The person is
 *   `GET /api/v1/users/self/profile`: `id` (an integer, the subject), `name`,
 *   `primary_email`, `login_id`
 *   (https://developerdocs.instructure.com/services/canvas/resources/users,
 *   "Get user profile"); Canvas does not say whether the e-mail is verified.
 * - `DELETE /login/oauth2/token` with the access token as Bearer deletes the
 *   token (and so its refresh token) and takes the app off the person's
 *   profile page, answering a JSON object (oauth_endpoints page); the revoke
 *   hook calls it on disconnect.
 * - A refresh token Canvas does not know is refused HTTP 400 `invalid_request`
 *   "refresh_token not found", not RFC 6749 §5.2's `invalid_grant` (Canvas's
 *   source, lib/canvas/oauth/request_error.rb): the tokenResponse hook reads
 *   that answer as `invalid_grant`, so the connection needs a new sign-in.
 * Not checked against Canvas's own pages: whether a refresh needs
 *   `redirect_uri` (the parameter table marks it for both grants, its text
 *   for the code exchange; none is sent with a refresh, as Canvas's source
 *   does not read it there); whether the token endpoint takes Basic (the form
 *   is what the page documents); whether a refresh token ends unused (no
 *   keep-alive); the body of the DELETE's 401 (a 401 for a live token, or once
 *   the refresh token was refused, is taken as revoked already).
 */
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** Canvas's refusal of a refresh token it does not know, as RFC 6749 §5.2's `invalid_grant`; every other answer as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status !== 400) return response;
  const { text, fields } = await readTokenEndpointBody(response);
  if (fields?.error !== 'invalid_request' || fields.error_description !== 'refresh_token not found') return rebuiltAnswer(response, response.status, text);
  return rebuiltAnswer(response, 400, JSON.stringify({ ...fields, error: 'invalid_grant' }), 'application/json');
}

/** Deletes the token with `DELETE /login/oauth2/token`, the access token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Canvas revocation needs the revocation endpoint');
  return revokeWithBearer(request, request.revocationEndpoint, { method: 'DELETE', headers: request.apiHeaders }, { provider: 'Canvas', what: 'the token deletion' });
}

export const canvas: ProviderPreset = {
  displayName: 'Canvas LMS',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    const server = withoutTrailingSlash(baseUrl ?? '');
    return {
      endpoints: {
        authorizationEndpoint: `${server}/login/oauth2/auth`,
        tokenEndpoint: `${server}/login/oauth2/token`,
        userinfoEndpoint: `${server}/api/v1/users/self/profile`,
        revocationEndpoint: `${server}/login/oauth2/token`,
      },
      // None: a developer key that does not enforce scopes grants the person's access; one that does needs <NAME>_SCOPE.
      scope: '',
      apiBaseUrl: `${server}/api`,
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
      claimNames: { name: 'name', email: 'primary_email', preferredUsername: 'login_id' },
      hooks: { tokenResponse, revoke },
    };
  },
};
