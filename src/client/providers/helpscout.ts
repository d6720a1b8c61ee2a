/**
 * Help Scout (the Inbox API 2.0, formerly the Mailbox API, for an OAuth2
 * application created under Your Profile > My Apps). Plain OAuth 2.0 with
 * explicit endpoints: no discovery, no ID token, no scopes. From Help
 * Scout's docs (https://developer.helpscout.com/mailbox-api/overview/authentication/,
 * https://developer.helpscout.com/llms.txt):
 * - `GET https://secure.helpscout.net/authentication/authorizeClientApplication`
 *   with `client_id` and `state`; Help Scout redirects to the app's
 *   Redirection URL with `code` and `state`. It has no scopes: the token
 *   reaches what the person who authorized can see, so none is asked;
 * - `POST https://api.helpscout.net/v2/oauth2/token` exchanges the code,
 *   and spends a refresh token, with `client_id` and `client_secret` (JSON,
 *   form or query parameters are all taken; the form is sent); the answer
 *   is `token_type: "bearer"`, `access_token`, `expires_in` (172800: two
 *   days) and, for the authorization code flow, `refresh_token`;
 * - the API is `https://api.helpscout.net` (`/v2/…`) with the token as
 *   Bearer; a token whose user is not an active, invited user of the account
 *   is answered 401. The person is `GET /v2/users/me`: `id` (an integer, the
 *   subject), `firstName`, `lastName` and `email`;
 * - Help Scout documents no revocation endpoint: disconnect deletes the
 *   tokens here and says they were not revoked at Help Scout (the person
 *   removes the app under Your Profile > Authorized Apps).
 * Not checked against Help Scout's own pages, which were not all at hand:
 * whether a refresh answers a new refresh token and ends the spent one (the
 * answer's is kept when it names one), whether a refresh token ends unused
 * (no end is assumed, so no keep-alive), whether PKCE is taken (the
 * challenge is sent, which RFC 7636 §4.5 has a server ignore), whether the
 * e-mail is verified (kept as not known to be), and the body of a refused
 * token request (RFC 6749 §5.2's `error` is assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The user of /v2/users/me: `id` (an integer), the first and last names as `given_name` and `family_name` (joined
 * as the name), and the e-mail; an answer without a numeric id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
  const given = trimmedText(user!.firstName);
  const family = trimmedText(user!.lastName);
  const email = trimmedText(user!.email);
  return { id, ...textMembers({ given_name: given, family_name: family, email }) };
}

export const helpscout: ProviderPreset = {
  displayName: 'Help Scout',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://secure.helpscout.net/authentication/authorizeClientApplication',
      tokenEndpoint: 'https://api.helpscout.net/v2/oauth2/token',
      userinfoEndpoint: 'https://api.helpscout.net/v2/users/me',
    },
    scope: '',
    apiBaseUrl: 'https://api.helpscout.net',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
