/**
 * Casdoor (self-run; OAuth 2.0 and OpenID Connect, with discovery).
 * `<NAME>_BASE_URL` is required: Casdoor's origin, which is the issuer, whose
 * discovery document names `/login/oauth/authorize`,
 * `/api/login/oauth/access_token`, `/api/userinfo` and the keys
 * (https://casdoor.org/docs/how-to-connect/oauth,
 * https://casdoor.org/docs/how-to-connect/oidc-client).
 * - The client is a Casdoor application, its Client ID and Client secret, the
 *   callback among its Redirect URLs, "Authorization Code" among its grant
 *   types (on by default). The token request carries `client_id` and
 *   `client_secret` in its body, as the page shows; PKCE S256 is taken (same
 *   page).
 * - The scopes: `openid profile email` (profile: the name and display name;
 *   email: the address). Every code exchange answers a refresh token, so no
 *   `offline_access` is asked (same page).
 * - The person is `sub`, the Casdoor user's id (a UUID). Userinfo answers
 *   `preferred_username` (the Casdoor username), `name` (the display name) and
 *   `email` (https://casdoor.org/docs/how-to-connect/oidc-client, "OIDC
 *   UserInfo Fields"), and `email_verified` only when true (its source,
 *   object/user.go); the ID token of the default "JWT" token format carries
 *   Casdoor's own member names (its `name` is the username, beside
 *   `displayName`), so the profile is read from userinfo, which wins.
 * - Tokens: access tokens live the application's "Token expire" and refresh
 *   tokens its "Refresh token expire" (168 hours each for an application made
 *   in the UI; a refresh expiry of 0 is the access token's); a refresh (the
 *   `refresh_token` grant at the token endpoint, or Casdoor's
 *   `/api/login/oauth/refresh_token`) answers a new refresh token and deletes
 *   the old one, which the core keeps. The keep-alive sweep refreshes a
 *   connection left unused before its 7 days; an application set otherwise:
 *   `<NAME>_REFRESH_TOKEN_IDLE_DAYS`.
 * - Casdoor answers a client it cannot authenticate with HTTP 401
 *   `invalid_client` and `WWW-Authenticate: Basic realm="OAuth2"` (its source,
 *   controllers/util.go): the body's RFC 6749 §5.2 error is read, as for any
 *   challenge that names no error.
 * - Casdoor has no RFC 7009 revocation endpoint (its discovery names none):
 *   disconnect deletes the tokens here only.
 * - The API base is the origin, where `/api/userinfo` and Casdoor's own API
 *   (`/api/get-account`…) take the access token.
 * Not checked against a running Casdoor: the lifetimes of an application made
 * otherwise than in the UI, and the token formats other than "JWT" (the
 * profile comes from userinfo whatever the format).
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

export const casdoor: ProviderPreset = {
  displayName: 'Casdoor',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    // The origin is the issuer, with no trailing slash.
    const issuer = withoutTrailingSlash(baseUrl ?? '');
    return {
      discovery: { issuer },
      scope: 'openid profile email',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_post',
      // Every code exchange answers a refresh token: no offline_access, no prompt=consent.
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 7 * 86_400,
    };
  },
};
