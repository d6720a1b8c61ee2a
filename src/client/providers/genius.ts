/**
 * Genius (the API at api.genius.com, for an API client made on Genius's API
 * Client management page). Plain OAuth 2.0 with explicit endpoints: no
 * discovery, no ID token. From Genius's documentation
 * (https://docs.genius.com/, its Authentication section and resources):
 * - `GET https://api.genius.com/oauth/authorize` with `client_id`,
 *   `redirect_uri` (the one set for the API client), `scope`,
 *   space-separated, `state` and `response_type=code`. The scopes are `me`
 *   (needed for `/account`, so the default), `create_annotation`,
 *   `manage_annotation` and `vote` (`<NAME>_SCOPE`);
 * - `POST https://api.genius.com/oauth/token` with `code`, `client_id`,
 *   `client_secret`, `redirect_uri`, `grant_type=authorization_code` and
 *   `response_type=code`, which Genius's page lists for this request too
 *   (the tokenRequest hook adds it): the client in the body. The answer is
 *   the access token alone: no `expires_in` and no refresh token, so it is
 *   kept with no end and nothing refreshes; an API that then refuses it
 *   (401) asks for a new sign-in;
 * - the API is `https://api.genius.com`, JSON, the token as
 *   `Authorization: Bearer`; every answer is `{ meta: { status },
 *   response }`. `GET /account` (scope `me`) is the person: `response.user`,
 *   its numeric `id` the subject (never the `login`), `name` and `login`;
 * - Genius documents no revocation endpoint: disconnect deletes the token
 *   here and says it was not revoked at Genius.
 * Not checked against Genius's own pages, which were not all at hand: the
 * token answer's members beside `access_token` (`token_type: "bearer"` is
 * assumed), whether `/account`'s user carries an `email` (one is kept when
 * there, its verification unknown), whether PKCE is taken (none is sent: the
 * page names no PKCE parameter), the status and body of a refused token
 * request (RFC 6749 §5.2's are assumed) and of the API's refusal of a token
 * (401 with the `meta` of its other errors is assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/** openid-client's code exchange with `response_type=code` added, as Genius's page lists it; a refresh is never sent (Genius issues no refresh token). */
function tokenRequest(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams(request.body);
  if (body.get('grant_type') === 'authorization_code') body.set('response_type', 'code');
  return { body: body.toString(), headers: request.headers };
}

/**
 * The user of `/account`'s `response.user`: the numeric `id` as its digits,
 * `name`, `login` and an `email` when there is one; an answer without a
 * numeric id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(objectOf(body)?.response)?.user);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
  return { id: String(id), ...textMembers({ name: user!.name, login: user!.login, email: user!.email }) };
}

export const genius: ProviderPreset = {
  displayName: 'Genius',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.genius.com/oauth/authorize',
      tokenEndpoint: 'https://api.genius.com/oauth/token',
      userinfoEndpoint: 'https://api.genius.com/account',
    },
    scope: 'me',
    apiBaseUrl: 'https://api.genius.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'login' },
    hooks: { tokenRequest, profileClaims },
  }),
};
