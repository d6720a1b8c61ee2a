/**
 * Dailymotion (its Platform API, for a public API key created in the
 * Dailymotion Studio with the callback as its Callback URL). Plain OAuth 2.0
 * with explicit endpoints: no discovery, no ID token. From Dailymotion's docs:
 * - `GET https://api.dailymotion.com/oauth/authorize` with
 *   `response_type=code`, `client_id` (the API key), `redirect_uri` (it must
 *   match the key's Callback URL) and `scope`; a user who does not authorize
 *   the application is sent back with `error` and `error_description`
 *   (https://developers.dailymotion.com/docs/authenticate-using-authorization-codes);
 * - the scopes are space-separated (`email`, `userinfo`, `manage_videos`,
 *   …; https://developers.dailymotion.com/guides/api-scopes); without one, an
 *   application reaches the user's public data only
 *   (http://www.dailymotion.com/doc/api/authentication.html), so none is
 *   asked by default;
 * - `POST https://api.dailymotion.com/oauth/token`, a form with
 *   `grant_type`, `client_id`, `client_secret`, `redirect_uri` and `code`,
 *   answers JSON with `access_token`, `expires_in` (36000 in the example) and
 *   `refresh_token`, and no `token_type` (RFC 6749 §5.1 requires one, so an
 *   answer without it is read as Bearer: `omitsTokenType`); a refresh is
 *   the same POST with `grant_type=refresh_token`, the client in the form
 *   and the refresh token, and answers the same three members, a refresh
 *   token among them, which is kept (https://developers.dailymotion.com/guides/refresh-token,
 *   https://developers.dailymotion.com/reference/generate-access-token-with-authorization-code);
 * - `GET https://api.dailymotion.com/auth` tells the token's user: `id`,
 *   `username`, `screenname`, `scope` and `roles`
 *   (https://developers.dailymotion.com/guides/retrieve-access-token-details/);
 *   the `id` is the user's, "unique among all users"
 *   (https://developers.dailymotion.com/reference/user-fields), and is the
 *   subject; the screen name is the name and the username the preferred
 *   username;
 * - `GET https://api.dailymotion.com/logout` with the access token revokes
 *   the authorization: the access token and the refresh token are then no
 *   longer valid (https://developers.dailymotion.com/guides/revoke-authorization).
 * Not checked against Dailymotion's own pages: whether the token endpoint
 * answers `token_type` or `scope` in practice (none is shown); whether a refresh ends the
 * refresh token spent (the one answered is kept either way); the body of a
 * refused token request (RFC 6749 §5.2's `error` is assumed); whether `state`
 * comes back (it is sent, as RFC 6749 §4.1.1 has it) and whether PKCE is
 * taken (none is sent); the `Bearer` scheme for the access token (the older
 * authentication page shows `Authorization: OAuth <ACCESS_TOKEN>`, the API v2
 * pages Bearer); how `/logout` answers (a 2xx is taken as revoked, and a 401
 * for a live token as already revoked); the e-mail (it needs the `email`
 * scope and is not in `/auth`, so none is kept).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/auth`: `id`, the screen name as the name (the username without one) and the username as the preferred
 * username; an answer without a user id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const auth = objectOf(body);
  const id = trimmedText(auth?.id);
  if (!id) return undefined;
  const username = trimmedText(auth!.username);
  const screenname = trimmedText(auth!.screenname);
  const name = screenname ?? username;
  return {
    id,
    ...textMembers({ name, preferred_username: username }),
  };
}

/** Revokes the authorization with `GET /logout`, the access token as Bearer: the access and refresh tokens end. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('Dailymotion revocation needs the API base URL');
  const response = await request.send(`${withoutTrailingSlash(request.apiBaseUrl)}/logout`, {
    method: 'GET',
    headers: { ...request.apiHeaders, authorization: `Bearer ${request.accessToken}` },
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  // A live token refused: the person revoked the application on Dailymotion, or it was revoked already.
  if (response.status === 401 && !request.accessTokenExpired) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Dailymotion answered HTTP ${response.status} to the logout.`);
}

export const dailymotion: ProviderPreset = {
  displayName: 'Dailymotion',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.dailymotion.com/oauth/authorize',
      tokenEndpoint: 'https://api.dailymotion.com/oauth/token',
      userinfoEndpoint: 'https://api.dailymotion.com/auth',
    },
    // None: without a scope Dailymotion grants the user's public data; `email`, `userinfo`, `manage_videos`… ask for more.
    scope: '',
    apiBaseUrl: 'https://api.dailymotion.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    omitsTokenType: true,
    subjectClaim: 'id',
    hooks: { profileClaims, revoke },
  }),
};
