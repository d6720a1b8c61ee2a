/**
 * OneLogin (OpenID Connect with discovery, its API version 2). `<NAME>_DOMAIN`
 * is the account's host, `<subdomain>.onelogin.com`, and the issuer is
 * `https://<domain>/oidc/2`, whose discovery document names `/oidc/2/auth`,
 * `/oidc/2/token`, `/oidc/2/me`, `/oidc/2/certs` and `/oidc/2/token/revocation`
 * (https://developers.onelogin.com/openid-connect/api/provider-config).
 * `<NAME>_ISSUER` alone also works.
 * - The app is an "OpenId Connect (OIDC)" connector, its redirect URI the
 *   callback, whose SSO tab shows the client id and secret and sets the "Token
 *   Endpoint Authentication Method": the preset sends Basic; an app set to POST
 *   needs `<NAME>_TOKEN_ENDPOINT_AUTH_METHOD=client_secret_post`. OneLogin refuses
 *   credentials sent both ways at once
 *   (https://developers.onelogin.com/openid-connect/api/refresh-token).
 * - The scopes: `openid profile email` (OneLogin lists no `offline_access`): the
 *   code exchange answers access, refresh and ID tokens
 *   (https://developers.onelogin.com/openid-connect/api/authorization-code-grant).
 * - The person is `sub`, "the OneLogin ID for the user"; `preferred_username` is
 *   the username, "not always an email address". Userinfo (`/oidc/2/me`) answers
 *   `name`, `given_name`, `family_name` and `email`, with no `email_verified`
 *   (nor does discovery list it), so the e-mail is stored as unverified
 *   (https://developers.onelogin.com/openid-connect/api/user-info).
 * - A refresh answers a new refresh token, which the core keeps; access tokens
 *   live an hour (the answers' `expires_in`: 3600)
 *   (https://developers.onelogin.com/openid-connect/api/refresh-token).
 * - Disconnect revokes at `/oidc/2/token/revocation` (RFC 7009): a refresh token
 *   ends "all of the related tokens", and the access token then sent answers
 *   `unsupported_token_type`, which the core reads as already revoked
 *   (https://developers.onelogin.com/openid-connect/api/revoke-token).
 * - The access token is only for OneLogin's OIDC endpoints, not its other APIs
 *   (Users, Events), so calls go to the issuer (`/me`); the app's own APIs:
 *   `<NAME>_API_BASE_URL`.
 * Not checked against OneLogin's own pages: the app's default authentication
 * method and refresh token expiry (its "Refresh Token" timeout; so no keep-alive
 * sweep is set: `<NAME>_REFRESH_TOKEN_IDLE_DAYS` adds one), whether a used refresh
 * token still works after a refresh, and what a sign-in the person refuses, or
 * one by a user not given the app, sends back.
 */
import type { ProviderPreset } from './preset.js';

export const onelogin: ProviderPreset = {
  displayName: 'OneLogin',
  values: { domain: 'issuer' },
  settings: ({ domain }) => {
    const issuer = `https://${domain ?? ''}/oidc/2`;
    return {
      discovery: { issuer },
      scope: 'openid profile email',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
    };
  },
};
