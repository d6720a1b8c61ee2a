/**
 * Bitrix24 (an application of one Bitrix24 account: a local application made
 * in the account's Developer resources with "Uses only API" and the
 * permissions it needs, the callback as its handler path), the account's host
 * as `<NAME>_DOMAIN` (`acme.bitrix24.com`). From Bitrix24's REST API docs:
 * - the person authorizes on their account:
 *   `GET https://{account}/oauth/authorize/?response_type=code&client_id=…&redirect_uri=…`,
 *   and is sent back with the `code`
 *   (https://training.bitrix24.com/rest_help/oauth/refreshing.php,
 *   https://apidocs.bitrix24.com/settings/oauth/index.html); the permissions
 *   are those in the application's card, so no scope is asked
 *   (`invalid_scope`: "Access permissions requested exceed those specified in
 *   the application card", https://apidocs.bitrix24.com/settings/oauth/error-codes.html);
 * - tokens come from Bitrix24's one OAuth server, documented only as a GET
 *   with every parameter in the query: `https://oauth.bitrix.info/oauth/token/?grant_type=…&client_id=…&client_secret=…`
 *   with the `code` or the `refresh_token` (tokenRequestsInQuery). The answer
 *   is JSON without a `token_type` (omitsTokenType): `access_token` (an
 *   hour), `refresh_token`, `expires_in`, `scope`, `domain`, `member_id` ("the
 *   unique identifier of the account, independent of the domain name"),
 *   `client_endpoint` (the account's `https://{account}/rest/`),
 *   `server_endpoint` and `status`
 *   (https://apidocs.bitrix24.com/settings/oauth/auto-renewal.html,
 *   https://apidocs.bitrix24.com/settings/oauth/simple-way.html). A refresh
 *   token lasts 180 days, and a refresh ends the refresh token and the access
 *   token it was issued with ("both such query and jointly issued
 *   access_token become invalid",
 *   https://training.bitrix24.com/support/training/course/?COURSE_ID=169&LESSON_ID=20134):
 *   refreshTokenIdleSeconds lets the keep-alive sweep renew an unused
 *   connection before then. A comma-separated `scope` is read space-separated;
 * - the token endpoint's error codes are RFC 6749's (`invalid_request`,
 *   `invalid_client`, `invalid_grant`, `invalid_scope`…,
 *   https://apidocs.bitrix24.com/settings/oauth/error-codes.html);
 * - REST methods are `https://{account}/rest/{method}` with the token as the
 *   `auth` query parameter (`https://my.bitrix24.com/rest/user.current?auth=…`,
 *   https://training.bitrix24.com/rest_help/users/user_current.php); the
 *   person is `user.current`, whose `result` holds `ID`, `NAME`, `LAST_NAME`,
 *   `EMAIL`… (https://apidocs.bitrix24.com/api-reference/user/user-current.html).
 *   The `ID` is a user of that account only, so the subject is the ID
 *   qualified by the account's host (`3@acme.bitrix24.com`).
 * Not checked against Bitrix24's own pages: whether the authorization takes
 *   `state` back (it is sent, and checked when it returns) or PKCE (none is
 *   sent); the HTTP status of the token endpoint's refusals and of a REST call
 *   with an ended token (RFC 6749's 400 and 401 with
 *   `{ "error": "expired_token" }` are assumed); whether the e-mail is
 *   verified (stored unverified). A renamed account (its address changed)
 *   needs `<NAME>_DOMAIN` changed, and its people become new subjects: the
 *   domain-independent `member_id` is not in `user.current`. Bitrix24
 *   documents no revocation: disconnect forgets the tokens, and an
 *   administrator removes the application from the account.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** A refresh token lasts 180 days (https://apidocs.bitrix24.com/settings/oauth/auto-renewal.html). */
const REFRESH_TOKEN_SECONDS = 180 * 86_400;

/** The token answer with its comma-separated `scope` (`crm,user`) space-separated, as RFC 6749 §3.3 has it; any other answer as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!response.ok || typeof fields?.scope !== 'string' || !fields.scope.includes(',')) return rebuiltAnswer(response, response.status, text);
  const scope = fields.scope.split(',').map((part) => part.trim()).filter(Boolean).join(' ');
  return rebuiltAnswer(response, response.status, JSON.stringify({ ...fields, scope }), 'application/json');
}

/**
 * user.current's `result` as claims: `id` the user's `ID` qualified by the account's host, with the bare `user_id`,
 * the names and the e-mail; an answer without an ID names no one, and the sign-in fails.
 */
export function currentUserClaims(accountHost: string): (body: unknown) => Record<string, unknown> | undefined {
  return (body) => {
    const user = objectOf(objectOf(body)?.result);
    const id = user ? trimmedText(typeof user.ID === 'number' ? String(user.ID) : user.ID) : undefined;
    if (!user || !id || accountHost === '') return undefined;
    return {
      id: `${id}@${accountHost}`,
      user_id: id,
      ...textMembers({ name: joinedName(user.NAME, user.LAST_NAME), given_name: user.NAME, family_name: user.LAST_NAME, email: user.EMAIL }),
    };
  };
}

export const bitrix24: ProviderPreset = {
  displayName: 'Bitrix24',
  values: { domain: 'required' },
  settings: ({ domain }) => {
    const account = `https://${domain ?? ''}`;
    return {
      endpoints: {
        authorizationEndpoint: `${account}/oauth/authorize/`,
        tokenEndpoint: 'https://oauth.bitrix.info/oauth/token/',
        userinfoEndpoint: `${account}/rest/user.current`,
      },
      // None: the permissions are those ticked in the application's card.
      scope: '',
      apiBaseUrl: `${account}/rest`,
      tokenEndpointAuthMethod: 'client_secret_post',
      tokenRequestsInQuery: true,
      omitsTokenType: true,
      accessTokenParameter: 'auth',
      pkce: false,
      refreshTokenIdleSeconds: REFRESH_TOKEN_SECONDS,
      subjectClaim: 'id',
      hooks: { tokenResponse, profileClaims: currentUserClaims((domain ?? '').toLowerCase()) },
    };
  },
};
