/**
 * Inoreader (its API, for an application registered in Inoreader's
 * Developer preferences, the callback as its redirect URI). Plain OAuth 2.0
 * authorization code with explicit endpoints: no discovery, no ID token.
 * From Inoreader's developer documentation:
 * - `GET https://www.inoreader.com/oauth2/auth` with `client_id`,
 *   `redirect_uri` (the one registered), `response_type=code`, `scope` and
 *   `state` (up to 500 bytes; Tokenkeeper's is far shorter). The scope is
 *   `read` or `read write`; left empty, the one set in the application's
 *   registration is granted, and an application registered "Read only"
 *   cannot ask `write` (https://www.inoreader.com/developers/oauth). The
 *   preset asks `read`; `<NAME>_SCOPE=read write` asks for both;
 * - `POST https://www.inoreader.com/oauth2/token`, a form
 *   (`application/x-www-form-urlencoded`) with `code`, `redirect_uri`,
 *   `client_id`, `client_secret`, an empty `scope` and `grant_type`, answers
 *   `access_token`, `token_type: "Bearer"`, `expires_in`, `refresh_token`
 *   and `scope`; a refresh is the same POST with `client_id`,
 *   `client_secret`, `grant_type=refresh_token` and `refresh_token`, and
 *   answers the same members, a refresh token among them, which is kept
 *   (https://www.inoreader.com/developers/oauth). The tokenRequest hook adds
 *   the empty `scope` to the code exchange, as Inoreader's sample sends it;
 * - the API is `https://www.inoreader.com/reader/api/0` with the token as
 *   `Authorization: Bearer`; the person is `GET /user-info`: `userId` (the
 *   subject), `userName`, `userProfileId`, `userEmail`, `isBloggerUser`,
 *   `signupTimeSec` and `isMultiLoginEnabled`
 *   (https://www.inoreader.com/developers/user-info), whose e-mail's
 *   verification Inoreader does not say;
 * - each API method counts against a daily limit of its zone (`user-info`
 *   and the reading methods zone 1, the editing methods zone 2), each answer
 *   says the usage in `X-Reader-Zone1-Usage`… headers, and a call over the
 *   limit is a 429 (https://www.inoreader.com/developers/rate-limiting,
 *   https://www.inoreader.com/developers/app-auth): the proxy passes it on,
 *   with those headers (X-Reader-Zone1/Zone2-Limit and -Usage, and
 *   X-Reader-Limits-Reset-After), which a caller paces itself by.
 * Not checked against Inoreader's own pages: the access token's lifetime
 * (the answer's `expires_in` is used as given); whether a refresh ends the
 * spent refresh token (the newest is always kept); whether a refresh token
 * ends unused (no end is assumed, so no keep-alive); the token endpoint's
 * error bodies (RFC 6749 §5.2's are assumed); the API's answer to a token it
 * does not take (401 is assumed); whether `userName` is a display name or a
 * handle (it is kept as the name); whether PKCE is taken (none is sent).
 * Inoreader documents no revocation: disconnect forgets the tokens, and the
 * person removes the application in Inoreader's preferences.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/** The zones' limits, usage and reset that each API answer carries, passed back through the proxies. */
const ZONE_HEADERS = ['x-reader-zone1-limit', 'x-reader-zone1-usage', 'x-reader-zone2-limit', 'x-reader-zone2-usage', 'x-reader-limits-reset-after'];

/** openid-client's form as it is, with the empty `scope` Inoreader's sample code exchange sends. */
function tokenRequest(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const form = new URLSearchParams(request.body);
  if (form.get('grant_type') === 'authorization_code' && !form.has('scope')) form.set('scope', '');
  return { body: form.toString(), headers: request.headers };
}

/**
 * The user of `/user-info`: `userId` (digits, as a string or a number) as the subject, `userName` as the name and
 * `userEmail`; an answer without such a user id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.userId;
  const userId = typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? String(id) : typeof id === 'string' && /^[0-9]+$/.test(id.trim()) ? id.trim() : undefined;
  if (userId === undefined) return undefined;
  return { userId, ...textMembers({ name: user!.userName, email: user!.userEmail }) };
}

export const inoreader: ProviderPreset = {
  displayName: 'Inoreader',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.inoreader.com/oauth2/auth',
      tokenEndpoint: 'https://www.inoreader.com/oauth2/token',
      userinfoEndpoint: 'https://www.inoreader.com/reader/api/0/user-info',
    },
    scope: 'read',
    apiBaseUrl: 'https://www.inoreader.com/reader/api/0',
    proxyHeaders: { request: [], response: ZONE_HEADERS },
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'userId',
    hooks: { tokenRequest, profileClaims },
  }),
};
