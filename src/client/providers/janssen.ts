/**
 * Janssen Server (self-run; the Janssen Project's Auth Server, which Gluu
 * Server is built on; an OpenID Connect provider with discovery).
 * `<NAME>_BASE_URL` is the server's URL. From the Janssen documentation
 * (https://docs.jans.io, docs/janssen-server/auth-server/endpoints/ of
 * https://github.com/JanssenProject/jans):
 * - the discovery document is at `<base>/jans-auth/.well-known/openid-configuration`
 *   (configuration.md), which the preset reads at that URL, taking the
 *   `issuer` it names (the server's `issuer` property); it names
 *   `/jans-auth/restv1/authorize`, `/jans-auth/restv1/token`,
 *   `/jans-auth/restv1/userinfo` and `/jans-auth/restv1/revoke` by default
 *   (authorization.md, token.md, userinfo.md, token-revocation.md);
 * - the client is registered with the authorization code and refresh token
 *   grant types and the callback; the token endpoint takes a confidential
 *   client by `client_secret_basic`, `client_secret_post`,
 *   `client_secret_jwt` or `private_key_jwt` (token.md): Basic is sent.
 *   PKCE S256 is sent (Janssen takes `plain` and `s256`);
 * - the scope is `openid profile email offline_access`: a refresh token
 *   comes only with `offline_access` (`forceOfflineAccessScopeToEnableRefreshToken`,
 *   true by default), so the core asks consent (`prompt=consent`, which
 *   Janssen supports) when the connection has no live refresh token;
 * - the token endpoint answers `access_token`, `token_type` Bearer,
 *   `refresh_token`, `expires_in` and `id_token` (token.md). A refresh
 *   answers a new refresh token (`skipRefreshTokenDuringRefreshing`, false
 *   by default), kept in place of the old;
 * - the person is `sub`, with `name`, `given_name`, `family_name`,
 *   `preferred_username` and `email` from userinfo, released by the scopes
 *   (userinfo.md); the API base is `<base>/jans-auth`;
 * - disconnect revokes at the revocation endpoint (RFC 7009), which ends
 *   the whole grant: revoking the refresh token invalidates its access
 *   tokens too (token-revocation.md).
 * Not checked against Janssen's pages: which user attribute `sub` is
 * (`openidSubAttribute` has no documented default), the default lifetimes
 * of access and refresh tokens (`accessTokenLifetime` and
 * `refreshTokenLifetime` have none documented, so no keep-alive is set;
 * `<NAME>_REFRESH_TOKEN_IDLE_DAYS` sets one), whether a rotated refresh
 * token is refused once used, whether `email_verified` is released, and
 * the token endpoint's refusals (RFC 6749 §5.2's are assumed).
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

export const janssen: ProviderPreset = {
  displayName: 'Janssen Server',
  values: { baseUrl: 'issuer' },
  settings: ({ baseUrl }) => {
    const base = withoutTrailingSlash(baseUrl ?? '');
    return {
      discovery: { metadataUrl: `${base}/jans-auth/.well-known/openid-configuration` },
      scope: 'openid profile email offline_access',
      ...(baseUrl === undefined ? {} : { apiBaseUrl: `${base}/jans-auth` }),
      tokenEndpointAuthMethod: 'client_secret_basic',
    };
  },
};
