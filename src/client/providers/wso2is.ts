/**
 * WSO2 Identity Server (self-run; OpenID Connect, with discovery).
 * `<NAME>_BASE_URL` is required: the server's URL, `https://localhost:9443`
 * in WSO2's own examples. The issuer is, as in Asgardeo, the token endpoint's
 * URL, `<base>/oauth2/token`, whose discovery document (at
 * `<base>/oauth2/token/.well-known/openid-configuration`) names
 * `/oauth2/authorize`, `/oauth2/token`, `/oauth2/userinfo`, `/oauth2/revoke`
 * and `/oauth2/jwks`
 * (https://is.docs.wso2.com/en/latest/guides/authentication/oidc/discover-oidc-configs/).
 * An issuer set otherwise (the resident identity provider's settings):
 * `<NAME>_ISSUER`.
 * - The client is an application registered in the Console, a traditional web
 *   application, its Client ID and Client secret, the callback among its
 *   authorized redirect URLs
 *   (https://is.docs.wso2.com/en/latest/guides/authentication/oidc/implement-auth-code/).
 *   Basic is sent, as WSO2's own examples do at the token and revocation
 *   endpoints (https://docs.wso2.com/display/IS540/Refresh+Token+Grant).
 * - The scopes: `openid profile email`. A refresh token comes with every code
 *   exchange once the app allows the Refresh Token grant, with no
 *   `offline_access` and no consent prompt
 *   (https://is.docs.wso2.com/en/7.1.0/references/tokens/refresh-tokens/).
 * - The person is `sub`, the user's id (a UUID in WSO2's sample answer); the
 *   attributes the app asks for (`given_name`, `family_name`, `email`) come in
 *   the ID token and userinfo, which answers `sub` alone when the app shares
 *   none (https://is.docs.wso2.com/en/latest/guides/authentication/oidc/request-user-info/).
 * - Refresh: by default the same refresh token comes back until it expires;
 *   with the app's "Renew refresh token" each refresh answers a new one and
 *   invalidates the old, which the core keeps in place of the old; the renewed
 *   one has a fresh validity period unless "Extend expiry time of renewed
 *   refresh token" is off (the refresh-tokens page above). The preset sets no
 *   idle lifetime: by default the refresh token's validity runs from the
 *   sign-in whatever is done.
 * - Disconnect revokes at `/oauth2/revoke` (RFC 7009), which discovery names;
 *   a refresh token revoked ends its access tokens too (the refresh-tokens
 *   page above).
 * - The API base is the server, whose `/oauth2/userinfo` and SCIM 2.0 API
 *   (`/scim2/Me`) take the user's access token.
 * Not checked against WSO2 Identity Server's own pages: the default token
 * lifetimes of a new application in the 7.x Console (the 5.x documentation
 * gives refresh tokens one day), a tenant's (`/t/<tenant>`) issuer, the
 * statuses and descriptions of its token endpoint's refusals (the RFC 6749
 * §5.2 codes are what the core reads), and a subject attribute set otherwise
 * than the user id (a username or e-mail as `sub` would change with it).
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

export const wso2is: ProviderPreset = {
  displayName: 'WSO2 Identity Server',
  values: { baseUrl: 'issuer' },
  settings: ({ baseUrl }) => {
    const server = withoutTrailingSlash(baseUrl ?? '');
    return {
      // WSO2 Identity Server names the token endpoint's URL as its issuer.
      discovery: { issuer: `${server}/oauth2/token` },
      scope: 'openid profile email',
      ...(baseUrl ? { apiBaseUrl: server } : {}),
      tokenEndpointAuthMethod: 'client_secret_basic',
      // Every code exchange answers a refresh token when the app allows the grant: no offline_access, no prompt=consent.
      refreshTokenNeedsConsent: false,
    };
  },
};
