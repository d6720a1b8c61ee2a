/**
 * VK ID, the sign-in of VK (VKontakte), OK and Mail.ru accounts (OAuth 2.1 at `id.vk.com`), and the VK API. From VK ID's
 * method reference (https://id.vk.com/about/business/go/docs/ru/vkid/latest/vk-id/connection/api-integration/api-description)
 * and the requests of VK's own web SDK (https://github.com/VKCOM/vkid-web-sdk, `src/auth/auth.ts`):
 * - `GET https://id.vk.com/authorize` with `response_type=code`, `client_id` (the app's ID), `redirect_uri`, `state`,
 *   `code_challenge` and `code_challenge_method` (PKCE is required), and `scope`, space-separated (`vkid.personal_info`,
 *   the default, the name and photo; `email`; `phone` only for a verified business). The person comes back with `code`,
 *   `state`, `device_id` (the device they signed in on), `expires_in`, `type` and `ext_id`.
 * - `POST https://id.vk.com/oauth2/auth`: the code exchange (`grant_type=authorization_code`, `code`, `code_verifier`,
 *   `redirect_uri`, `client_id`, `device_id`, `state`) and the refresh (`grant_type=refresh_token`, `refresh_token`,
 *   `client_id`, `device_id`, `state`). No client secret: the app is a public client, proven by PKCE. The `device_id` of
 *   the sign-in's callback goes with the exchange and every refresh of that connection (callbackParametersResent); the
 *   refresh's `state` is a new random string (the tokenRequest hook), as VK's SDK makes one per request, and its
 *   `redirect_uri` the exchange's, as VK's SDK sends it. The answer is `access_token`, `refresh_token`, `id_token`
 *   (unread here: the person is read from `user_info`), `token_type`, `expires_in`, `user_id`, `state` and `scope`; an
 *   access token lasts one hour (https://id.vk.com/about/business/go/docs/ru/vkid/latest/vk-id/connection/tokens/access-token).
 *   A refusal is `{ "error", "error_description" }`; one sent with HTTP 200 is read as the refusal it is (tokenResponse).
 * - `POST https://id.vk.com/oauth2/user_info` with a form of `client_id` and `access_token` (userinfoTokenInForm): `{
 *   "user": { "user_id", "first_name", "last_name", "avatar", "email", "phone", … } }`. The person is `user_id`, the VK
 *   ID account's number, which the token answer names too; the e-mail's verification is not said, so it is kept as
 *   unknown.
 * - `POST https://id.vk.com/oauth2/logout` with `client_id` and `access_token` ends the tokens, answering `{ "response":
 *   1 }`: the revoke hook calls it on disconnect.
 * - The VK API (https://dev.vk.com/ru/api/api-requests): `https://api.vk.com/method/<method>?v=<version>`, the token as
 *   the `access_token` parameter (accessTokenParameter); the caller adds `v`. It answers a token it no longer takes with
 *   HTTP 200 and `{ "error": { "error_code": 5, … } }` ("User authorization failed",
 *   https://dev.vk.com/ru/reference/errors), read as a 401 (tokenRejected).
 * Not checked against VK's pages: the HTTP statuses of the token endpoint's and user_info's refusals, and their error
 * codes beyond RFC 6749's (assumed); whether a refresh token is single-use (each refresh's new one is kept either way)
 * and how long it lasts unused (no keep-alive is set); whether `user_info` always names `user_id` (the token answer's is
 * used where it does not); whether `code_challenge_method=S256` is taken in capitals (VK's Android example sends it so,
 * its reference says `s256`); what `oauth2/logout` answers for a token already ended (an `invalid_token` refusal is taken
 * as gone).
 */
import { randomBytes } from 'node:crypto';
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** VK API's error code for a token it does not take: "User authorization failed". */
const USER_AUTHORIZATION_FAILED = 5;

/** The refresh grant with a `state` of its own (VK ID requires one in each token request), the rest as openid-client made it. */
function tokenRequest(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams(request.body);
  if (body.get('grant_type') === 'refresh_token' && !body.has('state')) body.set('state', randomBytes(32).toString('base64url'));
  return { body: body.toString(), headers: request.headers };
}

/** A refusal sent with HTTP 200 as the RFC 6749 §5.2 refusal it is: 401 for a client refused, 500 for a server error, else 400. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status !== 200 || typeof fields?.error !== 'string') return rebuiltAnswer(response, response.status, text);
  const status = fields.error === 'invalid_client' ? 401 : fields.error === 'server_error' ? 500 : 400;
  return rebuiltAnswer(response, status, text, 'application/json');
}

/** The `user` of `/oauth2/user_info`: its `user_id` (a string or a number), names, photo and e-mail; no `user_id`, the token answer's is used. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.user);
  if (!user) return undefined;
  const id = typeof user.user_id === 'number' && Number.isSafeInteger(user.user_id) ? String(user.user_id) : trimmedText(user.user_id);
  return {
    ...(id === undefined ? {} : { user_id: id }),
    ...textMembers({ name: joinedName(user.first_name, user.last_name), given_name: user.first_name, family_name: user.last_name, picture: user.avatar, email: user.email }),
  };
}

/** The code exchange's `user_id` (a number), the account the tokens are for, where user_info names none. */
function tokenAnswerClaims(answer: Record<string, unknown>): Record<string, unknown> {
  const { user_id: id } = answer;
  if (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) return { user_id: String(id) };
  return typeof id === 'string' && /^\d+$/.test(id) ? { user_id: id } : {};
}

/** Whether a VK API answer says the token is not taken: error 5, sent with HTTP 200. */
async function tokenRejected(response: Response): Promise<boolean> {
  if (response.status !== 200) return false;
  const { fields } = await readTokenEndpointBody(response);
  return objectOf(fields?.error)?.error_code === USER_AUTHORIZATION_FAILED;
}

/** Ends the tokens with `POST /oauth2/logout`, the client id and the access token in the form. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('VK ID revocation needs the logout endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ client_id: request.clientId, access_token: request.accessToken }).toString(),
  });
  const { fields } = await readTokenEndpointBody(response);
  if (response.status >= 200 && response.status < 300 && fields?.response === 1) return 'revoked';
  // A token VK ID no longer knows: the grant is gone already, when that token was live.
  if (fields?.error === 'invalid_token' && (!request.accessTokenExpired || request.refreshTokenRefused)) return 'already_revoked';
  const said = typeof fields?.error === 'string' ? `: ${fields.error}` : '';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `VK ID answered HTTP ${response.status} to the logout${said}.`);
}

export const vkid: ProviderPreset = {
  displayName: 'VK ID',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://id.vk.com/authorize',
      tokenEndpoint: 'https://id.vk.com/oauth2/auth',
      userinfoEndpoint: 'https://id.vk.com/oauth2/user_info',
      revocationEndpoint: 'https://id.vk.com/oauth2/logout',
    },
    scope: 'vkid.personal_info email',
    apiBaseUrl: 'https://api.vk.com/method',
    tokenEndpointAuthMethod: 'none',
    stateAtCodeExchange: true,
    refreshSendsRedirectUri: true,
    callbackParametersResent: ['device_id'],
    userinfoTokenInForm: true,
    accessTokenParameter: 'access_token',
    successMayRejectToken: true,
    idTokenUnused: true,
    subjectClaim: 'user_id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { tokenRequest, tokenResponse, profileClaims, tokenAnswerClaims, tokenRejected, revoke },
  }),
};
