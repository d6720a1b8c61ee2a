/**
 * SurveyMonkey (the API v3, for a Public or Private app registered in
 * SurveyMonkey's developer portal). Plain OAuth 2.0 with explicit endpoints:
 * no discovery, no ID token. From SurveyMonkey's API docs
 * (https://developer.surveymonkey.com/api/v3/, "Authentication", "Scopes",
 * "Access URL", "Users and Teams" and "Error Codes"; their source is
 * https://github.com/SurveyMonkey/public_api_docs):
 * - `GET https://api.surveymonkey.com/oauth/authorize` with
 *   `response_type=code`, `client_id`, `redirect_uri` (the one registered)
 *   and `state`; there is no scope parameter: the scopes are set as
 *   required or optional in the app's settings, and the person approves
 *   them there, so none is sent. A person who declines comes back with
 *   `error=access_denied` and `error_description`;
 * - the code lives 5 minutes and is exchanged with a form `POST
 *   https://api.surveymonkey.com/oauth/token` of `client_id`,
 *   `client_secret`, `code`, `redirect_uri` and
 *   `grant_type=authorization_code`; the answer is JSON with
 *   `access_token`, a long-lived token that does "not currently expire",
 *   with no refresh token, and `access_url`, the API origin of the
 *   datacenter the account lives in, which "may be different than
 *   `https://api.surveymonkey.com`": every call for that connection goes
 *   there (a call at another region's host is refused, error 1018). The
 *   token is sent as `Authorization: bearer …`;
 * - the person is `GET {access_url}/v3/users/me`, behind the `users_read`
 *   scope ("View Users"): `id` (a string, the subject), `username`,
 *   `first_name`, `last_name`, `email` and `email_verified`;
 * - a token the person revoked answers 401 (error 1013, "Client revoked
 *   access to the authorization token provided"), and the person must
 *   complete OAuth again; there is no revocation endpoint: the person
 *   removes the app under "Linked Accounts" in their account, so disconnect
 *   deletes the token here.
 * Not checked against SurveyMonkey's own pages: the token answer's other
 * members (one without RFC 6749 §5.1's `token_type` is read as
 * Bearer: omitsTokenType; an `expires_in` would be kept), and whether it has
 * `scope` (none is kept otherwise: the grant is the app's scopes); whether
 * PKCE is taken (the challenge is sent, which RFC 7636 §4.5 has a server
 * ignore); the status and body of a refused token request (RFC 6749 §5.2's
 * `error` is assumed); the domains an `access_url` may be on (only
 * `surveymonkey.com` and its subdomains are taken, so the token goes nowhere
 * else).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/v3/users/me`: `id` as the subject, the first and last names
 * joined as the name (else the username), the username, and the e-mail with
 * `email_verified` as SurveyMonkey says it; an answer without an id names no
 * one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = typeof user?.id === 'number' && Number.isSafeInteger(user.id) ? String(user.id) : trimmedText(user?.id);
  if (!user || !id) return undefined;
  const username = trimmedText(user.username);
  const name = joinedName(user.first_name, user.last_name) ?? username;
  const email = trimmedText(user.email);
  return {
    id,
    ...textMembers({ name, username }),
    ...(email ? { email, email_verified: user.email_verified === true } : {}),
  };
}

export const surveymonkey: ProviderPreset = {
  displayName: 'SurveyMonkey',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.surveymonkey.com/oauth/authorize',
      tokenEndpoint: 'https://api.surveymonkey.com/oauth/token',
    },
    // None: the scopes are those set on the app in SurveyMonkey's developer portal.
    scope: '',
    apiBaseUrl: 'https://api.surveymonkey.com',
    connectionApiBase: { member: 'access_url', domains: ['surveymonkey.com'], userinfoPath: '/v3/users/me' },
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'username' },
    omitsTokenType: true,
    hooks: { profileClaims },
  }),
};
