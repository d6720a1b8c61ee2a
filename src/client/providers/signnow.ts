/**
 * signNow (airSlate's e-signature API, for an application made on the API Dashboard of a signNow developer
 * account, the callback as its redirect URI). Plain OAuth 2.0 authorization code with explicit endpoints: no
 * discovery, no ID token. From signNow's own pages:
 * - a third-party application gets a person's token with the `authorization_code` grant: a link to signNow's
 *   authorization page with `client_id`, `redirect_uri` and `response_type=code` (the three it requires); the person
 *   signs in, grants access, and is sent back to the redirect URI with the `code`
 *   (https://docs.signnow.com/code-examples/three-legged-oauth);
 * - tokens come from `POST /oauth2/token` on the API host, `https://api.signnow.com` in production
 *   (`https://api-eval.signnow.com` for the sandbox), with `grant_type` (`authorization_code`, `refresh_token` or
 *   `password`), the `code` or the `refresh_token`, and the client as a Basic Authorization token, the base64 of
 *   `client_id:client_secret` (https://docs.signnow.com/sn/ref/oauth,
 *   https://docs.signnow.com/code-examples/access-tokens/request-token). `scope` is optional there and defaults to
 *   `*`, every endpoint: the authorization link names none, so none is asked. The answer is JSON `access_token`,
 *   `refresh_token`, `token_type: "bearer"`, `expires_in` (2592000 in the reference's example: 30 days), `scope` and
 *   `last_login`; a refusal names `invalid_client` (a wrong Basic token), `invalid_request` (a required parameter
 *   missing) or `invalid_scope` (https://docs.signnow.com/sn/ref/oauth);
 * - every other request carries the access token in the Authorization header; authentication errors are
 *   `{ "error": … }` (`invalid_client`, `invalid_request`, `invalid_token`, `access_denied`), other API errors
 *   `{ "errors": [{ "code", "message" }] }` (https://help.signnow.com/docs/getting-started);
 * - `GET /user` is the user the token acts for: `id` ("Unique identifier for the object", 40 hex digits: the
 *   subject), `first_name`, `last_name`, `primary_email`, `emails`, `active`, `created`, `teams`, `organization`…
 *   (https://docs.signnow.com/sn/ref/user). The e-mail is the `primary_email`, kept unverified: what the user
 *   object's `verified` says is not described.
 * Not checked against signNow's pages: the authorization page's URL, `https://app.signnow.com/authorize` (the
 * stored copy of the three-legged page elides it; integrations of signNow send the person there); the token
 * request's content type (the pages show `multipart/form-data`; RFC 6749's URL-encoded form is sent, as
 * integrations send it) and whether `redirect_uri` is read at the exchange (it is sent); the refresh's answer and
 * whether it ends the spent refresh token (the newest is always kept); the refusal of a spent code or refresh token
 * (RFC 6749 §5.2's `invalid_grant` is assumed) and a declined authorization (`access_denied`, among the errors the
 * pages name); the HTTP status of an API call with a token no longer taken (401 assumed); PKCE (none is
 * documented, so none is sent). signNow's pages document no revocation for a third-party application: disconnect
 * deletes the tokens here. The sandbox is reached with `<NAME>_AUTHORIZE_URL`, `<NAME>_ACCESS_TOKEN_URL` and
 * `<NAME>_API_BASE_URL` pointed at `app-eval.signnow.com` and `api-eval.signnow.com`.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `GET /user`: `id` (the subject), the first and last names (joined as the name) and the primary e-mail;
 * an answer without a string id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = trimmedText(user?.id);
  if (!user || !id) return undefined;
  return { id, ...textMembers({ name: joinedName(user.first_name, user.last_name), given_name: user.first_name, family_name: user.last_name, email: user.primary_email }) };
}

export const signnow: ProviderPreset = {
  displayName: 'signNow',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.signnow.com/authorize',
      tokenEndpoint: 'https://api.signnow.com/oauth2/token',
      userinfoEndpoint: 'https://api.signnow.com/user',
    },
    // None: the authorization link takes no scope, and the token endpoint's default, `*`, reaches every endpoint.
    scope: '',
    apiBaseUrl: 'https://api.signnow.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
