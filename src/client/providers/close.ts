/**
 * Close (the Close CRM API, for an OAuth app created in Close under Settings
 * > Developer > OAuth Apps). Plain OAuth 2.0 with explicit endpoints: no
 * discovery, no ID token. From Close's docs
 * (https://developer.close.com/api/overview/oauth-authentication, also at
 * https://developer.close.com/topics/authentication-oauth2):
 * - `GET https://app.close.com/oauth2/authorize/` with `client_id`,
 *   `response_type=code` and `redirect_uri` (the one set on the OAuth app);
 *   the user picks an organization and grants or declines access, and is
 *   sent back with `code`, or `error=access_denied`. No scope parameter is
 *   documented: the scopes are the app's (`all.full_access
 *   offline_access`), and only an app with `offline_access` is given
 *   refresh tokens, so none is sent;
 * - `POST https://api.close.com/oauth2/token/`, a form with `client_id` and
 *   `client_secret`, exchanges the code and spends a refresh token
 *   (`grant_type=refresh_token`); the JSON answer is `token_type:
 *   "Bearer"`, `access_token`, `expires_in` (3600), `refresh_token`,
 *   `scope` (space-separated), `organization_id` and `user_id`. Each
 *   refresh issues a new refresh token and revokes the old one, which the
 *   client must discard;
 * - the API is `https://api.close.com/api/v1` with the token as Bearer; the
 *   person is `GET /api/v1/me/`, "a special instance of the Users endpoint
 *   for the current user": `id` (`user_…`, the subject), `first_name`,
 *   `last_name`, `email`, `organizations` and more
 *   (https://developer.close.com/api/resources/users/get-me);
 * - `POST https://api.close.com/oauth2/revoke/`, a form with `client_id`,
 *   `client_secret` and `token` ("The refresh token to revoke"), revokes
 *   the access and refresh tokens when the user disables the integration:
 *   the revoke hook sends the refresh token (the access token when there is
 *   none).
 * Not checked against Close's own pages: the answer of the token endpoint,
 * the refresh and the revocation past their requests, read from a copy of
 * the page above (the page itself could be read only up to the code
 * exchange's request); whether the authorization takes `state` (it is sent,
 * as RFC 6749 §4.1.1 has it) or PKCE (none is sent); whether the e-mail is
 * verified (kept as not known to be); how the revocation answers, beyond a
 * 2xx (RFC 7009 §2.2's 200 is assumed, also for a token it no longer knows);
 * whether an access token is taken as `token`; the body of a refused token
 * request (RFC 6749 §5.2's `error` is assumed).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/api/v1/me/`: `id` (`user_…`), the first and last names as `given_name` and `family_name` (joined as
 * the name), the e-mail, and the organizations' ids and names; an answer without a user id names no one, and the
 * sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const me = objectOf(body);
  const id = me?.id;
  if (typeof id !== 'string' || !id.startsWith('user_')) return undefined;
  const given = trimmedText(me!.first_name);
  const family = trimmedText(me!.last_name);
  const email = trimmedText(me!.email);
  const organizations = Array.isArray(me!.organizations)
    ? me!.organizations.flatMap((entry) => {
        const organization = objectOf(entry);
        return typeof organization?.id === 'string' ? [{ id: organization.id, ...(typeof organization.name === 'string' ? { name: organization.name } : {}) }] : [];
      })
    : [];
  return {
    id,
    ...textMembers({ given_name: given, family_name: family, email }),
    ...(organizations.length > 0 ? { organizations } : {}),
  };
}

/** Revokes the refresh token (or, without one, the access token) at `/oauth2/revoke/`, the client in the form as Close documents it. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Close revocation needs the revocation endpoint');
  const token = request.refreshToken ?? request.accessToken;
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: request.clientId, client_secret: request.clientSecret, token }).toString(),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Close refused the token revocation (HTTP ${response.status}).`);
}

export const close: ProviderPreset = {
  displayName: 'Close',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.close.com/oauth2/authorize/',
      tokenEndpoint: 'https://api.close.com/oauth2/token/',
      userinfoEndpoint: 'https://api.close.com/api/v1/me/',
      revocationEndpoint: 'https://api.close.com/oauth2/revoke/',
    },
    // None: Close documents no scope parameter; the OAuth app's scopes (`all.full_access offline_access`) are granted.
    scope: '',
    apiBaseUrl: 'https://api.close.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims, revoke },
  }),
};
