/**
 * Logto (Logto Cloud or self-hosted; OpenID Connect with discovery).
 * `<NAME>_BASE_URL` is the tenant's endpoint as the Console shows it
 * (`https://<tenant>.logto.app`, a custom domain, or a self-hosted server's
 * URL): the issuer is `<endpoint>/oidc`, and the endpoints `/oidc/auth`,
 * `/oidc/token` and `/oidc/me` (userinfo) are under it
 * (https://docs.logto.io/quick-starts/passport,
 * https://docs.logto.io/integrate-logto/application-data-structure).
 * - The application is a "Traditional web" app, which has an application
 *   secret, its redirect URI the callback
 *   (https://docs.logto.io/integrate-logto/application-data-structure). The
 *   secret is sent by Basic (RFC 6749 §2.3.1); POST:
 *   `<NAME>_TOKEN_ENDPOINT_AUTH_METHOD=client_secret_post`.
 * - The scopes: `openid profile email offline_access`. Logto issues a refresh
 *   token only when `offline_access` is asked with `prompt=consent`, unless the
 *   app sets "Always issue refresh token"
 *   (https://docs.logto.io/integrate-logto/application-data-structure), so
 *   sign-in asks for consent whenever the connection has no live refresh token.
 * - The person is `sub`, the Logto user's id. `profile` brings `name` and
 *   Logto's own `username` (not `preferred_username`), both `null` when empty,
 *   and `email` brings `email` and `email_verified`, all in the ID token
 *   (the "Scopes and claims" section of each guide under
 *   https://docs.logto.io/quick-starts/); the username is read from `username`.
 * - Refresh tokens live 14 days by default ("Refresh token time-to-live (TTL)
 *   in days"), and each refresh extends that to 14 days again; for a
 *   traditional web app "Rotate refresh token" (on by default) issues a new
 *   one only once 70% of its life has passed or after a year of extensions
 *   (https://docs.logto.io/integrate-logto/application-data-structure). The
 *   core keeps whichever refresh token comes, and the keep-alive sweep
 *   refreshes a connection left unused before its 14 days; an app set
 *   otherwise: `<NAME>_REFRESH_TOKEN_IDLE_DAYS`.
 * - Calls go to the issuer (`/me`, the userinfo); the app's own APIs, which
 *   take Logto's tokens for their API resource: `<NAME>_API_BASE_URL` and the
 *   resource as `<NAME>_AUTHORIZATION_PARAMS=resource=…`.
 * Not checked against Logto's own pages: the token endpoint's client
 * authentication methods (Basic is sent), the revocation endpoint (the
 * emulator names `/oidc/token/revocation` in discovery, as the core reads it
 * there), whether a refresh answers the same refresh token when it does not
 * rotate it, the access token's lifetime (an hour in the emulator), and the
 * bodies of its token endpoint's refusals (the RFC 6749 §5.2 codes are what the
 * core reads).
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

export const logto: ProviderPreset = {
  displayName: 'Logto',
  values: { baseUrl: 'issuer' },
  settings: ({ baseUrl }) => {
    const issuer = `${withoutTrailingSlash(baseUrl ?? '')}/oidc`;
    return {
      discovery: { issuer },
      scope: 'openid profile email offline_access',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
      claimNames: { preferredUsername: 'username' },
      refreshTokenIdleSeconds: 14 * 86_400,
    };
  },
};
