/**
 * Dribbble (API v2, for an application registered under the account's
 * Applications). Plain OAuth 2.0 with explicit endpoints: no discovery, no
 * ID token. From Dribbble's docs (https://developer.dribbble.com/v2/,
 * https://developer.dribbble.com/v1/oauth/, the OAuth flow API v2 keeps):
 * - `GET https://dribbble.com/oauth/authorize` with `client_id`,
 *   `redirect_uri`, `state` and `scope`, space-separated: `public` (what
 *   Dribbble grants when none is sent) or `public upload`, for an app that
 *   posts shots (`<NAME>_SCOPE`). A person who already holds a valid token
 *   for the app is not shown the page: the flow completes at once with the
 *   scopes of their last authorization, so the token answer's `scope`, which
 *   is what is kept, may name fewer than were asked;
 * - `POST https://dribbble.com/oauth/token` with `client_id`,
 *   `client_secret`, `code` and `redirect_uri`: the client in the form body.
 *   The answer is the access token, with no end and no refresh token: it is
 *   kept with no end and nothing refreshes; users may revoke it at any time,
 *   and an API that then refuses it (401) asks for a new sign-in;
 * - the API is `https://api.dribbble.com/v2`, JSON, with the token as
 *   `Authorization: Bearer`; the person is `GET /user`: its numeric `id` is
 *   the subject, `name` the name, `login` the preferred username;
 * - Dribbble documents no revocation endpoint: a person removes the app in
 *   their Dribbble settings, so disconnect deletes the tokens here and says
 *   it was not revoked at Dribbble.
 * Not checked against Dribbble's own pages, which were not all at hand: the
 * token answer's members (`access_token`, `token_type: "bearer"` and
 * `scope` are assumed), the members of `/user` (as integrations read them:
 * `id`, `name`, `login`; an `email` some read is kept when the answer has
 * one, with its verification unknown), whether PKCE is taken (none is sent:
 * Dribbble's page names no PKCE parameter), the body of a refused token
 * request (RFC 6749 §5.2's `error` is assumed) and the status and body of
 * the API's refusal of a token (401 is assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The user of `/user`: the numeric `id` as its digits, `name`, `login` and
 * an `email` when there is one; an answer without a numeric id names no one,
 * and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
  return { id: String(id), ...textMembers({ name: user!.name, login: user!.login, email: user!.email }) };
}

export const dribbble: ProviderPreset = {
  displayName: 'Dribbble',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://dribbble.com/oauth/authorize',
      tokenEndpoint: 'https://dribbble.com/oauth/token',
      userinfoEndpoint: 'https://api.dribbble.com/v2/user',
    },
    scope: 'public',
    apiBaseUrl: 'https://api.dribbble.com/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'login' },
    hooks: { profileClaims },
  }),
};
