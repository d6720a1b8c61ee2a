/**
 * The Threads API (a Meta app with the Threads use case; its Threads app id and secret, not the Meta app's). Plain
 * OAuth 2.0 with explicit endpoints: no discovery, no ID token, no refresh token. From Meta's Threads docs:
 * - the Authorization Window is `https://threads.com/oauth/authorize` with `client_id`, `redirect_uri` (exactly a
 *   registered one), `response_type=code`, `state` and `scope`, comma- or space-separated, which must hold
 *   `threads_basic`; a code lives an hour and is used once
 *   (https://developers.facebook.com/documentation/threads/get-started/get-access-tokens-and-permissions,
 *   https://developers.facebook.com/documentation/threads/get-started);
 * - the code is exchanged with `POST https://graph.threads.com/oauth/access_token`, `client_id`, `client_secret`,
 *   `code`, `grant_type=authorization_code` and `redirect_uri` in the form, for a short-lived token (1 hour) and the
 *   person's `user_id`; it is exchanged at once for a long-lived one of 60 days (`th_exchange_token`), renewed once
 *   at least 24 hours old (`th_refresh_token`), as meta-user-tokens.ts says
 *   (https://developers.facebook.com/docs/threads/get-started/long-lived-tokens/);
 * - the person is `GET https://graph.threads.com/v1.0/me?fields=id,username,name,threads_profile_picture_url`
 *   (https://developers.facebook.com/documentation/threads/threads-profiles): `id` is the Threads user id, the
 *   subject; the name is `name`, or the `username` (the handle, the same as on Instagram) when there is none; the
 *   picture `threads_profile_picture_url`; Threads tells no e-mail;
 * - errors are Graph's, code 190 a token that ended: an API answer with it is read as a refused token
 *   (https://developers.facebook.com/docs/graph-api/guides/error-handling);
 * - Meta documents no revocation for these tokens: disconnect deletes them here, and the person removes the app in
 *   the Threads app's settings.
 * The API base is `https://graph.threads.com/v1.0`; Meta's older pages name the hosts `threads.net` and
 * `graph.threads.net`, which `<NAME>_AUTHORIZE_URL`, `<NAME>_ACCESS_TOKEN_URL` and `<NAME>_API_BASE_URL` can name.
 * Not checked against Meta's pages: the body of a refused code exchange (Graph's `{ error: { message, code } }` is
 * read, and Instagram's `{ error_type, code, error_message }`), whether a renewed token is a new string, whether a
 * cancelled authorization comes back as RFC 6749's `access_denied`, whether graph.threads.com takes the token as a
 * Bearer header (its examples send it as `access_token`; it is sent as Bearer, as graph.facebook.com takes it), and
 * whether PKCE is taken (the challenge is sent, which RFC 7636 §4.5 has a server ignore).
 */
import { graphTokenRejected } from './facebook.js';
import { metaUserTokenHooks } from './meta-user-tokens.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

const GRAPH = 'https://graph.threads.com/v1.0';

const { tokenResponse, renewAccessToken } = metaUserTokenHooks({ displayName: 'Threads', exchangeGrant: 'th_exchange_token', refreshGrant: 'th_refresh_token', apiBaseUrl: GRAPH });

/** `/me` with the Threads user id as the subject, the handle as the name when there is none, and the picture; an answer without an id names no one. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'string' || !/^\d+$/.test(id)) return undefined;
  const username = trimmedText(user!.username);
  const name = trimmedText(user!.name) ?? username;
  const picture = trimmedText(user!.threads_profile_picture_url);
  return { id, ...textMembers({ username, name, picture }) };
}

export const threads: ProviderPreset = {
  displayName: 'Threads',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://threads.com/oauth/authorize',
      tokenEndpoint: 'https://graph.threads.com/oauth/access_token',
      userinfoEndpoint: `${GRAPH}/me?fields=id,username,name,threads_profile_picture_url`,
    },
    scope: 'threads_basic',
    apiBaseUrl: GRAPH,
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', preferredUsername: 'username' },
    hooks: { tokenResponse, tokenRejected: graphTokenRejected, profileClaims, renewAccessToken },
  }),
};
