/**
 * Authelia (self-run; its OpenID Connect 1.0 Provider, with discovery).
 * `<NAME>_BASE_URL` is required: Authelia's root URL (with its sub-path, if it
 * has one), which is also the issuer, whose discovery document names the
 * endpoints `/api/oidc/authorization`, `/api/oidc/token`, `/api/oidc/userinfo`,
 * `/api/oidc/revocation` (RFC 7009) and `/jwks.json`
 * (https://www.authelia.com/integration/openid-connect/introduction/#endpoint-implementations).
 * - The client is registered in Authelia's configuration
 *   (`identity_providers.oidc.clients`), confidential, its redirect URI the
 *   callback, with `offline_access` among its `scopes` and `refresh_token`
 *   among its `grant_types` (https://www.authelia.com/configuration/identity-providers/openid-connect/clients/).
 *   Its `token_endpoint_auth_method` is `client_secret_basic` unless it says
 *   otherwise, and Authelia takes only the registered method (RFC 6749 §2.3:
 *   one method a request), so Basic is sent; a client registered with
 *   `client_secret_post`: `<NAME>_TOKEN_ENDPOINT_AUTH_METHOD=client_secret_post`.
 *   PKCE is required for public clients only by default (`enforce_pkce`), and
 *   S256 is what is sent; `plain` is off by default
 *   (https://www.authelia.com/configuration/identity-providers/openid-connect/provider/).
 * - The scopes: `openid profile email offline_access`. A refresh token comes
 *   only for a code exchange whose `offline_access` the person consented to,
 *   on Authelia's own consent page (the client's `consent_mode`) or by a
 *   remembered consent, so no `prompt=consent` is sent
 *   (https://www.authelia.com/integration/openid-connect/openid-connect-1.0-claims/#offline_access).
 * - The person is `sub`, an RFC 4122 UUID v4 Authelia keeps for the user (the
 *   same for every client unless the client has a `sector_identifier_uri`);
 *   the username and e-mail are for provisioning only. The ID token is
 *   minimal: `name`, `preferred_username` (the login username), `email` and
 *   `email_verified` (always true for now) come from userinfo
 *   (https://www.authelia.com/integration/openid-connect/openid-connect-1.0-claims/).
 *   ID tokens are RS256 unless the client's `id_token_signed_response_alg` says
 *   otherwise.
 * - Tokens (the provider's `lifespans`): access tokens 1 hour, refresh tokens
 *   90 minutes; refresh tokens are single-use, each refresh answering a new
 *   one (rotation, RFC 9700), which the core keeps in place of the old. The
 *   hourly keep-alive sweep cannot keep a 90-minute refresh token alive, so a
 *   connection unused for longer needs a new sign-in; set a longer
 *   `refresh_token` lifespan in Authelia and `<NAME>_REFRESH_TOKEN_IDLE_DAYS`
 *   to match for lasting connections.
 * - Disconnect revokes at `/api/oidc/revocation`, which discovery names.
 * - The API base is the issuer, whose `/api/oidc/userinfo` the access token
 *   reads; the app's own APIs, which take Authelia's tokens by introspection:
 *   `<NAME>_API_BASE_URL`.
 * Not checked against a running Authelia: whether the 90 minutes restart with
 * each refresh's new refresh token (the emulator gives each one its own 90
 * minutes), whether a spent refresh token used again ends the whole grant
 * (RFC 9700 §4.14.2, as the emulator does), and the descriptions of its token
 * endpoint's refusals (the RFC 6749 §5.2 codes are what the core reads).
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

export const authelia: ProviderPreset = {
  displayName: 'Authelia',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    // The root URL is the issuer, with no trailing slash.
    const issuer = withoutTrailingSlash(baseUrl ?? '');
    return {
      discovery: { issuer },
      scope: 'openid profile email offline_access',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
      // offline_access is granted on Authelia's own consent page: no prompt=consent.
      refreshTokenNeedsConsent: false,
    };
  },
};
