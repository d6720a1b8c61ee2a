/**
 * Asgardeo (WSO2's identity cloud; OpenID Connect, with discovery).
 * `<NAME>_TENANT` is required: the organization's name, the `<org>` in
 * `https://api.asgardeo.io/t/<org>`. The issuer is, unusually, the token
 * endpoint's URL, `https://api.asgardeo.io/t/<org>/oauth2/token`, whose
 * discovery document (at `…/oauth2/token/.well-known/openid-configuration`)
 * names `/oauth2/authorize`, `/oauth2/token`, `/oauth2/userinfo`,
 * `/oauth2/revoke` and `/oauth2/jwks` under the organization
 * (https://wso2.com/asgardeo/docs/guides/authentication/oidc/discover-oidc-configs/).
 * `<NAME>_BASE_URL` names another region's host, e.g.
 * `https://api.eu.asgardeo.io` for an organization made in the EU
 * (https://wso2.com/asgardeo/docs/references/data-residency-in-asgardeo/);
 * `https://api.asgardeo.io` when unset.
 * - The client is a traditional web application, its Client ID and Client
 *   secret, the callback among its Authorized redirect URLs, with the Code and
 *   Refresh Token grant types allowed (the protocol tab). Basic is sent, as
 *   Asgardeo's own examples do (`curl -u <client_id>:<client_secret>`); PKCE
 *   S256 is taken, required only when the app marks it Mandatory
 *   (https://wso2.com/asgardeo/docs/references/app-settings/oidc-settings-for-app/).
 * - The scopes: `openid profile email`. A refresh token comes with every code
 *   exchange when the app allows the Refresh Token grant, with no
 *   `offline_access` and no consent prompt
 *   (https://wso2.com/asgardeo/docs/references/tokens/refresh-tokens/).
 * - The person is `sub`, the user's id (a UUID); `given_name`, `family_name`
 *   (for `profile`) and `email` (for `email`) are the user attributes the app
 *   asks for, in the ID token and userinfo; the name is made of the first two.
 *   ID tokens are RS256.
 * - Tokens, by the app's defaults: access tokens 3600 s; refresh tokens 86400
 *   s (one day) from their issue, and a refresh answers the same refresh
 *   token until it expires, so by default a connection ends a day after its
 *   sign-in whatever is done. With "Renew refresh token" on, each refresh
 *   answers a new one (the old invalidated), which the core keeps, each with
 *   its own day: then `<NAME>_REFRESH_TOKEN_IDLE_DAYS=1` lets the keep-alive
 *   sweep renew idle connections (same pages). The preset sets no idle
 *   lifetime, as the default cannot be kept alive.
 * - Disconnect revokes at `/oauth2/revoke` (RFC 7009), which discovery names.
 * - The API base is the organization, `https://api.asgardeo.io/t/<org>`, where
 *   `/oauth2/userinfo` and the SCIM 2.0 API (`/scim2/Me`) take the user's
 *   access token.
 * Not checked against Asgardeo itself: whether the console's web application
 *   template turns "Renew refresh token" on (the pages say the same token comes
 *   back by default), the descriptions of its token endpoint's refusals (the
 *   RFC 6749 §5.2 codes are what the core reads), and a subject attribute set
 *   otherwise than the user id (a username or e-mail as `sub` would change
 *   with it).
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

const ASGARDEO = 'https://api.asgardeo.io';

export const asgardeo: ProviderPreset = {
  displayName: 'Asgardeo',
  values: { tenant: 'issuer', baseUrl: 'optional' },
  settings: ({ tenant, baseUrl }) => {
    const organization = `${withoutTrailingSlash(baseUrl ?? ASGARDEO)}/t/${encodeURIComponent(tenant ?? '')}`;
    return {
      // Asgardeo names the token endpoint's URL as its issuer.
      discovery: { issuer: `${organization}/oauth2/token` },
      scope: 'openid profile email',
      ...(tenant === undefined ? {} : { apiBaseUrl: organization }),
      tokenEndpointAuthMethod: 'client_secret_basic',
      // Every code exchange answers a refresh token when the app allows the grant: no offline_access, no prompt=consent.
      refreshTokenNeedsConsent: false,
    };
  },
};
