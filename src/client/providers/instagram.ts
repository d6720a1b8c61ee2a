/**
 * The Instagram API with Instagram Login (Business Login for Instagram), for
 * Instagram professional accounts (business and creator). Plain OAuth 2.0
 * with explicit endpoints: no discovery, no ID token, no refresh token. From
 * Meta's docs:
 * - the authorization window is `https://www.instagram.com/oauth/authorize`
 *   with `client_id` (the Instagram App ID), `redirect_uri`,
 *   `response_type=code`, `state` and `scope`, comma-separated (a
 *   space-separated list is taken too), which must hold
 *   `instagram_business_basic`; the older `business_*` scope names ended on
 *   January 27, 2025
 *   (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login,
 *   https://developers.facebook.com/docs/instagram-platform/reference/oauth-authorize);
 * - the code is exchanged at `https://api.instagram.com/oauth/access_token`
 *   with `client_id`, `client_secret`, `grant_type=authorization_code`,
 *   `redirect_uri` and `code` in the form, answering a short-lived token (1
 *   hour), the app user's Instagram-scoped `user_id` and the `permissions`
 *   granted; the docs show them wrapped as `{ data: [{ access_token,
 *   user_id, permissions }] }` (permissions comma-separated), apps see them
 *   flat (permissions an array): both are read, the permissions as the
 *   scope (business-login page above);
 * - the short-lived token is exchanged at once, at sign-in, with `GET
 *   https://graph.instagram.com/access_token?grant_type=ig_exchange_token&client_secret=…&access_token=…`
 *   for a long-lived one of 60 days
 *   (https://developers.facebook.com/docs/instagram-platform/reference/access_token);
 *   a long-lived token "at least 24 hours old but [that] has not expired" is
 *   renewed for another 60 days with `GET
 *   https://graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token&access_token=…`
 *   (https://developers.facebook.com/docs/instagram-platform/reference/refresh_access_token).
 *   There is no refresh token: the connection is renewed as
 *   meta-user-tokens.ts says;
 * - errors are Graph's `{ error: { message, type, code, error_subcode } }`;
 *   code 190 (sent with HTTP 400) means the token ended: expired, or the
 *   person removed the app. Such an answer from the API is read as a
 *   refused token, and from a renewal as the end of the connection
 *   (https://developers.facebook.com/docs/graph-api/guides/error-handling);
 * - the person is `GET https://graph.instagram.com/v26.0/me?fields=user_id,username,name`
 *   (https://developers.facebook.com/docs/instagram-platform/reference/me,
 *   https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/get-started):
 *   `id` is app-scoped (another app sees another id), `user_id` the
 *   professional account's own id, the one the Graph API's `/<IG_ID>` paths
 *   and Instagram's webhooks name the account by
 *   (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user).
 *   The subject is `user_id`: as immutable as `id`, and the id a host app
 *   meets everywhere else, so a webhook finds its person. The name is
 *   `name`, or the `username` when the account has no name; there is no
 *   e-mail;
 * - Meta documents no revocation for these tokens: disconnect deletes them
 *   here, and the person removes the app in Instagram's settings.
 * The API base is `https://graph.instagram.com/v26.0` (v26.0, the newest
 * version Meta lists); the renewals are made at its unversioned origin, as
 * documented.
 * Not checked against Meta's pages, which do not say them: the body of a
 * refused code exchange (`{ error_type, code, error_message }`, as apps
 * meet it, and Graph's shape are both read), the body of a refused renewal
 * other than code 190, whether a renewed token is a new string and whether
 * the one presented keeps working until its own end (the answer's token is
 * kept either way), whether graph.instagram.com takes the token as a Bearer
 * header (as graph.facebook.com does; it is sent so), and whether PKCE is
 * taken (the challenge is sent, which RFC 7636 §4.5 has a server ignore).
 */
import { graphTokenRejected } from './facebook.js';
import { metaUserTokenHooks } from './meta-user-tokens.js';
import { commaJoinedScope, objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

const GRAPH = 'https://graph.instagram.com/v26.0';

const { tokenResponse, renewAccessToken } = metaUserTokenHooks({ displayName: 'Instagram', exchangeGrant: 'ig_exchange_token', refreshGrant: 'ig_refresh_token', apiBaseUrl: GRAPH });

/** `/me` with the professional account's `user_id` as a string, and the username as the name when there is none; an answer without it names no one. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.user_id;
  if ((typeof id !== 'string' || !/^\d+$/.test(id)) && (typeof id !== 'number' || !Number.isSafeInteger(id))) return undefined;
  const username = trimmedText(user!.username);
  const name = trimmedText(user!.name) ?? username;
  return {
    ...user,
    user_id: String(id),
    ...textMembers({ name, username }),
  };
}

export const instagram: ProviderPreset = {
  displayName: 'Instagram',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.instagram.com/oauth/authorize',
      tokenEndpoint: 'https://api.instagram.com/oauth/access_token',
      userinfoEndpoint: `${GRAPH}/me?fields=user_id,username,name`,
    },
    scope: 'instagram_business_basic',
    apiBaseUrl: GRAPH,
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'user_id',
    claimNames: { name: 'name', preferredUsername: 'username' },
    hooks: { authorizationScope: commaJoinedScope, tokenResponse, tokenRejected: graphTokenRejected, profileClaims, renewAccessToken },
  }),
};
