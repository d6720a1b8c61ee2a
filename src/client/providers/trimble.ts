/**
 * Trimble Identity (Trimble ID, for an application registered in Trimble's
 * Developer Console with the Authorization Code grant, the callback as its
 * callback URL). OpenID Connect with discovery at `https://id.trimble.com`.
 * From Trimble's pages:
 * - the endpoints are `https://id.trimble.com/oauth/authorize`,
 *   `/oauth/token`, `/oauth/userinfo` and `/oauth/revoke`, on OAuth 2.0 and
 *   OpenID Connect Core 1.0 (https://developer.trimble.com/docs/authentication/api);
 * - the authorization request takes `client_id` (a UUID), `response_type=code`,
 *   `redirect_uri`, `state` and a space-separated `scope` of `openid` and the
 *   application's name; with `openid` it is an OpenID Connect request and an
 *   ID token comes back; the code is exchanged for an access token and a
 *   refresh token with the client as HTTP Basic, `Base64(id:secret)` as it is
 *   (https://developer.trimble.com/docs/authentication/authorization-code).
 *   `openid` is asked; an app adds its application's name (as the Developer
 *   Console shows it) in `<NAME>_SCOPE`, for access tokens its APIs take;
 * - PKCE is not used: a client that sends a challenge must then send a new
 *   verifier and challenge with every refresh ("Serial PKCE",
 *   https://developer.trimble.com/docs/authentication/authorization-code-pkce),
 *   which the plain Authorization Code grant of a client with its secret
 *   does without;
 * - access tokens last an hour; a refresh token lasts 9 days and is spent by
 *   its refresh, which answers a new one
 *   (https://developer.trimble.com/docs/ag/client-credentials, and "a maximum
 *   refresh interval of 9 days" for Trimble Connect,
 *   https://developer.trimble.com/docs/connect/getting_started): the
 *   keep-alive sweep refreshes a connection before 9 idle days;
 * - the person is the ID token's `sub`, OpenID Connect Core §2's identifier
 *   the issuer never reassigns; the user info is `/oauth/userinfo` on the
 *   issuer's host, the API base (Trimble's product APIs, e.g.
 *   `https://us-east.api.trimble.com/connect/v2`, through `<NAME>_API_BASE_URL`);
 * - `POST /oauth/revoke` with the client as Basic and `token` and
 *   `token_type_hint` revokes a refresh token (RFC 7009's form): disconnect
 *   revokes the refresh token there, and an access token refused there as
 *   `unsupported_token_type` ends with it.
 * Not checked against Trimble's pages: the discovery document at
 * `https://id.trimble.com/.well-known/openid-configuration` and the issuer
 * its ID tokens name (`https://id.trimble.com` assumed; discovery must name
 * the revocation endpoint for disconnect to revoke); whether `openid` alone
 * is granted (with a refresh token) without the application's name; which
 * profile claims the ID token and the user info carry (`given_name`,
 * `family_name`, `email`, `email_verified` read where sent); the token
 * endpoint's refusals (RFC 6749 §5.2's assumed).
 */
import type { ProviderPreset } from './preset.js';

export const trimble: ProviderPreset = {
  displayName: 'Trimble',
  settings: () => ({
    discovery: { issuer: 'https://id.trimble.com' },
    scope: 'openid',
    apiBaseUrl: 'https://id.trimble.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    pkce: false,
    // A refresh token lasts 9 days and each refresh answers a new one.
    refreshTokenIdleSeconds: 9 * 86_400,
  }),
};
