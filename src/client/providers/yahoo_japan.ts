/**
 * Yahoo! JAPAN ID連携 (YConnect v2), OpenID Connect with discovery. Yahoo! JAPAN's accounts are its own, apart from
 * Yahoo's (the `yahoo` preset). From Yahoo! JAPAN's pages and its own SDK (https://github.com/yahoojapan/yconnect-php-sdk,
 * whose README points to http://developer.yahoo.co.jp/yconnect/server_app/explicit/ and
 * http://developer.yahoo.co.jp/yconnect/userinfo.html):
 * - the issuer is `https://auth.login.yahoo.co.jp/yconnect/v2`, which the SDK checks each ID token's `iss` against,
 *   with `aud` (an array holding the client id), `exp`, `iat`, `nonce` (required: a nonce is sent, as by default)
 *   and `at_hash` when present; its authorization endpoint is `/authorization` and its token endpoint `/token`;
 * - scopes `openid profile email` (the SDK's; `address` too, which a connection may ask for in `<NAME>_SCOPE`);
 *   PKCE is taken (`code_challenge`, and `code_verifier` at the exchange);
 * - `POST https://auth.login.yahoo.co.jp/yconnect/v2/token` requires, for a server-side app, the client as HTTP
 *   Basic: the client id and secret joined by `:` and base64-encoded as they are
 *   (https://developer.yahoo.co.jp/yconnect/v2/authorization_code/token.html). The code exchange answers
 *   `access_token`, `expires_in`, `refresh_token` and the `id_token`; a refresh answers a new access token and its
 *   `expires_in` alone, so the refresh token held is kept. Refusals are `error`, `error_description` and Yahoo!
 *   JAPAN's own `error_code`;
 * - the person is the ID token's `sub`; their profile is `GET https://userinfo.yahooapis.jp/yconnect/v2/attribute`
 *   (Bearer), which answers a token it does not take with 401 and `WWW-Authenticate: Bearer error="invalid_token"`.
 *   The API base is that host, for the UserInfo API through the proxy (`<NAME>_API_BASE_URL` for another
 *   yahooapis.jp API);
 * - Yahoo! JAPAN's SDK and pages name no revocation: disconnect deletes the tokens here, and the person removes
 *   the app in their Yahoo! JAPAN ID's settings.
 * Not checked against Yahoo! JAPAN's pages, which were not at hand beyond the token endpoint's: the discovery
 * document's contents (its `jwks_uri` is read from it; the SDK reads keys from `/public-keys`, a map of PEM keys
 * that is not a JWK set), the UserInfo API's members (OpenID Connect Core §5.1's are read, `email_verified` with
 * them), the HTTP status of the token endpoint's refusals (RFC 6749 §5.2's are assumed), and how long a refresh
 * token lasts (four weeks by developers' reports, from the sign-in and not renewed by a refresh, so no keep-alive
 * can extend it; it is not in the token answer).
 */
import type { ProviderPreset } from './preset.js';

const ISSUER = 'https://auth.login.yahoo.co.jp/yconnect/v2';

export const yahoo_japan: ProviderPreset = {
  displayName: 'Yahoo! JAPAN',
  settings: () => ({
    discovery: { issuer: ISSUER },
    scope: 'openid profile email',
    apiBaseUrl: 'https://userinfo.yahooapis.jp',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    refreshTokenNeedsConsent: false,
  }),
};
