/**
 * osu! (osu!api v2, for an OAuth application registered on the account
 * settings page of osu.ppy.sh). Plain OAuth 2.0 with explicit endpoints: no
 * discovery, no ID token. From osu!'s docs (https://osu.ppy.sh/docs/index.html):
 * - `GET https://osu.ppy.sh/oauth/authorize` with `client_id` (a number),
 *   `redirect_uri` (the registered Application Callback URL, exactly),
 *   `response_type=code`, a space-delimited `scope` and `state`, which is
 *   sent back with the single-use code ("Authorization Code Grant");
 * - the scopes: `identify` (the person's own profile, `/me`; the default,
 *   always implicitly granted), `public` (public data on their behalf),
 *   `friends.read`, `chat.*`, `forum.write`… ("Scopes");
 * - `POST https://osu.ppy.sh/oauth/token`, a form with `client_id` and
 *   `client_secret` beside the code (and the redirect URI); the answer is
 *   `token_type` `Bearer`, `expires_in` (86400: a day), `access_token` and
 *   `refresh_token`, and names no scope. A refresh (`grant_type=refresh_token`,
 *   the client in the form; `scope` only to narrow it) answers a new access
 *   token and a new refresh token, kept in place of the old ("Refresh access
 *   token");
 * - the API is `https://osu.ppy.sh/api/v2` with the token as Bearer; the person
 *   is `GET /me` ("Get Own Data", behind `identify`): `id` (a number, the
 *   subject), `username` (which osu! lets people change, so only the name),
 *   `country_code`, `avatar_url`, `is_restricted` (a restricted person can
 *   still grant authorization), and no e-mail;
 * - `DELETE /oauth/tokens/current` with the access token revokes it,
 *   answering 204 ("Revoke current token"); the revoke hook calls it.
 * Not checked against osu!'s pages: the token endpoint's refusals (those of
 *   the Laravel Passport server osu-web runs: 400 `invalid_grant`, 401
 *   `invalid_client`, each with `error_description`, `hint` and `message`);
 *   whether a refresh token is still taken after the refresh that replaced it
 *   (the newest is always kept) and whether one ends unused (no end is
 *   assumed, so no keep-alive); whether the revocation ends the refresh token
 *   too (osu-web's source revokes it with the access token; a 401 for a live
 *   token, or after osu! refused the refresh token, is taken as revoked
 *   already); what the API answers to a token it does not take (a 401 is
 *   assumed); whether PKCE is taken (none is sent).
 */
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The profile of `/me`: `id`, the username as the name and preferred
 * username, the country, the avatar as the picture, and whether the person
 * is restricted; the rest of osu!'s user (statistics, badges, pages) is not
 * kept. An answer without a numeric id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const username = trimmedText(user!.username);
  const country = trimmedText(user!.country_code);
  const avatar = trimmedText(user!.avatar_url);
  return {
    id,
    ...(username ? { name: username, preferred_username: username } : {}),
    ...textMembers({ country_code: country, picture: avatar }),
    ...(typeof user!.is_restricted === 'boolean' ? { is_restricted: user!.is_restricted } : {}),
  };
}

/** Revokes the access token with `DELETE /oauth/tokens/current`, the token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('osu! revocation needs the API base URL');
  return revokeWithBearer(request, `${withoutTrailingSlash(request.apiBaseUrl)}/oauth/tokens/current`, { method: 'DELETE', headers: { ...request.apiHeaders, accept: 'application/json' } }, { provider: 'osu!', what: 'the token revocation' });
}

export const osu: ProviderPreset = {
  displayName: 'osu!',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://osu.ppy.sh/oauth/authorize',
      tokenEndpoint: 'https://osu.ppy.sh/oauth/token',
      userinfoEndpoint: 'https://osu.ppy.sh/api/v2/me',
    },
    scope: 'identify public',
    apiBaseUrl: 'https://osu.ppy.sh/api/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims, revoke },
  }),
};
