/**
 * FreeAgent (the FreeAgent API, for an app registered in the FreeAgent
 * Developer Dashboard). Plain OAuth 2.0 with explicit endpoints: no
 * discovery, no ID token, no scopes (what an app may do is the connecting
 * user's permission level in FreeAgent). From FreeAgent's docs:
 * - `GET https://api.freeagent.com/v2/approve_app` with `client_id`,
 *   `response_type=code`, `redirect_uri` (or the one registered with the
 *   app) and `state`; the user logs in, allows or denies, and is sent back
 *   with an authorization code that "expires after 15 minutes"
 *   (https://dev.freeagent.com/docs/oauth);
 * - `POST https://api.freeagent.com/v2/token_endpoint`, an HTTP Basic Auth
 *   request with the Client ID as the username and the Client Secret as the
 *   password, exchanges the code and spends a refresh token
 *   (`grant_type=refresh_token`); the JSON answer is `access_token`,
 *   `token_type: "bearer"`, `expires_in` (an hour), `refresh_token` and
 *   `refresh_token_expires_in`, and a refresh answers a refresh token too
 *   (https://dev.freeagent.com/docs/oauth,
 *   https://api-discuss.freeagent.com/t/notice-upcoming-access-token-authentication-changes/2033);
 *   the refresh token's lifetime is whatever the token endpoint answers,
 *   and FreeAgent may revoke refresh tokens, after which the token exchange
 *   is gone through again
 *   (https://api-discuss.freeagent.com/t/regarding-refresh-token-expiry/6309);
 * - the API is `https://api.freeagent.com/v2` with the token as Bearer; the
 *   user is `GET /v2/users/me`, answered as `{ "user": { … } }` with `url`
 *   ("The unique identifier for the user", the subject), `email` (the login
 *   e-mail), `first_name`, `last_name`, `role` and `permission_level`
 *   (https://dev.freeagent.com/docs/users);
 * - FreeAgent documents no revocation endpoint: disconnect deletes the
 *   tokens here and says they were not revoked at FreeAgent.
 * The sandbox is `https://api.sandbox.freeagent.com` (its endpoints set with
 * `<NAME>_AUTHORIZE_URL`, `<NAME>_ACCESS_TOKEN_URL` and
 * `<NAME>_API_BASE_URL`).
 * Not checked against FreeAgent's own pages: whether the refresh token a
 * refresh answers is a new one and whether the spent one still works (the
 * answer's is kept); whether PKCE is taken (none is sent); whether the login
 * e-mail is verified (kept as not known to be); the body of a refused token
 * request (RFC 6749 §5.2's `error` is assumed); the status of a call with
 * an ended token (401 is assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/v2/users/me`'s `{ user }`: its `url` (the subject), the first and last names as `given_name` and
 * `family_name` (joined as the name), the login e-mail, and the role and permission level it has in the company; an
 * answer without a user URL names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.user);
  const url = user?.url;
  if (typeof url !== 'string' || !/^https:\/\/\S+$/.test(url)) return undefined;
  const given = trimmedText(user!.first_name);
  const family = trimmedText(user!.last_name);
  const email = trimmedText(user!.email);
  const role = trimmedText(user!.role);
  const level = user!.permission_level;
  return {
    url,
    ...textMembers({ given_name: given, family_name: family, email, role }),
    ...(Number.isInteger(level) ? { permission_level: level } : {}),
  };
}

export const freeagent: ProviderPreset = {
  displayName: 'FreeAgent',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.freeagent.com/v2/approve_app',
      tokenEndpoint: 'https://api.freeagent.com/v2/token_endpoint',
      userinfoEndpoint: 'https://api.freeagent.com/v2/users/me',
    },
    // None: FreeAgent has no scopes; the user's permission level bounds what the app may do.
    scope: '',
    apiBaseUrl: 'https://api.freeagent.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    pkce: false,
    subjectClaim: 'url',
    hooks: { profileClaims },
  }),
};
