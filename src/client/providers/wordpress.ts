/**
 * WordPress.com (its REST API, for an app registered at
 * developer.wordpress.com/apps; also the sites Jetpack connects to it).
 * Plain OAuth 2.0 without discovery or an ID token. From WordPress.com's
 * docs (https://developer.wordpress.com/docs/oauth2/):
 * - `GET https://public-api.wordpress.com/oauth2/authorize` with
 *   `client_id`, `redirect_uri` (the app's, matched exactly),
 *   `response_type=code`, `state`, and optionally `blog` (a site to
 *   preselect) and `scope`. With no scope, the token reaches one site, which
 *   the person picks on the consent page; `global` reaches all their sites,
 *   `auth` only their profile (`/me`). No scope is sent unless `<NAME>_SCOPE`
 *   names one: WordPress.com refuses a scope it does not know ("Invalid
 *   scope", as reported in https://github.com/auth0/wordpress/issues/906).
 *   WordPress.com documents no PKCE for this flow, so none is sent;
 * - `POST https://public-api.wordpress.com/oauth2/token` with `client_id`,
 *   `client_secret`, `redirect_uri`, `code` and `grant_type` in the form.
 *   The answer is `access_token`, `token_type: "bearer"`, `blog_id` and
 *   `blog_url` (the one site a token without `global` reaches) and `scope`,
 *   with no `expires_in` and no refresh token: a token from this flow does
 *   not expire (only the implicit flow's tokens last two weeks), so it is
 *   kept with no end and nothing refreshes. The tokenAnswerClaims hook keeps
 *   `blog_id` and `blog_url` with the profile, where the site's API paths
 *   (`/rest/v1.1/sites/{blog_id}/…`) are found;
 * - the API is `https://public-api.wordpress.com` (`/rest/v1.1`, `/wp/v2`,
 *   `/wpcom/v2`), the token as Bearer; the person is `GET /rest/v1.1/me`
 *   (https://developer.wordpress.com/docs/api/1.1/get/me/): `ID` (a number)
 *   is the subject, with `display_name`, `username`, `email` and
 *   `email_verified`. A token it no longer takes is answered `{ error:
 *   "invalid_token", message: "The OAuth2 token is invalid." }`: with 401, or
 *   with another 4xx, which the tokenRejected hook reads as the token
 *   refused, so the connection asks for a new sign-in;
 * - there is no revocation for apps: the person disconnects the app at
 *   wordpress.com/me/security/connected-applications. The REST API's
 *   `POST /rest/v1.1/me/connected-applications/$ID/delete`
 *   (https://developer.wordpress.com/docs/api/1.1/post/me/connected-applications/%24ID/delete/)
 *   deletes a connection by its own ID, which no answer to the app gives,
 *   and its listing refuses tokens that are not fresh (401
 *   `reauthorization_required`, https://developer.wordpress.com/docs/api/1.1/get/me/connected-applications/),
 *   so it is not called: disconnect deletes the token here.
 * Not checked against WordPress.com's pages: the token answer's `blog_id`
 * and `blog_url` for a `global` or `auth` token (`0` or empty is read as no
 * site), the HTTP status of `invalid_token` (401 as WordPress.com's own
 * client reads it; older clients report 400), whether a one-site token may
 * read `/rest/v1.1/me` (the profile is read with it), the body of a refused
 * token request (RFC 6749 §5.2's `error` is assumed), and the answer to a
 * declined authorization (RFC 6749 §4.1.2.1's `access_denied` is assumed).
 */
import { readTokenEndpointBody } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** The one site a token reaches, as its token answer names it: `blog_id` (a string or number other than 0) and `blog_url`; nothing for a token of every site. */
function tokenAnswerClaims(answer: Record<string, unknown>): Record<string, unknown> {
  const id = typeof answer.blog_id === 'number' && Number.isSafeInteger(answer.blog_id) ? String(answer.blog_id) : answer.blog_id;
  if (typeof id !== 'string' || !/^[1-9]\d*$/.test(id.trim())) return {};
  const url = typeof answer.blog_url === 'string' && answer.blog_url.trim() !== '' ? answer.blog_url.trim() : undefined;
  return { blog_id: id.trim(), ...(url ? { blog_url: url } : {}) };
}

/** An API answer other than 401 whose `error` is `invalid_token`: the token is no longer taken. */
async function tokenRejected(response: Response): Promise<boolean> {
  if (response.status < 400 || response.status >= 500) return false;
  const { fields } = await readTokenEndpointBody(response);
  return fields?.error === 'invalid_token';
}

export const wordpress: ProviderPreset = {
  displayName: 'WordPress.com',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://public-api.wordpress.com/oauth2/authorize',
      tokenEndpoint: 'https://public-api.wordpress.com/oauth2/token',
      userinfoEndpoint: 'https://public-api.wordpress.com/rest/v1.1/me',
    },
    scope: '',
    pkce: false,
    apiBaseUrl: 'https://public-api.wordpress.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'ID',
    claimNames: { name: 'display_name', email: 'email', preferredUsername: 'username' },
    hooks: { tokenAnswerClaims, tokenRejected },
  }),
};
