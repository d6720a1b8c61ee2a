/**
 * Monzo (the Monzo Developer API, for a confidential OAuth client created in
 * Monzo's developer tools, https://developers.monzo.com). Plain OAuth 2.0
 * authorization code with explicit endpoints: no discovery, no ID token, no
 * scopes. From Monzo's API documentation (https://docs.monzo.com/,
 * "Authentication" and "Errors"):
 * - `GET https://auth.monzo.com/` with `client_id`, `redirect_uri`,
 *   `response_type=code` and `state`; there is no scope parameter. The token
 *   it leads to has no permissions until the person approves the access in
 *   the Monzo app (Strong Customer Authentication): until then the API
 *   answers 403, "authenticated but has insufficient permissions";
 * - `POST https://api.monzo.com/oauth2/token`, a form with `grant_type`,
 *   `client_id`, `client_secret`, `redirect_uri` and `code`, answers
 *   `access_token`, `client_id`, `expires_in` (21600: six hours),
 *   `refresh_token`, `token_type: "Bearer"` and `user_id`, no scope. Only
 *   confidential clients are issued refresh tokens. A client has one active
 *   access token per user: a new one invalidates any other it holds for
 *   that person;
 * - a refresh is the same POST with `grant_type=refresh_token`,
 *   `client_id`, `client_secret` and `refresh_token`, and answers a new
 *   access token and a new refresh token; it invalidates the previous access
 *   token, and "refreshing is a one-time operation", so the new refresh
 *   token is kept in place of the spent one;
 * - the API is `https://api.monzo.com` with the token as Bearer; a token it
 *   does not take is a 401 with `error: "invalid_token"`. The person is
 *   `GET /ping/whoami`: `authenticated`, `client_id` and `user_id` (the
 *   subject); Monzo's API gives no name or e-mail;
 * - `POST https://api.monzo.com/oauth2/logout` with the access token as
 *   Bearer invalidates it, and it can no longer be refreshed: the revoke
 *   hook calls it on disconnect.
 * Not checked against Monzo's own pages: the token endpoint's error bodies
 * (RFC 6749 §5.2's are assumed) and the logout's status (any 2xx is taken);
 * whether `/ping/whoami` answers before the person approved the access in the
 * app (it describes the token, so it is read at sign-in); whether PKCE is
 * taken (none is sent); whether a refresh token ends unused (no end is
 * assumed, so no keep-alive). Monzo asks people to approve again every 90
 * days (https://community.monzo.com/t/strong-customer-authentication-upcoming-changes-to-developer-apps/78763);
 * until they do, API calls are refused with 403 and the connection stays.
 */
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/**
 * The `user_id` of `/ping/whoami` for an authenticated token; an answer that is not `authenticated: true` with a user
 * id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const whoami = objectOf(body);
  const userId = trimmedText(whoami?.user_id);
  if (whoami?.authenticated !== true || userId === undefined) return undefined;
  return { user_id: userId };
}

/** Logs the token out with `POST /oauth2/logout`, the access token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Monzo revocation needs the logout endpoint');
  return revokeWithBearer(request, request.revocationEndpoint, { method: 'POST' }, { provider: 'Monzo', what: 'the logout' });
}

export const monzo: ProviderPreset = {
  displayName: 'Monzo',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://auth.monzo.com/',
      tokenEndpoint: 'https://api.monzo.com/oauth2/token',
      userinfoEndpoint: 'https://api.monzo.com/ping/whoami',
      revocationEndpoint: 'https://api.monzo.com/oauth2/logout',
    },
    // None: Monzo has no scope parameter; the person approves the access in the Monzo app.
    scope: '',
    apiBaseUrl: 'https://api.monzo.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'user_id',
    hooks: { profileClaims, revoke },
  }),
};
