/**
 * PingOne (Ping Identity's hosted identity service; OpenID Connect with discovery).
 * `<NAME>_ENVIRONMENT_ID` is required: the environment the application is in, whose
 * issuer is `https://auth.pingone.<region>/<environment id>/as`, with its discovery
 * document at `<issuer>/.well-known/openid-configuration`
 * (https://developer.pingidentity.com/pingone-api/auth/openid-connect-oauth-2/discovery-openid-configuration.html,
 * https://docs.pingidentity.com/pingone/integrations/p1_discovery_document_uri.html).
 * `<NAME>_DOMAIN` is the region's host: `auth.pingone.com` (North America, the
 * default), `auth.pingone.eu`, `auth.pingone.asia`, `auth.pingone.ca` or
 * `auth.pingone.com.au`; an environment on a custom domain: `<NAME>_ISSUER`.
 * - The application is an OIDC Web App, its redirect URI the callback, with
 *   "Refresh Token" among its grant types: PingOne issues refresh tokens only to
 *   such an application. Its "Token Endpoint Authentication Method" decides how
 *   the client authenticates; the preset sends Basic (Client Secret Basic), and
 *   `<NAME>_TOKEN_ENDPOINT_AUTH_METHOD=client_secret_post` suits an app set to Post
 *   (https://docs.pingidentity.com/pingone/applications/p1_edit_application_oidc.html,
 *   https://developer.pingidentity.com/pingone-api/workflow-library/platform-sso-and-authorization/openid-connect-oidc/client-authentication-methods/environment-configuration/none.html).
 *   Its "PKCE Enforcement" may require S256, which is sent.
 * - The scopes: `openid profile email`. `profile` brings `name`, `given_name`,
 *   `family_name` and `preferred_username` (the username, which can change),
 *   `email` the `email` and `email_verified` claims, kept as userinfo says
 *   (https://developer.pingidentity.com/pingone-api/foundations/pingone-roles-scopes-and-permissions/access-services-through-scopes-and-roles/openid-connect-oidc-scopes.html).
 *   The person is `sub`, the PingOne user's id.
 * - Refresh tokens: "Refresh token duration", 30 days by default, is how long each
 *   one lives; a refresh answers a new one, which the core keeps. With "Refresh
 *   token rotation" on, each is taken only once
 *   (https://docs.pingidentity.com/pingone/applications/p1_refresh_token_rotation.html).
 *   The keep-alive sweep refreshes a connection left unused before its 30 days; an
 *   app set otherwise: `<NAME>_REFRESH_TOKEN_IDLE_DAYS`.
 * - Disconnect revokes at `/as/revoke` (RFC 7009), which discovery names
 *   (https://developer.pingidentity.com/pingone-api/auth/openid-connect-oauth-2/token-revocation.html).
 * - Calls go to the environment's `/as` (userinfo at `/as/userinfo`); the app's own
 *   APIs, whose custom resource the scopes name: `<NAME>_API_BASE_URL` and `<NAME>_SCOPE`.
 * Not checked against PingOne's own pages: the access token's default lifetime
 * (the resource's, one hour in the emulator), the "Refresh token rolling duration"'s
 * default (how long refreshes may go on after sign-in), the body of its token
 * endpoint's refusals (the RFC 6749 §5.2 codes are what the core reads), whether
 * `offline_access` (which an app must be granted) changes the refresh token's life,
 * and whether `/as/revoke` ends tokens that carry only OpenID Connect scopes: its
 * page says it revokes tokens for a custom resource, not for PingOne's own API.
 */
import type { ProviderPreset } from './preset.js';

/** The regions' hosts, North America's first (the default). */
export const PINGONE_AUTH_HOSTS: readonly string[] = ['auth.pingone.com', 'auth.pingone.eu', 'auth.pingone.asia', 'auth.pingone.ca', 'auth.pingone.com.au'];

export const pingone: ProviderPreset = {
  displayName: 'PingOne',
  values: { environmentId: 'issuer', domain: 'optional' },
  settings: ({ environmentId, domain }) => {
    const issuer = `https://${domain ?? PINGONE_AUTH_HOSTS[0]}/${encodeURIComponent(environmentId ?? '')}/as`;
    return {
      discovery: { issuer },
      scope: 'openid profile email',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenIdleSeconds: 30 * 86_400,
    };
  },
};
