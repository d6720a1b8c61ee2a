/**
 * DingTalk (钉钉), Alibaba's workplace suite: a DingTalk app (an internal app's AppKey and AppSecret, a third-party
 * enterprise app's SuiteKey and SuiteSecret, now named Client ID and Client Secret) with the callback's domain
 * among its redirect URLs (Development Configuration > Security Settings). OAuth 2.0 authorization code with
 * DingTalk's own token request, from DingTalk's open platform pages:
 * - `GET https://login.dingtalk.com/oauth2/auth` with `redirect_uri`, `response_type=code`, `client_id`, `scope`
 *   (only `openid`, the person's id, or `openid corpid`, with the organization chosen at sign-in) and `prompt`,
 *   which is required and must be `consent` (the confirmation page); `state` comes back with the code
 *   (https://open.dingtalk.com/document/orgapp/obtain-identity-credentials);
 * - `POST https://api.dingtalk.com/v1.0/oauth2/userAccessToken` takes a JSON body of camelCase members:
 *   `clientId`, `clientSecret`, `grantType` (`authorization_code` or `refresh_token`) and `code` or `refreshToken`;
 *   an access token lasts 7200 seconds, a refresh token 30 days
 *   (https://open.dingtalk.com/document/orgapp/obtain-user-token, also
 *   https://help.dingtalk.io/open/development/obtain-user-token). The tokenRequest hook renames the form's
 *   members, the tokenResponse hook renames the answer's (`accessToken`, `refreshToken`, `expireIn`, `corpId`)
 *   back to RFC 6749 §5.1's;
 * - the person is `GET https://api.dingtalk.com/v1.0/contact/users/me` (`me` standing for the person the token is
 *   for), the access token in the `x-acs-dingtalk-access-token` header, not as Bearer
 *   (https://help.dingtalk.io/open/development/dingtalk-retrieve-user-information); its `unionId` is the id the
 *   contact APIs take for the person, the subject, with `openId` (the person's id for this app) kept beside it,
 *   `nick`, `avatarUrl` and `email`. Every other API under `https://api.dingtalk.com` takes the token in that
 *   header too (https://help.dingtalk.io/open/development/server-api-calling-guide);
 * - DingTalk documents no revocation of a user's token: disconnect deletes the tokens here.
 * Not checked against DingTalk's pages, whose answer tables were cut off in the copies at hand: the members of
 * the token answer and of `/v1.0/contact/users/me` (named as DingTalk's own SDKs name them), that a refresh answers
 * a new refresh token, the token endpoint's refusals (the new API's errors are read as HTTP 4xx
 * with `code` and `message`, as the API's other answers are; a `code` naming the client or its secret is made
 * `invalid_client`, one naming the code or the refresh token `invalid_grant`, any other `invalid_request`), whether
 * a spent refresh token still works (the newest is always kept), the API's answer to a token it does not take
 * (HTTP 401, `code` `InvalidAuthentication`, as integrations of DingTalk read it), the error a person's refusal is
 * sent back with (RFC 6749 §4.1.2.1's `access_denied` is assumed), and whether the e-mail is verified (it is kept
 * unverified: the profile is the person's own contact details). PKCE is not documented: none is sent.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** A refresh token lasts 30 days. */
const REFRESH_TOKEN_SECONDS = 30 * 86_400;

/** RFC 6749 §4.1.3's and §6's form members under DingTalk's names. */
const REQUEST_MEMBERS: Record<string, string> = {
  client_id: 'clientId',
  client_secret: 'clientSecret',
  grant_type: 'grantType',
  code: 'code',
  refresh_token: 'refreshToken',
};

/** The token request as DingTalk takes it: a JSON body of the form's members renamed (`redirect_uri` is not sent). */
function tokenRequest(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const body: Record<string, string> = {};
  for (const [name, value] of request.body) if (REQUEST_MEMBERS[name]) body[REQUEST_MEMBERS[name]] = value;
  const kept = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'content-type'));
  return { body: JSON.stringify(body), headers: { ...kept, 'content-type': 'application/json' } };
}

/** The RFC 6749 §5.2 error for a refusal's `code`. */
function refusalError(status: number, code: string): string {
  if (status === 401 || /client|secret|appkey/i.test(code)) return 'invalid_client';
  if (/code|refresh|token/i.test(code)) return 'invalid_grant';
  return 'invalid_request';
}

/**
 * DingTalk's answer in RFC 6749's words: `accessToken`, `refreshToken` and `expireIn` as `access_token`,
 * `refresh_token` (lasting 30 days) and `expires_in`, with `token_type` `Bearer`; a refusal's `code` and `message` as
 * `error` and `error_description`. Any other answer is left as it came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields) return rebuiltAnswer(response, response.status, text);
  if (response.ok && typeof fields.accessToken === 'string') {
    const refreshToken = trimmedText(fields.refreshToken);
    const answer = {
      access_token: fields.accessToken,
      token_type: 'Bearer',
      ...(typeof fields.expireIn === 'number' ? { expires_in: fields.expireIn } : {}),
      ...(refreshToken ? { refresh_token: refreshToken, refresh_token_expires_in: REFRESH_TOKEN_SECONDS } : {}),
    };
    return rebuiltAnswer(response, 200, JSON.stringify(answer), 'application/json');
  }
  const code = trimmedText(fields.code);
  if (response.status < 400 || response.status >= 500 || !code || typeof fields.error === 'string') return rebuiltAnswer(response, response.status, text);
  const error = refusalError(response.status, code);
  const refusal = { error, ...textMembers({ error_description: fields.message }), dingtalk_code: code };
  return rebuiltAnswer(response, error === 'invalid_client' ? 401 : 400, JSON.stringify(refusal), 'application/json');
}

/**
 * The person of `/v1.0/contact/users/me`: `unionId` (the subject), `openId`, the nickname, the avatar and the
 * e-mail, each only when given; never the mobile number. An answer without a unionId names no one, and the
 * sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const person = objectOf(body);
  const unionId = trimmedText(person?.unionId);
  if (!person || !unionId) return undefined;
  return { union_id: unionId, ...textMembers({ open_id: person.openId, name: person.nick, picture: person.avatarUrl, email: person.email }) };
}

export const dingtalk: ProviderPreset = {
  displayName: 'DingTalk',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://login.dingtalk.com/oauth2/auth',
      tokenEndpoint: 'https://api.dingtalk.com/v1.0/oauth2/userAccessToken',
      userinfoEndpoint: 'https://api.dingtalk.com/v1.0/contact/users/me',
    },
    // The person's id; `openid corpid` (set in <NAME>_SCOPE) adds the organization they choose. DingTalk
    // names no ID token for `openid`: the person is read from the contact API.
    scope: 'openid',
    idTokenUnused: true,
    authorizationParams: { prompt: 'consent' },
    apiBaseUrl: 'https://api.dingtalk.com',
    accessTokenHeader: 'x-acs-dingtalk-access-token',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'union_id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { tokenRequest, tokenResponse, profileClaims },
  }),
};
