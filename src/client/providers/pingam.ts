/**
 * PingAM, formerly ForgeRock Access Management (self-run; OpenID Connect with
 * discovery). `<NAME>_BASE_URL` is the deployment's URL with its path, e.g.
 * `https://am.example.com:8443/am`; `<NAME>_REALM` the realm below the
 * top-level realm (`alpha`). Every OAuth 2.0 endpoint names the realm in its
 * path, `<deployment>/oauth2/realms/root/realms/<realm>/…`, and that URL is
 * the issuer, its discovery document under it
 * (https://docs.pingidentity.com/pingam/8/am-oidc1/rest-api-oidc-userinfo-endpoint.html,
 * https://docs.pingidentity.com/pingam/8/am-oidc1/rest-api-oauth2-register-endpoint.html).
 * A deeper realm, or the top-level realm itself: `<NAME>_ISSUER`.
 * - The client is a confidential OAuth 2.0 client of the realm, the callback
 *   among its Redirection URIs and `openid profile email` among its scopes.
 *   Basic is sent, its id and secret URL-encoded before base64, as AM's
 *   default method for confidential clients, `client_secret_basic`, takes them
 *   (https://docs.pingidentity.com/pingam/8/am-oauth2/client-auth-header.html);
 *   PKCE S256 is sent.
 * - By default AM issues a refresh token whenever it issues an access token,
 *   with no `offline_access` and no consent prompt, and a refresh answers a new
 *   one and expires the old, which the core keeps
 *   (https://docs.pingidentity.com/pingam/8/am-oauth2/oauth2-refresh-tokens.html).
 * - The person is `sub`, the identity's id (a UUID), which AM also answers as
 *   `subname`; `profile` brings `name`, `given_name` and `family_name`
 *   (https://docs.pingidentity.com/pingam/8/am-oidc1/rest-api-oidc-userinfo-endpoint.html).
 * - Disconnect revokes at `/oauth2/token/revoke` (RFC 7009), which discovery
 *   names; a refresh token revoked ends every token issued with the same grant
 *   (https://docs.pingidentity.com/pingam/7.2/oauth2-guide/varlist-oauth2-token-revoke-endpoint.html).
 * - The API base is the realm's OAuth 2.0 URL (`/userinfo`).
 * Not checked against PingAM's own pages: the provider's default access and
 * refresh token lifetimes (so the preset sets no idle lifetime; a realm whose
 * refresh tokens end unused: `<NAME>_REFRESH_TOKEN_IDLE_DAYS`), whether the
 * e-mail comes with `email_verified`, the descriptions of its token endpoint's
 * refusals (the RFC 6749 §5.2 codes are what the core reads), and whether a
 * deployment older than 7 answers a username as `sub`, which would change with
 * it.
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

export const pingam: ProviderPreset = {
  displayName: 'PingAM',
  values: { baseUrl: 'issuer', realm: 'issuer' },
  settings: ({ baseUrl, realm }) => {
    const issuer = `${withoutTrailingSlash(baseUrl ?? '')}/oauth2/realms/root/realms/${encodeURIComponent(realm ?? '')}`;
    return {
      discovery: { issuer },
      scope: 'openid profile email',
      ...(baseUrl === undefined || realm === undefined ? {} : { apiBaseUrl: issuer }),
      tokenEndpointAuthMethod: 'client_secret_basic',
    };
  },
};
