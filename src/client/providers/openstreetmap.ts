/**
 * OpenStreetMap (an OAuth 2 application registered under the person's
 * openstreetmap.org settings, "OAuth 2 applications", as a confidential
 * application with the callback as its redirect URI and at least the
 * permissions asked). Plain OAuth 2.0 with explicit endpoints at
 * www.openstreetmap.org; it is also an OpenID provider, but the profile is
 * read from the editing API, which every token with `read_prefs` reaches.
 * From OpenStreetMap's wiki:
 * - `GET https://www.openstreetmap.org/oauth2/authorize` and
 *   `POST https://www.openstreetmap.org/oauth2/token`, the authorization code
 *   grant with or without PKCE (https://wiki.openstreetmap.org/wiki/OAuth);
 *   the S256 challenge is sent. Its metadata is at
 *   `https://www.openstreetmap.org/.well-known/oauth-authorization-server`
 *   (the same page), not read here since the endpoints are fixed.
 * - Scopes, space-separated, each one of the application's permissions:
 *   `read_prefs` ("read their user preferences"), `write_prefs`,
 *   `write_diary`, `write_api`, `read_gpx`, `write_gpx`, `write_notes`,
 *   `write_redactions`, `consume_messages`, `send_messages`
 *   (https://wiki.openstreetmap.org/wiki/OAuth). `read_prefs` is asked: it is
 *   what reads the person's details; the scopes the app's calls need are
 *   added with `<NAME>_SCOPE`.
 * - "The access tokens currently do not expire automatically"
 *   (https://wiki.openstreetmap.org/wiki/OAuth): no refresh token is issued,
 *   so the token is kept with no end, nothing refreshes, and an API that
 *   refuses it (the person revoked the application under "My Settings",
 *   "OAuth 2 authorizations") asks for a new sign-in.
 * - The API v0.6 is at `https://api.openstreetmap.org/api/0.6`, the token as
 *   Bearer; the person is `GET /user/details.json`, the logged-in user's
 *   details, `{ version, generator, user }`, whose `user` has `id` (a
 *   number), `display_name`, `account_created`, `description`, `img.href`,
 *   `home`, `languages`, `messages`…
 *   (https://wiki.openstreetmap.org/wiki/API_v0.6#Details_of_the_logged-in_user:_GET_/api/0.6/user/details).
 *   The `id` is the account's number, by which the API names a user
 *   ("the id of the user, not the display name", same page,
 *   `GET /api/0.6/user/#id`): the subject, never the `display_name`, which
 *   the person may change. OpenStreetMap gives no e-mail there, so none is
 *   kept. A token the API does not take is a 401, one without the
 *   permission a 403 (same page, "Error codes").
 * Not checked against OpenStreetMap's own pages: how the client
 * authenticates at the token endpoint (HTTP Basic is sent, which the
 * Doorkeeper server behind it takes beside the form); that `read_prefs` is
 * the scope user/details needs (as OpenStreetMap's server code grants it);
 * the revocation endpoint, `https://www.openstreetmap.org/oauth2/revoke`
 * (RFC 7009, as the server's Doorkeeper routes it; a disconnect revokes the
 * access token there); the refusals' bodies (RFC 6749 §5.2's JSON at the
 * token endpoint; the API's plain-text "Couldn't authenticate you"); and
 * that a user's id is never given to another account (deleted accounts keep
 * their number, listed as `user_<id>`).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The `user` of `/api/0.6/user/details.json`: `id` (a positive integer, as text), the display name as both the
 * name and the username, and the picture; an answer without a user id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.user);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  return { id: String(id), ...textMembers({ name: user!.display_name, preferred_username: user!.display_name, picture: objectOf(user!.img)?.href }) };
}

export const openstreetmap: ProviderPreset = {
  displayName: 'OpenStreetMap',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.openstreetmap.org/oauth2/authorize',
      tokenEndpoint: 'https://www.openstreetmap.org/oauth2/token',
      userinfoEndpoint: 'https://api.openstreetmap.org/api/0.6/user/details.json',
      revocationEndpoint: 'https://www.openstreetmap.org/oauth2/revoke',
    },
    scope: 'read_prefs',
    apiBaseUrl: 'https://api.openstreetmap.org/api/0.6',
    tokenEndpointAuthMethod: 'client_secret_basic',
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
