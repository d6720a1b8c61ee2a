/**
 * Zendesk Support (OAuth clients of one Zendesk account). Plain OAuth 2.0
 * without discovery or an ID token, all of it on the account's own host,
 * `<NAME>_DOMAIN` (`{subdomain}.zendesk.com`). From Zendesk's docs:
 * - `GET https://{subdomain}.zendesk.com/oauth/authorizations/new` with
 *   `response_type=code`, `client_id` (the client's unique identifier),
 *   `redirect_uri`, `state` and a space-separated `scope`: `read`, `write`,
 *   or resource scopes such as `users:read` and `tickets:write`; `read` is
 *   asked, the scope of Zendesk's own web app example. A person who declines
 *   is sent back with `error=access_denied`
 *   (https://support.zendesk.com/hc/en-us/articles/4408845965210,
 *   https://developer.zendesk.com/documentation/ticketing/working-with-oauth/using-oauth-to-authenticate-zendesk-api-requests-in-a-web-app/).
 *   PKCE (`code_challenge`, `code_challenge_method=S256`) is taken, and sent
 *   (https://developer.zendesk.com/api-reference/ticketing/oauth/grant_type_tokens/);
 * - `POST https://{subdomain}.zendesk.com/oauth/tokens` takes its
 *   parameters "formatted as JSON": `grant_type`, `code`, `client_id`,
 *   `client_secret`, `redirect_uri`, `code_verifier`, or `refresh_token` for
 *   a refresh; the tokenRequest hook sends openid-client's form as that JSON
 *   (https://developer.zendesk.com/api-reference/ticketing/oauth/grant_type_tokens/).
 *   A code lives 120 seconds. The answer has `access_token`, `token_type`
 *   `bearer` and `scope`; a refused code is `{"error": "invalid_grant",
 *   "error_description": …}`
 *   (https://support.zendesk.com/hc/en-us/articles/4408831387930);
 * - since April 30, 2025 every new grant has a refresh token, and a refresh
 *   answers a new access token and a new refresh token, deleting the
 *   previous pair: the new one is kept. Access tokens last 30 minutes and
 *   refresh tokens 30 days by default (an account may set 5 minutes to 48
 *   hours, and 7 to 90 days), enforced for global OAuth clients since
 *   February 2, 2026 and for local clients created from April 30, 2026
 *   (https://support.zendesk.com/hc/en-us/articles/9182123625370,
 *   https://support.zendesk.com/hc/en-us/articles/10212201463962,
 *   https://developer.zendesk.com/documentation/api-basics/authentication/refresh-token).
 *   Each refresh starts a new 30 days, so the keep-alive sweep refreshes a
 *   connection nobody used before they run out. An older client's tokens may
 *   not expire at all (no `expires_in`), as the web app tutorial still says;
 * - the person is `GET /api/v2/users/me.json`, `{ user: { id, name, email,
 *   role, verified, … } }`: the subject is the user's `id`
 *   (https://developer.zendesk.com/api-reference/ticketing/users/users/).
 *   `verified` says that any of the user's identities is verified, not the
 *   e-mail (each identity has its own, https://developer.zendesk.com/api-reference/ticketing/users/user_identities/),
 *   so the e-mail is kept with its verification unknown;
 * - the API is `https://{subdomain}.zendesk.com/api/v2`, with the token as
 *   `Authorization: Bearer`;
 * - `DELETE /api/v2/oauth/tokens/current.json` with the token as Bearer
 *   revokes that token, answering 204
 *   (https://developer.zendesk.com/documentation/api-basics/authentication/revoking-oauth-token):
 *   no RFC 7009 endpoint, so the revoke hook calls it.
 * Not checked against Zendesk's pages: whether the token answer names
 * `expires_in` and `refresh_token_expires_in` (they are request parameters
 * there; when named they are read as RFC 6749's and the GitHub Apps' are),
 * whether revoking the access token ends its refresh token too (assumed, as
 * a refresh deletes both), whether a form body is taken as well as JSON
 * (JSON is what is documented, so JSON is sent), the status and body of the
 * API's answer to a token it does not take (RFC 6750's 401 `invalid_token`
 * is assumed; a 401 at revocation for a live token counts as already
 * revoked), and `invalid_client` for a wrong secret.
 */
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { jsonTokenRequest, withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** openid-client's form as the JSON body Zendesk documents for /oauth/tokens, the client's id and secret in it. */
const tokenRequest = jsonTokenRequest();

/** The user of `{ user: {…} }`, when it has an id: an answer without one names no one, and the sign-in fails. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = (body as { user?: unknown } | null)?.user;
  if (user === null || typeof user !== 'object' || Array.isArray(user)) return undefined;
  const { id } = user as Record<string, unknown>;
  return typeof id === 'number' || typeof id === 'string' ? (user as Record<string, unknown>) : undefined;
}

/**
 * Revokes the access token at `/api/v2/oauth/tokens/current.json`. A 401
 * for a token that was live (or whose refresh token Zendesk had refused)
 * means the grant is gone already; for an access token that expired and
 * could not be refreshed, it proves nothing.
 */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('Zendesk revocation needs the API base URL');
  return revokeWithBearer(request, `${withoutTrailingSlash(request.apiBaseUrl)}/oauth/tokens/current.json`, { method: 'DELETE', headers: request.apiHeaders }, { provider: 'Zendesk', what: 'the token revocation' });
}

export const zendesk: ProviderPreset = {
  displayName: 'Zendesk',
  values: { domain: 'required' },
  settings: ({ domain }) => {
    const origin = `https://${domain ?? ''}`;
    return {
      endpoints: {
        authorizationEndpoint: `${origin}/oauth/authorizations/new`,
        tokenEndpoint: `${origin}/oauth/tokens`,
        userinfoEndpoint: `${origin}/api/v2/users/me.json`,
      },
      scope: 'read',
      apiBaseUrl: `${origin}/api/v2`,
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenIdleSeconds: 30 * 86_400,
      subjectClaim: 'id',
      claimNames: { name: 'name', email: 'email' },
      hooks: { tokenRequest, profileClaims, revoke },
    };
  },
};
