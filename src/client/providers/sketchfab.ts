/**
 * Sketchfab (Sketchfab Login, for an app registered with Sketchfab, which
 * issues its client id and secret). Plain OAuth 2.0 with explicit endpoints:
 * no discovery, no ID token. From Sketchfab's pages
 * (https://sketchfab.com/developers/oauth, https://sketchfab.com/developers/data-api
 * and its v3 reference https://docs.sketchfab.com/data-api/v3/index.html):
 * - `GET https://sketchfab.com/oauth2/authorize/` (the trailing slash is
 *   part of the path) with `response_type=code`, `client_id`,
 *   `redirect_uri` and `state`. Sketchfab's page names no scope parameter:
 *   none is sent, and the scope kept is the one the token answer names;
 * - `POST https://sketchfab.com/oauth2/token/`, a form with `grant_type`,
 *   `code`, `client_id`, `client_secret` and `redirect_uri`: the client in
 *   the form. The answer is `access_token`, `token_type`, `expires_in`,
 *   `refresh_token` and `scope`; an access token lasts a month;
 * - "Renewing the access token": the same endpoint with
 *   `grant_type=refresh_token`, the refresh token and the client, answered
 *   as above with a new refresh token, which is kept in place of the old;
 * - the Data API is `https://api.sketchfab.com/v3`, JSON, the OAuth token as
 *   `Authorization: Bearer`; `GET /v3/me` is the person: its `uid` is the
 *   subject (never the `username`), `displayName` the name, `username` the
 *   preferred username and `email` the e-mail, stored as unverified;
 * - Sketchfab documents no revocation endpoint: disconnect deletes the
 *   tokens here and says they were not revoked at Sketchfab.
 * Not checked against Sketchfab's own pages, which were not all at hand:
 * the exact lifetime in `expires_in` (a month, 2592000 s, is assumed),
 * whether the used refresh token is refused after a refresh (the strict
 * reading is assumed), whether `/v3/me`'s e-mail is verified (unknown, so
 * stored as unverified), whether PKCE is taken (none is sent: the page names
 * no PKCE parameter), the body of a refused token request (RFC 6749 §5.2's
 * `error` is assumed) and the status and body of the API's refusal of a
 * token (401 is assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/v3/me`: `uid` (the subject), `displayName`, `username` and
 * `email`; an answer without a uid names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const uid = trimmedText(user?.uid);
  if (!uid) return undefined;
  return { uid, ...textMembers({ name: user!.displayName, username: user!.username, email: user!.email }) };
}

export const sketchfab: ProviderPreset = {
  displayName: 'Sketchfab',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://sketchfab.com/oauth2/authorize/',
      tokenEndpoint: 'https://sketchfab.com/oauth2/token/',
      userinfoEndpoint: 'https://api.sketchfab.com/v3/me',
    },
    scope: '',
    apiBaseUrl: 'https://api.sketchfab.com/v3',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'uid',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'username' },
    hooks: { profileClaims },
  }),
};
