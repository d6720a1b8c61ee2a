/**
 * Sina Weibo (a web application registered on open.weibo.com, its authorization callback set under "My apps > app
 * information > advanced information"). OAuth 2.0 with explicit endpoints: no discovery, no ID token. From Weibo's
 * open platform wiki:
 * - the person is sent to `https://api.weibo.com/oauth2/authorize` with `client_id` (the App Key),
 *   `response_type=code` and `redirect_uri`, and comes back to it with a code
 *   (https://open.weibo.com/wiki/%E6%8E%88%E6%9D%83%E6%9C%BA%E5%88%B6%E8%AF%B4%E6%98%8E, the authorization page);
 * - `POST https://api.weibo.com/oauth2/access_token` takes `client_id`, `client_secret`, `grant_type`, `code` and
 *   `redirect_uri` (the registered callback), and answers `access_token`, `expires_in` (seconds, written as a
 *   string), `remind_in` and `uid`, with no `token_type` and no refresh token (https://open.weibo.com/wiki/OAuth2/access_token);
 * - the same page says the answer's `uid` is there only to spare a call and must not identify who signed in: an
 *   app checks the token with `oauth2/get_token_info`, comparing the App Key it names with its own. So the profile
 *   is `POST https://api.weibo.com/oauth2/get_token_info` with the token in the form, answered `uid`, `appkey`,
 *   `scope`, `create_at` and `expire_in` (https://open.weibo.com/wiki/Oauth2/get_token_info): its `uid`, the Weibo
 *   user's id, is the subject, and an `appkey` other than this client's fails the sign-in. No name or e-mail is
 *   read (`users/show` needs the uid in its query).
 * Not checked against Weibo's own pages: that API v2 (`https://api.weibo.com/2`) takes the token as the
 * `access_token` parameter (as Weibo integrations send it; it is sent so on every call, the user API's too); the
 * revocation, `oauth2/revokeoauth2` with `access_token`, answering `{ "result": "true" }` (as Weibo SDKs call it; the
 * revoke hook posts it on the API base's host); the refusals' body (`error`, `error_code`, `request`, as Weibo's
 * error-code page is quoted; RFC 6749 §5.2's `error` member is what is read) and the error codes of a token Weibo
 * no longer takes (21317, 21327, 21332: an API answer naming one is handled as a 401, and a revocation answered
 * so is taken as done already); whether PKCE is taken (none is
 * sent); scopes (Weibo's are optional extras; none is asked).
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { objectOf, type PresetClient, type ProviderPreset } from './preset.js';

/** Weibo's error codes for a token it no longer takes: expired (21327), invalid (21332), revoked by the person (21317). */
const TOKEN_GONE = new Set([21317, 21327, 21332]);

/** A Weibo uid or App Key: a positive whole number, or its digits. */
function digits(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? String(value) : undefined;
  return typeof value === 'string' && /^[1-9]\d{0,19}$/.test(value) ? value : undefined;
}

/**
 * The token's owner, as `oauth2/get_token_info` names it: `{ uid }` when the token is this client's (its `appkey`
 * is the client id), else no one, and the sign-in fails.
 */
function tokenInfoClaims(client: PresetClient | undefined) {
  return (body: unknown): Record<string, unknown> | undefined => {
    const info = objectOf(body);
    const uid = digits(info?.uid);
    if (uid === undefined || client === undefined || digits(info!.appkey) !== client.clientId) return undefined;
    return { uid };
  };
}

/** Whether an API refusal names a token Weibo no longer takes, by its `error_code`, whatever its status: handled as a 401 is. */
async function tokenRejected(response: Response): Promise<boolean> {
  const { fields } = await readTokenEndpointBody(response);
  return TOKEN_GONE.has(Number(fields?.error_code));
}

/** Ends the authorization with `POST /oauth2/revokeoauth2` on the API base's host, the token in the form. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('Weibo revocation needs the API base URL');
  const response = await request.send(`${new URL(request.apiBaseUrl).origin}/oauth2/revokeoauth2`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ access_token: request.accessToken }).toString(),
  });
  const body = objectOf(await response.json().catch(() => undefined));
  if (response.ok && (body?.result === 'true' || body?.result === true)) return 'revoked';
  if (response.status >= 400 && response.status < 500 && TOKEN_GONE.has(Number(body?.error_code)) && (!request.accessTokenExpired || request.refreshTokenRefused)) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Weibo answered HTTP ${response.status} to the revocation.`);
}

export const weibo: ProviderPreset = {
  displayName: 'Weibo',
  settings: (_values, client) => ({
    endpoints: {
      authorizationEndpoint: 'https://api.weibo.com/oauth2/authorize',
      tokenEndpoint: 'https://api.weibo.com/oauth2/access_token',
      userinfoEndpoint: 'https://api.weibo.com/oauth2/get_token_info',
    },
    // None: Weibo's scopes are optional extras (e-mail, direct messages…); the basic API needs none.
    scope: '',
    apiBaseUrl: 'https://api.weibo.com/2',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    omitsTokenType: true,
    userinfoTokenInForm: true,
    accessTokenParameter: 'access_token',
    subjectClaim: 'uid',
    hooks: { profileClaims: tokenInfoClaims(client), tokenRejected, revoke },
  }),
};
