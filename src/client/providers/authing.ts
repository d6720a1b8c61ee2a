/**
 * Authing (authing.cn; OpenID Connect with discovery). `<NAME>_BASE_URL` is the
 * self-built application's domain as the console shows it
 * (`https://<app>.authing.cn`, or the application's custom domain): the
 * issuer is `<domain>/oidc`, whose discovery document is
 * `<domain>/oidc/.well-known/openid-configuration`
 * (https://docs.authing.cn/v2/apn/test-oidc/get-oidc-parameter/step4.html),
 * with the endpoints `/oidc/auth`, `/oidc/token` and `/oidc/me` (userinfo)
 * under it (https://docs.authing.cn/federation/oidc/authorization-code/?step=2).
 * - The application is a self-built one with the authorization code grant and
 *   `code` as its response type, the callback among its login callback URLs
 *   (https://docs.authing.cn/v2/guides/federation/oidc.html). Its token
 *   endpoint's client authentication defaults to `client_secret_post`, the
 *   secret in the form (the SDKs' `tokenEndPointAuthMethod`,
 *   https://docs.authing.cn/v2/reference-new/mobile/sdk-for-csharp/authentication/StandardProtocol.html);
 *   an application switched to Basic sets
 *   `<NAME>_TOKEN_ENDPOINT_AUTH_METHOD=client_secret_basic`.
 * - The scopes: `openid profile email offline_access`; a refresh token needs
 *   `offline_access`, and Authing's own authorization link asks it with
 *   `prompt=consent` (https://docs.authing.cn/federation/oidc/authorization-code/?step=2),
 *   as sign-in does whenever the connection has no live refresh token. PKCE
 *   is sent (Authing documents its authorization code + PKCE flow,
 *   https://docs.authing.cn/v2/apn/more-oidc-tests/type2.html).
 * - The person is `sub`, which Authing maps to the user's `userId`
 *   (https://docs.authing.cn/v2/guides/app-new/create-app/oidc-scope.html);
 *   a user id is one user pool's, and the issuer (one application's domain)
 *   is that pool's, so `sub` is unique under it. `profile` brings `name`,
 *   `preferred_username`, `picture`…, `email` brings `email` and
 *   `email_verified` (the same page's default claims).
 * - Disconnect revokes at the revocation endpoint discovery names
 *   (`/oidc/token/revocation`, RFC 7009).
 * Not checked against Authing's pages: the lifetimes of the tokens and
 * whether a refresh answers a new refresh token (the newest is always kept);
 * the error bodies of the token endpoint (RFC 6749 §5.2's assumed);
 * userinfo's answer to a token it does not take.
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

export const authing: ProviderPreset = {
  displayName: 'Authing',
  values: { baseUrl: 'issuer' },
  settings: ({ baseUrl }) => {
    const issuer = `${withoutTrailingSlash(baseUrl ?? '')}/oidc`;
    return {
      discovery: { issuer },
      scope: 'openid profile email offline_access',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_post',
    };
  },
};
