/**
 * Feishu (飞书) and Lark, ByteDance's suite, whose open platform is one service on two domains: `feishu.cn` (China,
 * the default) and `larksuite.com` (Lark, everywhere else), which `<NAME>_DOMAIN` names; an app and its people are
 * on one of them. Plain OAuth 2.0 with explicit endpoints, from the open platform's pages (each on both domains):
 * - `GET https://accounts.<domain>/open-apis/authen/v1/authorize` with `client_id` (the app's App ID),
 *   `redirect_uri`, `scope` and `state`; a code lasts 5 minutes and is used once. A person who is not allowed to
 *   use the app cannot authorize it (https://open.feishu.cn/document/common-capabilities/sso/api/obtain-oauth-code).
 *   The permissions a person grants an app add up: each new token carries every one they granted it before;
 * - `POST https://open.<domain>/open-apis/authen/v2/oauth/token`, which Feishu says follows RFC 6749 and works
 *   with standard OAuth client libraries, with `grant_type`, `client_id`, `client_secret` and the grant's members
 *   (https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/authentication-management/access-token/get-user-access-token).
 *   The answer is `code` (0), `access_token`, `expires_in` (about 2 hours), `token_type` `Bearer`, `scope`, and,
 *   only when the app has the `offline_access` permission and asked for it in `scope`, `refresh_token` with
 *   `refresh_token_expires_in` (about 30 days), so `offline_access` is asked for by default;
 * - a refresh (`grant_type=refresh_token`) answers a new access token and a new refresh token; the used one is
 *   refused at once, as each refresh token is good for one use
 *   (https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/authentication-management/access-token/refresh-user-access-token).
 *   The answer's `refresh_token_expires_in` is the new one's end, so the keep-alive sweep refreshes an unused
 *   connection in its last week;
 * - the person is `GET https://open.<domain>/open-apis/authen/v1/user_info` (Bearer): `{ code: 0, msg, data: {
 *   name, en_name, avatar_url, open_id, union_id, email, … } }`. `open_id` is the person's id within the app, the
 *   subject; `union_id` is theirs across one developer's apps, kept beside it. The e-mail is a contact an
 *   administrator imported, which Feishu says is not verified by the person, so it is kept unverified
 *   (https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/authen-v1/user_info/get);
 * - the API is `https://open.<domain>/open-apis`, each answer `{ code, msg, data }` with `code` 0 for success;
 * - Feishu documents no revocation of a user's token: disconnect deletes the tokens here.
 * Not checked against Feishu's pages, whose request and error tables were cut off in the copies at hand: the
 * token endpoint's body type (JSON is sent, as the earlier endpoints' pages fix it at `application/json;
 * charset=utf-8`), the HTTP status and members of its refusals (RFC 6749 §5.2's `error` is read beside Feishu's
 * `code`, and a refusal sent with HTTP 200 is made one by the tokenResponse hook), how `scope` separates
 * permissions (spaces, as RFC 6749 §3.3 has it), the error a person's refusal is sent back with (RFC 6749
 * §4.1.2.1's `access_denied`), PKCE (a challenge is sent, which RFC 7636 §4.5 has a server
 * ignore), and the API's answer to a token it does not take: HTTP 400 with `code` 99991668 ("Invalid access token
 * for authorization") or 99991677 (an expired token), the codes integrations of Feishu's API read as a user's token
 * no longer taken, which the tokenRejected hook reads as 401.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** The two domains of Feishu's open platform: Feishu's (China) and Lark's. */
export const FEISHU_DOMAINS: readonly string[] = ['feishu.cn', 'larksuite.com'];

/** The API's `code` for a user access token it does not take (invalid, or expired). */
const TOKEN_NOT_TAKEN = new Set([99991668, 99991677]);

/**
 * A token answer that carries `error` with HTTP 200 rebuilt as RFC 6749 §5.2's refusal (`invalid_client` a 401,
 * `server_error` a 500, any other a 400), Feishu's `code` kept beside; any other answer is left as it came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status !== 200 || !fields || typeof fields.error !== 'string') return rebuiltAnswer(response, response.status, text);
  const status = fields.error === 'invalid_client' ? 401 : fields.error === 'server_error' ? 500 : 400;
  return rebuiltAnswer(response, status, text, 'application/json');
}

/** An API answer other than 401 whose `code` says the user access token is invalid or expired. */
async function tokenRejected(response: Response): Promise<boolean> {
  const body = objectOf(await response.json().catch(() => undefined));
  return typeof body?.code === 'number' && TOKEN_NOT_TAKEN.has(body.code);
}

/**
 * The person of user_info's `data`: `open_id` (the subject), `union_id`, the name (else the English name), the
 * avatar and the e-mail, each only when given. An answer whose `code` is not 0, or without an open_id, names no
 * one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const answer = objectOf(body);
  const person = objectOf(answer?.data);
  const openId = trimmedText(person?.open_id);
  if (answer?.code !== 0 || !person || !openId) return undefined;
  const unionId = trimmedText(person.union_id);
  const name = trimmedText(person.name) ?? trimmedText(person.en_name);
  const picture = trimmedText(person.avatar_url);
  const email = trimmedText(person.email);
  const tenant = trimmedText(person.tenant_key);
  return {
    open_id: openId,
    ...textMembers({ union_id: unionId, name, picture, email, tenant_key: tenant }),
  };
}

export const feishu: ProviderPreset = {
  displayName: 'Feishu',
  values: { domain: 'optional' },
  settings: ({ domain }) => {
    const site = (domain ?? 'feishu.cn').toLowerCase();
    return {
      endpoints: {
        authorizationEndpoint: `https://accounts.${site}/open-apis/authen/v1/authorize`,
        tokenEndpoint: `https://open.${site}/open-apis/authen/v2/oauth/token`,
        userinfoEndpoint: `https://open.${site}/open-apis/authen/v1/user_info`,
      },
      scope: 'offline_access',
      apiBaseUrl: `https://open.${site}/open-apis`,
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'open_id',
      claimNames: { name: 'name', email: 'email' },
      hooks: { tokenRequest: jsonTokenRequest(), tokenResponse, tokenRejected, profileClaims },
    };
  },
};
