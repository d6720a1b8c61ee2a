/**
 * Okta (OpenID Connect with discovery), through the org's default custom
 * authorization server: `<NAME>_DOMAIN` (e.g. `dev-123456.okta.com`, or a
 * custom domain) gives the issuer `https://{domain}/oauth2/default`, whose
 * `/.well-known/openid-configuration` names `/v1/authorize`, `/v1/token`,
 * `/v1/userinfo`, `/v1/keys` and the RFC 7009 `/v1/revoke`
 * (https://developer.okta.com/docs/concepts/auth-servers/,
 * https://developer.okta.com/docs/api/openapi/okta-oauth/guides/overview/).
 * Another authorization server: `<NAME>_ISSUER=https://{domain}/oauth2/{id}`.
 * The person is the ID token's `sub`, the Okta user id (`00u…`); the access
 * token's own `sub` is the login, which can change
 * (https://developer.okta.com/docs/api/openapi/okta-oauth/guides/tokens/).
 * `offline_access` brings a refresh token when the app allows the Refresh Token
 * grant, with no consent screen unless the app asks for consent
 * (https://developer.okta.com/docs/guides/refresh-tokens/main/). Refresh tokens
 * persist, or rotate when the app says "Rotate token after every use"; either
 * way the core keeps the one the answer carries. Access and ID tokens live one
 * hour by default (the access policy may change it). Okta's web apps use
 * client_secret_basic by default. Calls go to the authorization server by
 * default (userinfo); set `<NAME>_API_BASE_URL` for your own APIs.
 * An access policy rule ends a refresh token that is not used for a while:
 * "but will expire if not used every", 7 days unless changed
 * (https://developer.okta.com/docs/guides/customize-authz-server/main/,
 * https://support.okta.com/help/s/article/refresh-token-expiration-behavior),
 * so the keep-alive sweep refreshes an unused connection before then; a policy
 * with another idle time: `<NAME>_REFRESH_TOKEN_IDLE_DAYS`.
 */
import type { ProviderPreset } from './preset.js';

export const okta: ProviderPreset = {
  displayName: 'Okta',
  values: { domain: 'issuer' },
  settings: ({ domain }) => {
    const issuer = `https://${domain ?? ''}/oauth2/default`;
    return {
      discovery: { issuer },
      scope: 'openid profile email offline_access',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 7 * 86_400,
    };
  },
};
