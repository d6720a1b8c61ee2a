/**
 * Auth0 (OpenID Connect with discovery). `<NAME>_DOMAIN` is the tenant's
 * domain (`example.us.auth0.com`, or a custom domain); the issuer is
 * `https://{domain}/`, with the trailing slash, and its discovery document
 * names `/authorize`, `/oauth/token`, `/userinfo` and the revocation endpoint
 * `/oauth/revoke` (https://auth0.com/docs/api/authentication).
 * `<NAME>_AUDIENCE`, the identifier of an API registered in the tenant, is
 * sent as the `audience` authorization parameter: then the access token is a
 * JWT for that API (and for /userinfo); without it, a token for /userinfo only
 * (https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens).
 * The person is `sub`, the user id (`auth0|…`, `google-oauth2|…`)
 * (https://auth0.com/docs/manage-users/user-accounts/identify-users).
 * `offline_access` brings a refresh token (for an API, when it allows offline
 * access), with no consent prompt for the tenant's own apps
 * (https://auth0.com/docs/secure/tokens/refresh-tokens/get-refresh-tokens);
 * with rotation enabled each refresh answers a new one and an old one used
 * again ends the family (https://auth0.com/docs/secure/tokens/refresh-tokens/refresh-token-rotation),
 * which the core's single refresh and atomic save respect. Auth0 answers a
 * refused code or refresh token with HTTP 403 `invalid_grant`, which
 * openid-client reads as the RFC 6749 error it is. Regular web apps
 * authenticate with client_secret_post by default. `/oauth/revoke` revokes
 * refresh tokens (and answers 200 for anything else, RFC 7009 §2.2); access
 * tokens live until they expire (https://auth0.com/docs/secure/tokens/refresh-tokens/revoke-refresh-tokens).
 * Calls go to the tenant by default (/userinfo); set `<NAME>_API_BASE_URL`
 * to the API the audience names.
 */
import type { ProviderPreset } from './preset.js';

export const auth0: ProviderPreset = {
  displayName: 'Auth0',
  values: { domain: 'issuer', audience: 'optional' },
  settings: ({ domain, audience }) => ({
    discovery: { issuer: `https://${domain ?? ''}/` },
    scope: 'openid profile email offline_access',
    apiBaseUrl: `https://${domain ?? ''}`,
    tokenEndpointAuthMethod: 'client_secret_post',
    refreshTokenNeedsConsent: false,
    ...(audience ? { authorizationParams: { audience } } : {}),
  }),
};
