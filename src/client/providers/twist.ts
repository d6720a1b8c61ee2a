/**
 * Twist (Doist's team messaging, for a general integration created in Twist's app console, the callback as its
 * OAuth 2 redirect URL). Plain OAuth 2.0 authorization code with explicit endpoints: no discovery, no ID token.
 * From Doist's own pages and code for Twist:
 * - `GET https://twist.com/oauth/authorize` with `response_type=code`, `client_id`, `redirect_uri`, `scope` and
 *   `state`; the scopes are comma-separated ("Should be a comma separated list",
 *   `oauth_samples/python/oauth.py` of https://github.com/Doist/twist-integration-examples), so the
 *   authorizationScope hook joins them with commas. The scopes are `user:read`, `user:write`, `workspaces:read`,
 *   `channels:read`… (https://doist.github.io/twist-sdk-typescript/api/type-aliases/TwistScope); the preset asks
 *   `user:read` (the session user, which the sign-in reads) and `workspaces:read`;
 * - the code is redeemed with `POST https://twist.com/oauth/access_token`, a form with `grant_type`, `code`,
 *   `redirect_uri`, `client_id` and `client_secret` (the same example, and its Go twin `oauth_samples/go/oauth.go`),
 *   answered with the `access_token`, which is sent as `Authorization: Bearer` to the API at
 *   `https://api.twist.com/api/v3` (the same examples);
 * - the person is `GET /api/v3/users/get_session_user`, the user the token is for
 *   (https://doist.github.io/twist-sdk-typescript/authorization): `id` (a number, the subject), `name`,
 *   `short_name`, `first_name`, `email`, `timezone`, `avatar_urls`… and the user's own API `token`, which is never
 *   kept. Twist says nothing of the e-mail's verification: it is kept unverified;
 * - an API error is `{ "error_uuid", "error_code", "error_extra", "error_string" }`, error code 200 being
 *   "Invalid token" (https://developer.twistapp.com/v3/);
 * - a token is revoked with the client's id and secret and the `token` (Doist's SDK, `revokeAuthToken`,
 *   https://doist.github.io/twist-sdk-typescript/authorization), which its code sends as JSON to
 *   `POST https://twist.com/oauth/revoke` (`src/authentication.ts` of https://github.com/Doist/twist-sdk-typescript);
 *   the revoke hook does the same on disconnect.
 * Not checked against Twist's pages: whether a token answer carries a refresh token or an `expires_in` (none is
 * shown; both are read when answered, and a connection without them keeps its token until Twist refuses it);
 * the token endpoint's refusals (RFC 6749 §5.2's are assumed); the HTTP status of an "Invalid token" API error
 * (401 is assumed); whether PKCE is read (none is sent); whether space-separated scopes are taken as well (Doist's
 * newer SDK and CLI send them so, and its SDK exchanges codes as JSON at `/oauth/token`: the documented examples'
 * form and endpoint are used); the revocation's answers (any 2xx is revoked, anything else Twist's fault).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { commaJoinedScope, objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The session user of `/users/get_session_user`: `id` (a positive whole number, as text), the name, the short name
 * as `nickname`, the e-mail and the largest avatar; never the user's own API `token`. An answer without an id names
 * no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  return { id: String(id), ...textMembers({ name: user!.name, nickname: user!.short_name, email: user!.email, zoneinfo: user!.timezone, picture: objectOf(user!.avatar_urls)?.s640 }) };
}

/** Revokes the access token at `/oauth/revoke` as Doist's SDK does: JSON with the client's id and secret and the `token`. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Twist revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: request.clientId, client_secret: request.clientSecret, token: request.accessToken }),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Twist answered HTTP ${response.status} to the token revocation.`);
}

export const twist: ProviderPreset = {
  displayName: 'Twist',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://twist.com/oauth/authorize',
      tokenEndpoint: 'https://twist.com/oauth/access_token',
      userinfoEndpoint: 'https://api.twist.com/api/v3/users/get_session_user',
      revocationEndpoint: 'https://twist.com/oauth/revoke',
    },
    scope: 'user:read workspaces:read',
    apiBaseUrl: 'https://api.twist.com/api/v3',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { authorizationScope: commaJoinedScope, profileClaims, revoke },
  }),
};
