/**
 * MyAnimeList (the MyAnimeList API v2, for a client registered in the person's MyAnimeList account at
 * https://myanimelist.net/apiconfig, App Type "web" for a client with a secret). Plain OAuth 2.0 with explicit
 * endpoints: no discovery, no ID token. From MyAnimeList's authorization reference
 * (https://myanimelist.net/apiconfig/references/authorization):
 * - `GET https://myanimelist.net/v1/oauth2/authorize` with `response_type=code`, `client_id`, `state`, an optional
 *   `redirect_uri` (when sent, exactly one of the client's registered URIs) and PKCE: `code_challenge` is required,
 *   43 to 128 characters, and `code_challenge_method` defaults to `plain`, "currently, only the plain method is
 *   supported". So the preset sends RFC 7636's plain challenge, the verifier itself (`pkce: 'plain'`), and the same
 *   verifier at the code exchange; a fresh verifier for each authorization request, as the page asks. The page names
 *   no scope parameter, and none is sent;
 * - an access token lives one hour and a refresh token one month; the refresh token is used at the token endpoint to
 *   get a new pair, so the keep-alive sweep refreshes a connection left unused before its month ends
 *   (refreshTokenIdleSeconds, taken as 30 days).
 * The rest is MyAnimeList's as its API's clients and guides describe it
 * (https://myanimelist.net/blog.php?eid=835707, a guide hosted on myanimelist.net that the API's forum points to):
 * - `POST https://myanimelist.net/v1/oauth2/token`, a form with `client_id`, `client_secret` (a "web" client has
 *   one), `grant_type`, `code`, `redirect_uri` and `code_verifier`, or `refresh_token` for a refresh; the answer is
 *   `token_type: "Bearer"`, `expires_in`, `access_token` and `refresh_token`, and a refresh answers a new pair, kept
 *   in place of the old;
 * - the API is `https://api.myanimelist.net/v2` with the token as Bearer; the person is `GET /users/@me`: `id` (a
 *   number, the subject) and `name`, the person's MyAnimeList username (kept as `preferred_username` and the name),
 *   with `picture`, `location` and `joined_at`. MyAnimeList gives no e-mail.
 * MyAnimeList documents no revocation: a disconnect deletes the tokens here, and the person removes the app's access
 * in their MyAnimeList account.
 * Not checked against MyAnimeList's own pages: the token endpoint's members and refusals beyond the lifetimes above
 * (RFC 6749's `invalid_grant` and `invalid_client` are assumed; the access token's `expires_in` is read as it comes,
 * whatever the one hour the page states); whether a refresh token is refused once a newer one replaced it (the
 * newest is always kept); the `/users/@me` answer (https://myanimelist.net/apiconfig/references/api/v2 is the
 * reference for it, whose text the guides above quote); and whether the API answers an ended token 401.
 */
import type { ProviderPreset } from './preset.js';

export const myanimelist: ProviderPreset = {
  displayName: 'MyAnimeList',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://myanimelist.net/v1/oauth2/authorize',
      tokenEndpoint: 'https://myanimelist.net/v1/oauth2/token',
      userinfoEndpoint: 'https://api.myanimelist.net/v2/users/@me',
    },
    scope: '',
    apiBaseUrl: 'https://api.myanimelist.net/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: 'plain',
    refreshTokenIdleSeconds: 30 * 86_400,
    subjectClaim: 'id',
    claimNames: { name: 'name', preferredUsername: 'name' },
  }),
};
