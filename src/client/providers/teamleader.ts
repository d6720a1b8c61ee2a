/**
 * Teamleader Focus (an integration registered on Teamleader's Marketplace, https://marketplace.focus.teamleader.eu/build,
 * with the callback among its allowed redirect URIs and the `users` scope ticked). Plain OAuth 2.0 authorization
 * code with explicit endpoints: no discovery, no ID token. A token is one user's of one Teamleader account. From
 * Teamleader's API documentation (https://developer.focus.teamleader.eu, written from its public source,
 * https://github.com/teamleadercrm/api: `src/authentication.apib`, `src/introduction.apib`,
 * `src/01-general/users.apib`):
 * - the person is sent to `https://focus.teamleader.eu/oauth2/authorize` with `client_id`, `response_type=code`,
 *   `state` and a `redirect_uri` that must match one listed on the integration; a person who declines comes back with
 *   `error=access_denied`. The scopes are the ones ticked on the integration, and the request has no scope
 *   parameter: none is asked (the preset is in the no-scope list);
 * - the code (single use, 10 minutes) is exchanged at `https://focus.teamleader.eu/oauth2/access_token` with
 *   `client_id`, `client_secret`, `code`, `grant_type` and `redirect_uri` as POST parameters (a form or JSON): the
 *   client goes in the form. The answer is JSON `token_type` "Bearer", `expires_in` (usually 3600), `access_token`
 *   and `refresh_token`;
 * - a refresh token can be used once: each refresh (the client and `refresh_token` in the form) answers a new pair,
 *   and the newest is kept. Refresh tokens work until the person revokes them or uninstalls the integration;
 *   Teamleader documents no revocation endpoint, so disconnect deletes the tokens here;
 * - the API is RPC-style, `https://api.focus.teamleader.eu/<resource>.<action>`, every method a POST of JSON with the
 *   token as Bearer; answers are keyed by `data`, errors an `errors` array of `{ title }`, and an invalid or missing
 *   token is a 401;
 * - the person is `users.me` (the `users` scope), POSTed here with an empty JSON object (userinfoPostJson): `data.id`,
 *   the user's UUID, is the subject; its `account.id` (the Teamleader account, a UUID) is kept beside it; the names,
 *   the e-mail and its `email_verification_status` (`confirmed` or `pending`), the language and time zone.
 * Not checked against Teamleader's pages: whether PKCE is read (none is sent); the token endpoint's refusals (RFC 6749
 * §5.2's `error` assumed), and whether a spent refresh token is refused at once; the 401's wording; that a user's id
 * is never given to another user.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers } from './profile-text.js';

/** A UUID as Teamleader writes its ids. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The user inside `users.me`'s `{ data }`: its `id` (a UUID), the account's id, the names, the e-mail with its
 * verification (`confirmed` is verified; `pending` is not), the language and the time zone; an answer without a
 * UUID id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.data);
  const id = user?.id;
  if (typeof id !== 'string' || !UUID.test(id)) return undefined;
  const accountId = objectOf(user!.account)?.id;
  const email = textMembers({ email: user!.email }).email;
  const status = user!.email_verification_status;
  return {
    id,
    ...(typeof accountId === 'string' && UUID.test(accountId) ? { account_id: accountId } : {}),
    ...textMembers({ name: joinedName(user!.first_name, user!.last_name), given_name: user!.first_name, family_name: user!.last_name }),
    ...(email ? { email, email_verified: status === 'confirmed' } : {}),
    ...textMembers({ locale: user!.language, zoneinfo: user!.time_zone }),
  };
}

export const teamleader: ProviderPreset = {
  displayName: 'Teamleader Focus',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://focus.teamleader.eu/oauth2/authorize',
      tokenEndpoint: 'https://focus.teamleader.eu/oauth2/access_token',
      userinfoEndpoint: 'https://api.focus.teamleader.eu/users.me',
    },
    // None: the scopes are those ticked on the integration; the authorization request has no scope parameter.
    scope: '',
    apiBaseUrl: 'https://api.focus.teamleader.eu',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    userinfoPostJson: {},
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
