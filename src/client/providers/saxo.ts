/**
 * Saxo Bank's OpenAPI (an application made in the developer portal's
 * Application Management, its redirect URL the callback; a LIVE application
 * only once Saxo approved it). Plain OAuth 2.0, the authorization code grant
 * with explicit endpoints: no discovery, no ID token. From Saxo's pages:
 * - an application is issued an AppKey (the `client_id`), an AppSecret (the
 *   `client_secret`), its AppUrl (the `redirect_uri`) and an
 *   AuthenticationUrl, under which `/authorize` and `/token` are the
 *   endpoints; `response_type` is always `code`, `state` is the client's, and
 *   `scope` is not used, so none is asked
 *   (https://www.developer.saxo/openapi/learn/oauth-authorization-code-grant);
 *   a code is sent with an RFC 7636 verifier, `S256` or `plain`
 *   (https://www.developer.saxo/openapi/learn/oauth-authorization-code-grant-pkce);
 * - two environments: Simulation, authenticating at
 *   `https://sim.logonvalidation.net` with the REST API under
 *   `https://gateway.saxobank.com/sim/openapi`, and LIVE
 *   (https://www.developer.saxo/openapi/learn/environments).
 *   `<NAME>_BASE_URL` is the AuthenticationUrl: unset, LIVE's
 *   (`https://live.logonvalidation.net`, API `https://gateway.saxobank.com/openapi`);
 *   `https://sim.logonvalidation.net` for Simulation; another (a stand-in)
 *   serves the API under its own `/openapi`;
 * - the token is sent as `Authorization: Bearer`; `GET /port/v1/users/me`
 *   answers the logged-in user: `UserKey` ("the unique key for the user",
 *   the key the API addresses a user by, `GET /port/v1/users/{UserKey}`),
 *   `UserId` (the user's login ID, which the person types to sign in),
 *   `ClientKey` (the client owning the user), `Name`, `Language`, `Culture`…
 *   (https://www.developer.saxo/openapi/referencedocs/port/v1/users/get__port__me,
 *   https://investor.help.saxo/hc/en-us/articles/7524588909469). The subject
 *   is the UserKey, qualified by the AuthenticationUrl's host, as a user
 *   belongs to one environment (`<UserKey>@live.logonvalidation.net`); the
 *   login ID and the ClientKey are kept with the profile, no e-mail (Saxo
 *   gives none);
 * - access tokens last 20 minutes and refresh tokens 1 hour, each refresh
 *   answering a new pair, until the person signs out of every session or
 *   Saxo's weekend maintenance outlasts the hour
 *   (https://github.com/SaxoBank/openapi-samples-js/blob/main/authentication/README.md):
 *   the hourly keep-alive sweep cannot keep an unused connection alive, so
 *   one unused for longer than an hour needs a new sign-in.
 * Not checked against Saxo's own pages: LIVE's two URLs (the environments
 * page's LIVE table was not at hand; they are those Saxo's integrations
 * use); the token request's form past its URL (`grant_type`, `code` or
 * `refresh_token`, with `client_id` and `client_secret` in the body, as
 * Saxo's own samples send it) and its answer (`access_token`, `token_type`,
 * `expires_in`, `refresh_token`, `refresh_token_expires_in`); whether a
 * spent refresh token is ended (the newest is always kept); that a UserKey
 * is never given to another user; whether the code exchange takes a verifier
 * from an application that also has a secret (it is sent); the refusals'
 * bodies (RFC 6749 §5.2's assumed) and the API's 401. Saxo documents no
 * revocation endpoint: disconnect forgets the tokens here.
 */
import { hostOf, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

const LIVE = 'https://live.logonvalidation.net';

/** Each documented AuthenticationUrl's REST API. */
const API_OF_AUTHENTICATION: Readonly<Record<string, string>> = {
  [LIVE]: 'https://gateway.saxobank.com/openapi',
  'https://sim.logonvalidation.net': 'https://gateway.saxobank.com/sim/openapi',
};

/** The REST API of an AuthenticationUrl: its documented environment's, or the host's own `/openapi` for another (a stand-in). */
function saxoApiOf(authentication: string): string {
  return API_OF_AUTHENTICATION[authentication] ?? `${authentication}/openapi`;
}

/**
 * The user of `/port/v1/users/me`: `id`, the UserKey qualified by the environment's host; the UserKey, the login ID
 * (`UserId`), the owning client's key and the name. An answer without a UserKey names no one, and the sign-in fails.
 */
function saxoUserClaims(environmentHost: string): (body: unknown) => Record<string, unknown> | undefined {
  return (body) => {
    const user = objectOf(body);
    const userKey = trimmedText(user?.UserKey);
    if (!userKey) return undefined;
    return { id: `${userKey}@${environmentHost}`, user_key: userKey, ...textMembers({ user_id: user!.UserId, client_key: user!.ClientKey, name: user!.Name }) };
  };
}

export const saxo: ProviderPreset = {
  displayName: 'Saxo Bank',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const authentication = baseUrl ? withoutTrailingSlash(baseUrl) : LIVE;
    const api = saxoApiOf(authentication);
    return {
      endpoints: {
        authorizationEndpoint: `${authentication}/authorize`,
        tokenEndpoint: `${authentication}/token`,
        userinfoEndpoint: `${api}/port/v1/users/me`,
      },
      // None: Saxo's OAuth does not use scopes.
      scope: '',
      apiBaseUrl: api,
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
      hooks: { profileClaims: saxoUserClaims(hostOf(authentication)) },
    };
  },
};
