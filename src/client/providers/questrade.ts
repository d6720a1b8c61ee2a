/**
 * Questrade (for an application registered in the API Centre, its consumer
 * key the client id, the callback as its redirect URI). OAuth 2.0
 * authorization code with explicit endpoints at login.questrade.com: no
 * discovery, no ID token, and an API server per connection. From Questrade's
 * pages:
 * - the person is sent to `https://login.questrade.com/oauth2/authorize`
 *   with `client_id`, `response_type=code` and `redirect_uri`; scopes may be
 *   added, comma-delimited, for further permissions, but none is named, so
 *   none is asked; the person signs in, approves, and comes back with `code`
 *   (https://www.questrade.com/api/documentation/authorization);
 * - the consumer secret "is optional and can be omitted" (the same page):
 *   the client is public here (`none`), sending its id alone;
 * - the code goes to `https://login.questrade.com/oauth2/token` with
 *   `client_id`, `code`, `grant_type=authorization_code` and `redirect_uri`,
 *   which the page's example writes as that URL's query string (the same
 *   page), so every token request carries its parameters in the query
 *   (tokenRequestsInQuery); a refresh is `grant_type=refresh_token` with the
 *   `refresh_token`. The answer is `access_token`, `token_type: "Bearer"`,
 *   `expires_in` (1800 in the sample), a new `refresh_token` and
 *   `api_server`, "the URL of the API server that the client application
 *   should contact" (https://www.questrade.com/api/documentation/security):
 *   that is the connection's API base (connectionApiBase, on questrade.com),
 *   taken again from each refresh's answer;
 * - the person is `GET {api_server}v1/accounts`, the accounts of the user
 *   the client is authorized for, whose `userId`, the "internal identifier
 *   of the user making the request", is the subject; each account has its
 *   eight-digit `number`, `type`, `status`, `isPrimary`… and no name or
 *   e-mail is given, so none is kept; the primary account's number is kept
 *   with the profile
 *   (https://www.questrade.com/api/documentation/rest-operations/account-calls/accounts);
 * - the API's errors are JSON `{ code, message }`
 *   (https://www.questrade.com/api/documentation/error-handling);
 * - the person revokes the application in the API Centre; no revocation
 *   endpoint is documented (https://www.questrade.com/api/documentation/security),
 *   so disconnect forgets the tokens here.
 * Not checked against Questrade's pages: the HTTP method of the token
 * requests (the page says POST and puts the code exchange's parameters in
 * the URL's query; they are sent as a GET with that query, as integrations
 * of Questrade send them, the refresh too, whose sample on the security page
 * is a POST with a form body); that a refresh token is single-use (the
 * newest is always kept, as integrations do); whether `userId` is never
 * reused, and that ids of the practice server's users are another set (the
 * preset is for login.questrade.com); the token endpoint's refusals (RFC
 * 6749 §5.2's `error` assumed) and the API's status for a token it no
 * longer takes (401 assumed); whether PKCE is read (none is sent).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The user of `/v1/accounts`: `userId` (a positive integer, as text) and the number of the primary account; an answer
 * without a user id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const answer = objectOf(body);
  const userId = answer?.userId;
  if (typeof userId !== 'number' || !Number.isSafeInteger(userId) || userId <= 0) return undefined;
  const accounts = Array.isArray(answer!.accounts) ? answer!.accounts.map(objectOf) : [];
  const primary = accounts.find((account) => account?.isPrimary === true);
  return { id: String(userId), ...textMembers({ primary_account: primary?.number }) };
}

export const questrade: ProviderPreset = {
  displayName: 'Questrade',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://login.questrade.com/oauth2/authorize',
      tokenEndpoint: 'https://login.questrade.com/oauth2/token',
    },
    // None: Questrade names no scopes on its pages.
    scope: '',
    tokenEndpointAuthMethod: 'none',
    tokenRequestsInQuery: true,
    pkce: false,
    connectionApiBase: { member: 'api_server', domains: ['questrade.com'], userinfoPath: '/v1/accounts' },
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
