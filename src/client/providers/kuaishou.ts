/**
 * Kuaishou login (快手登录: a website application created on Kuaishou's open
 * platform, its app_id as `<NAME>_CLIENT_ID` and app_secret as
 * `<NAME>_CLIENT_SECRET`, the callback registered with it). OAuth 2.0's code
 * flow under Kuaishou's own parameter names, without an ID token. From
 * Kuaishou's docs:
 * - the person opens `https://open.kuaishou.com/oauth2/authorize?app_id=…&scope=user_info&response_type=code&ua=pc&redirect_uri=…&state=…`
 *   (the "网页登陆后授权模式"; `scope` comma-separated, the scopes the app was
 *   granted at registration), signs in to Kuaishou if need be and approves;
 *   the browser goes back to the redirect URI with the code
 *   (https://open.kuaishou.com/platformDocs/develop/web-app.html). The
 *   app_id goes in as `app_id`, an authorization parameter made from the
 *   client id (the `client_id` every request carries is one more); `ua=pc`
 *   as the page's example has it;
 * - the code lasts 2 minutes and works once; it is exchanged with
 *   `GET https://open.kuaishou.com/oauth2/access_token` and `app_id`,
 *   `app_secret`, `code` and `grant_type=authorization_code`; the answer is
 *   `result` 1, `access_token`, `expires_in` (172800), `refresh_token`,
 *   `refresh_token_expires_in`, `open_id` and `scopes`, an array, with no
 *   `token_type` (https://open.kuaishou.com/platformDocs/openAbility/kwaiLogin);
 *   a `result` other than 1 is a refusal, 100200100 a parameter missing or
 *   wrong, 100200101 the app_id and app_secret not verified
 *   (https://mp.kuaishou.com/docs/develop/server/getAccessToken.html, the
 *   same endpoint's client-credentials grant);
 * - the person is the code exchange's `open_id`, which Kuaishou's login
 *   answers for the person who signed in (kwaiLogin above); the public
 *   profile is `GET https://open.kuaishou.com/openapi/user_info` with
 *   `app_id` and `access_token` in the query (scope `user_info`): `result`
 *   1 and `user_info` with `name` (the nickname), `sex`, `fan`, `follow`,
 *   `head` (the avatar), `bigHead` and `city`, no id and no e-mail; a
 *   refusal is `result` other than 1 with `error_msg`
 *   (https://open.kuaishou.com/platformDocs/openAbility/userInformation/publicInformation.html).
 * API calls under `https://open.kuaishou.com/openapi` carry the token as the
 * `access_token` query parameter and the app_id as `app_id`.
 * The tokenRequest hook sends the client as `app_id` and `app_secret` and
 * keeps only the parameters Kuaishou names; the tokenResponse hook answers
 * a `result` other than 1 as RFC 6749 §5.2's refusal (100200101 the
 * client's, any other `invalid_grant`), adds the Bearer type and makes
 * `scopes` a space-separated `scope`; the tokenAnswerClaims hook keeps the
 * `open_id` with the profile.
 * Not checked against Kuaishou's own pages (read in copies of them): the
 * refresh, `GET https://open.kuaishou.com/oauth2/refresh_token` with
 * `app_id`, `app_secret`, `refresh_token` and `grant_type=refresh_token`,
 * each refresh answering a new refresh token and ending the one spent (its
 * end carried over); the wording that makes `open_id` the person's lasting id
 * in this app (it is the only id Kuaishou's login answers); which `result` a
 * code or refresh token Kuaishou does not take is answered with (any but
 * 100200101 is read as the grant refused), and with which HTTP status (200
 * is assumed); how the API answers an access token it no longer takes (not
 * read as refused: the token is refreshed when it ends); whether the token
 * endpoints take the extra `redirect_uri` (it is not sent); what the
 * authorization page sends back when the person declines (RFC 6749's
 * `error=access_denied` is assumed); PKCE (not documented, not sent).
 * Kuaishou documents no revocation: disconnect forgets the tokens here.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { commaJoinedScope, objectOf, renamedClientTokenRequest, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** Kuaishou's `result` for an app_id and app_secret it does not verify. */
const CLIENT_REFUSED = 100200101;

/** Kuaishou's answers in RFC 6749 §5.1/§5.2 shape: a `result` other than 1 as the refusal it is, a token type, a space-separated scope. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields || response.status !== 200) return rebuiltAnswer(response, response.status, text);
  if (fields.result !== 1) {
    const client = fields.result === CLIENT_REFUSED;
    const message = trimmedText(fields.error_msg) ?? trimmedText(fields.error);
    const body = { error: client ? 'invalid_client' : 'invalid_grant', ...(message ? { error_description: message } : {}), kuaishou_result: fields.result };
    return rebuiltAnswer(response, client ? 401 : 400, JSON.stringify(body), 'application/json');
  }
  const { scopes, ...answer } = fields;
  if (typeof answer.access_token === 'string' && typeof answer.token_type !== 'string') answer.token_type = 'Bearer';
  if (Array.isArray(scopes)) answer.scope = scopes.filter((scope): scope is string => typeof scope === 'string' && scope.trim() !== '').join(' ');
  return rebuiltAnswer(response, 200, JSON.stringify(answer), 'application/json');
}

/** The code exchange's `open_id`, the person in this app; nothing from a refresh, which names no one. */
function tokenAnswerClaims(answer: Record<string, unknown>): Record<string, unknown> {
  const openId = trimmedText(answer.open_id);
  return openId ? { open_id: openId } : {};
}

/** The `user_info` of a `result` 1 answer: the nickname and the avatar (`head`); a refusal names no one, and the sign-in fails. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const answer = objectOf(body);
  if (answer?.result !== 1) return undefined;
  const user = objectOf(answer.user_info);
  if (!user) return undefined;
  return textMembers({ name: user.name, picture: user.head });
}

export const kuaishou: ProviderPreset = {
  displayName: 'Kuaishou',
  settings: (_values, client) => ({
    endpoints: {
      authorizationEndpoint: 'https://open.kuaishou.com/oauth2/authorize',
      tokenEndpoint: 'https://open.kuaishou.com/oauth2/access_token',
      refreshEndpoint: 'https://open.kuaishou.com/oauth2/refresh_token',
      userinfoEndpoint: 'https://open.kuaishou.com/openapi/user_info',
    },
    scope: 'user_info',
    apiBaseUrl: 'https://open.kuaishou.com/openapi',
    accessTokenParameter: 'access_token',
    tokenEndpointAuthMethod: 'client_secret_post',
    tokenRequestsInQuery: true,
    pkce: false,
    ...(client?.clientId ? { authorizationParams: { app_id: client.clientId, ua: 'pc' }, apiQueryParameters: { app_id: client.clientId } } : {}),
    subjectClaim: 'open_id',
    hooks: { authorizationScope: commaJoinedScope, tokenRequest: renamedClientTokenRequest({ clientId: 'app_id', clientSecret: 'app_secret' }), tokenResponse, tokenAnswerClaims, profileClaims },
  }),
};
