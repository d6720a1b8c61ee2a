/**
 * Nulab Backlog (an application registered on the Backlog Developer Site,
 * used with one Backlog space). Plain OAuth 2.0 without discovery, an ID
 * token or scopes, all of it on the space's own host, `<NAME>_DOMAIN`
 * (`{space}.backlog.com`, `{space}.backlog.jp` or `{space}.backlogtool.com`).
 * From Backlog's docs:
 * - `GET https://{space}/OAuth2AccessRequest.action` with
 *   `response_type=code`, `client_id`, `redirect_uri` (the one registered
 *   for the application) and `state`; no scope is named, so none is asked
 *   (https://developer.nulab.com/docs/backlog/auth);
 * - `POST https://{space}/api/v2/oauth2/token`, a form
 *   (`application/x-www-form-urlencoded`) with `grant_type`, `code`,
 *   `redirect_uri`, `client_id` and `client_secret`, answers JSON
 *   `access_token`, `token_type: "Bearer"`, `expires_in` (3600: an hour) and
 *   `refresh_token` (https://developer.nulab.com/docs/backlog/auth);
 * - the API is `https://{space}/api/v2` with the token as
 *   `Authorization: Bearer` (https://developer.nulab.com/docs/backlog/auth);
 *   the person is `GET /api/v2/users/myself`: `id` (an integer, the
 *   subject), `userId` (the login name, which is not kept as the subject),
 *   `name`, `roleType`, `lang`, `nulabAccount` and `mailAddress`
 *   (https://developer.nulab.com/docs/backlog/api/2/get-own-user), whose
 *   e-mail's verification Backlog does not say; errors are JSON
 *   `{ errors: [{ message, code, moreInfo }] }`
 *   (https://developer.nulab.com/docs/backlog/getting-started/).
 * Not checked against Backlog's own pages: the refresh request (the form's
 *   `grant_type=refresh_token`, `refresh_token`, `client_id` and
 *   `client_secret`, as Backlog's client libraries send it) and whether a
 *   refresh answers a new refresh token and ends the old one (the newest is
 *   always kept); whether a refresh token ends unused (no end is assumed, so
 *   no keep-alive); the token endpoint's error bodies (RFC 6749 §5.2's are
 *   assumed); whether PKCE is taken (none is sent); the status and body of
 *   the API's answer to a token it does not take (401 is assumed). Backlog
 *   documents no revocation: disconnect forgets the tokens, and the person
 *   removes the application in Backlog.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The user of `/api/v2/users/myself`: `id`, the name, the e-mail and the login name (`userId`) as
 * `preferred_username`; an answer without a numeric id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
  return { id, ...textMembers({ name: user!.name, email: user!.mailAddress, preferred_username: user!.userId }) };
}

export const backlog: ProviderPreset = {
  displayName: 'Backlog',
  values: { domain: 'required' },
  settings: ({ domain }) => {
    const origin = `https://${domain ?? ''}`;
    return {
      endpoints: {
        authorizationEndpoint: `${origin}/OAuth2AccessRequest.action`,
        tokenEndpoint: `${origin}/api/v2/oauth2/token`,
        userinfoEndpoint: `${origin}/api/v2/users/myself`,
      },
      // Backlog names no scopes: the application acts with the person's own rights in the space.
      scope: '',
      apiBaseUrl: `${origin}/api/v2`,
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
      hooks: { profileClaims },
    };
  },
};
