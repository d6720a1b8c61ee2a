/**
 * Pocket ID (self-run; a passkey-only OpenID Connect provider, with discovery).
 * `<NAME>_BASE_URL` is required: Pocket ID's `APP_URL`, which is also the
 * issuer, whose discovery document names the endpoints `/authorize`,
 * `/api/oidc/token`, `/api/oidc/userinfo` and `/.well-known/jwks.json`
 * (https://pocket-id.org/docs/setup/connect-an-app, "Endpoints").
 * - The client is an OIDC client made under Administration → OIDC Clients,
 *   confidential, its callback URL the callback; a new client lets nobody in
 *   until its Access tab names the groups whose members may sign in, or All
 *   Users (same page, "Choose who may sign in"). The token endpoint takes the
 *   client by Basic or in the form
 *   (https://pocket-id.org/docs/api/endpoints/create-oidc-tokens); Basic is sent.
 *   PKCE S256 is sent (required of public clients only).
 * - The scopes: `openid profile email`. Pocket ID issues refresh tokens
 *   without `offline_access`, so none is asked, and no `prompt=consent`: the
 *   consent page is Pocket ID's own, asked the first time or when the app asks
 *   for more (https://pocket-id.org/docs/guides/scopes-and-claims; connect-an-app,
 *   "Test the sign-in").
 * - The person is `sub`, "the user's ID, which never changes"; `profile`
 *   brings `name` (the first and last name, else the display name or
 *   username), `preferred_username` (the username) and `picture`; `email`
 *   brings `email` and `email_verified`, when the user has an address; the ID
 *   token and userinfo carry the same claims, RS256 by default (scopes-and-claims).
 * - Tokens: access tokens 60 minutes, refresh tokens 30 days of inactivity
 *   (both per client), a refresh token's lifetime restarting whenever it is
 *   used; at every refresh Pocket ID checks the user still exists, is not
 *   disabled and is in one of the client's allowed groups, so a refusal there
 *   ends the connection (scopes-and-claims, "Tokens"). The keep-alive sweep
 *   refreshes a connection left unused for 30 days; a client set otherwise:
 *   `<NAME>_REFRESH_TOKEN_IDLE_DAYS`.
 * - Pocket ID documents no revocation endpoint (its endpoint table and
 *   discovery name none): disconnect deletes the tokens here only.
 * - The API base is the issuer, whose `/api/oidc/userinfo` the access token reads.
 * Not checked against Pocket ID's own pages (its source, which answers through
 * Ory Fosite, says so): each refresh answers a new refresh token and retires
 * the old one, the core keeping the new; a retired one used again ends the
 * grant; refusals are RFC 6749 §5.2's codes (`invalid_grant`, a 401
 * `invalid_client`). Not checked against a running Pocket ID: whether
 * declining on its consent page redirects back with `access_denied`.
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

const DAY = 86_400;

export const pocketid: ProviderPreset = {
  displayName: 'Pocket ID',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    // APP_URL is the issuer, with no trailing slash.
    const issuer = withoutTrailingSlash(baseUrl ?? '');
    return {
      discovery: { issuer },
      scope: 'openid profile email',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
      // Refresh tokens come without offline_access; the consent page is Pocket ID's own.
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 30 * DAY,
    };
  },
};
