/**
 * Duende IdentityServer (self-run; an OpenID Connect provider hosted in an
 * ASP.NET Core app, with discovery). `<NAME>_BASE_URL` is the host's URL,
 * which is its issuer (unless the host sets `IssuerUri`; then
 * `<NAME>_ISSUER`), whose discovery document names `/connect/authorize`,
 * `/connect/token`, `/connect/userinfo`, `/connect/revocation` and
 * `/.well-known/openid-configuration/jwks`
 * (https://docs.duendesoftware.com/identityserver/reference/endpoints/discovery/).
 * - The client is one of the host's `Client`s: a secret among its
 *   `ClientSecrets`, the authorization code grant, the callback among its
 *   `RedirectUris`, `openid profile email` among its `AllowedScopes` (the host
 *   defining the `email` identity resource), and `AllowOfflineAccess = true`.
 *   `RequirePkce` is on by default; S256 is sent. A shared secret is taken by
 *   Basic or in the form; Basic is sent
 *   (https://docs.duendesoftware.com/identityserver/reference/models/client/).
 * - The scopes: `openid profile email offline_access`. A refresh token comes
 *   only with `offline_access` and `AllowOfflineAccess`; IdentityServer asks
 *   the person's consent for it itself (when the client's `RequireConsent` is
 *   on), so no `prompt=consent` is sent
 *   (https://docs.duendesoftware.com/identityserver/tokens/refresh/).
 * - The person is `sub`, the user's id as the host's login page signs them in
 *   (the host's user store decides it: ASP.NET Identity's user id, a GUID, in
 *   the templates); `name`, `email` and `email_verified` are whatever claims
 *   the host's profile service issues for the scopes, in userinfo. ID tokens
 *   are RS256 unless the host signs otherwise.
 * - Tokens, by the client's defaults: access tokens 1 hour (JWTs);
 *   `RefreshTokenUsage` `ReUse` since IdentityServer 7.0, so a refresh
 *   answers the same refresh token, which the core keeps; refresh tokens end
 *   `AbsoluteRefreshTokenLifetime` (30 days) after the sign-in however often
 *   they are used (`RefreshTokenExpiration` `Absolute`), so no keep-alive
 *   helps and the connection needs a new sign-in then. A client set to
 *   `Sliding` (15 days unused by default): `<NAME>_REFRESH_TOKEN_IDLE_DAYS=15`.
 *   A client set to `OneTimeOnly` rotates them, which the core handles too
 *   (https://docs.duendesoftware.com/identityserver/tokens/refresh/#rotation).
 * - Refusals at the token endpoint are HTTP 400, `invalid_client` included
 *   (IdentityServer's TokenErrorResult); RFC 6749 §5.2's codes are read.
 * - Disconnect revokes at `/connect/revocation` (RFC 7009), which ends the
 *   refresh token and reference access tokens; a JWT access token, the
 *   default, lives on until it expires
 *   (https://docs.duendesoftware.com/identityserver/reference/endpoints/revocation/).
 * - The API base is the host's URL, whose `/connect/userinfo` the access
 *   token reads; the APIs the host protects: `<NAME>_API_BASE_URL`.
 * Not checked against a running IdentityServer: the descriptions of its
 * refusals, and the claims a given host's profile service issues.
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

export const duende: ProviderPreset = {
  displayName: 'Duende IdentityServer',
  values: { baseUrl: 'issuer' },
  settings: ({ baseUrl }) => {
    // IdentityServer names itself by the host's URL, with no trailing slash.
    const issuer = withoutTrailingSlash(baseUrl ?? '');
    return {
      discovery: { issuer },
      scope: 'openid profile email offline_access',
      ...(baseUrl === undefined ? {} : { apiBaseUrl: issuer }),
      tokenEndpointAuthMethod: 'client_secret_basic',
      // IdentityServer asks consent for offline_access itself: no prompt=consent.
      refreshTokenNeedsConsent: false,
    };
  },
};
