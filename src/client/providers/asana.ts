/**
 * Asana (OAuth for apps, https://developers.asana.com/docs/oauth). Plain
 * OAuth 2.0 with the person read from the API: the `gid` of
 * `GET https://app.asana.com/api/1.0/users/me`, whose answer is wrapped in
 * `data` as every Asana API answer is
 * (https://developers.asana.com/reference/getuser). Asana also supports
 * OpenID Connect (https://developers.asana.com/docs/openid-connect), which
 * its docs recommend for logging people into another service with their
 * Asana account; it is not used here because a connection's purpose is the
 * API: the `users:read` scope the API needs reads the same person by the
 * same gid, while the `openid` scopes would add an ID token whose issuer
 * and discovery document the docs do not spell out (the discovery URL,
 * `https://app.asana.com/api/1.0/.well-known/openid-configuration`, could
 * not be checked here), and whether they combine with Asana's granular
 * scopes is not documented. From Asana's docs:
 * - `GET https://app.asana.com/-/oauth_authorize` takes `client_id`,
 *   `redirect_uri`, `response_type=code`, `state`, a PKCE challenge (S256)
 *   and `scope`, space-separated
 *   (https://developers.asana.com/docs/oauth);
 * - scopes are `<resource>:<action>`; `users:read` is the one for
 *   `/users/{user_gid}` and so `/users/me`
 *   (https://developers.asana.com/docs/oauth-scopes). An app registered
 *   with "Full permissions" instead of granular scopes gets them all when no
 *   scope is asked for; `<NAME>_SCOPE=default` (the legacy full scope) is
 *   what such an app sends here. That an app of one kind is refused the
 *   other kind's scopes, and the `default` value, could not be checked
 *   against Asana's own pages;
 * - `POST https://app.asana.com/-/oauth_token` takes `client_id` and
 *   `client_secret` in the form body with the code or the refresh token,
 *   answers `access_token`, `expires_in` (3600: an hour), `token_type`,
 *   `refresh_token` and `data`, the user (`id`, `gid`, `name`, `email`);
 *   a refresh answers a new access token and no new refresh token: the
 *   refresh token does not expire and is kept
 *   (https://developers.asana.com/docs/oauth). Refusals are RFC 6749
 *   §5.2's `{ error, error_description }`;
 * - `POST https://app.asana.com/-/oauth_revoke` with `client_id`,
 *   `client_secret` and `token`, the refresh token, ends it and the access
 *   tokens made from it (https://developers.asana.com/docs/oauth): RFC 7009
 *   as the core sends it, refresh token first;
 * - the API is https://app.asana.com/api/1.0.
 * The e-mail of `/users/me` is kept with its verification unknown: Asana
 * does not say. Of the token endpoint's answers (the one-hour `expires_in`,
 * `data`, no new refresh token on a refresh, a refresh token that does not
 * expire) and of revocation taking the refresh token, only the endpoints
 * could be read on Asana's OAuth page here; the rest is as commonly
 * reported, not checked against that page.
 */
import type { ProviderPreset } from './preset.js';

/** The user of `/users/me`, under `data` as Asana wraps every answer (https://developers.asana.com/docs/response-format). */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const data = (body as { data?: unknown } | null)?.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  return data as Record<string, unknown>;
}

export const asana: ProviderPreset = {
  displayName: 'Asana',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.asana.com/-/oauth_authorize',
      tokenEndpoint: 'https://app.asana.com/-/oauth_token',
      userinfoEndpoint: 'https://app.asana.com/api/1.0/users/me',
      revocationEndpoint: 'https://app.asana.com/-/oauth_revoke',
    },
    scope: 'users:read',
    apiBaseUrl: 'https://app.asana.com/api/1.0',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'gid',
    claimNames: { name: 'name', email: 'email' },
    hooks: { profileClaims },
  }),
};
