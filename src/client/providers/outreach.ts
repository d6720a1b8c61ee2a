/**
 * Outreach (the Outreach REST API v2, for an app made in Outreach's
 * Developer Portal, its redirect URI the callback). Plain OAuth 2.0 with
 * explicit endpoints at api.outreach.io: no discovery, no ID token. From
 * Outreach's OAuth documentation
 * (https://github.com/getoutreach/outreach-platform-sdk/blob/master/documentation/authorization/oauth.md):
 * - `GET https://api.outreach.io/oauth/authorize` with `client_id`,
 *   `redirect_uri` (one the app lists), `response_type=code`, a
 *   space-separated `scope` (a subset of the app's) and `state`, which comes
 *   back with the code;
 * - `POST https://api.outreach.io/oauth/token` with `client_id`,
 *   `client_secret`, `redirect_uri`, `grant_type=authorization_code` and the
 *   code, or `grant_type=refresh_token` and the refresh token; the answer is
 *   JSON with `access_token`, `refresh_token` and `expires_in`, and the
 *   access token is sent as `Authorization: Bearer`.
 * From the developer portal's pages as they are summed up in public
 * integration notes (https://developers.outreach.io/api/oauth,
 * https://developers.outreach.io/api/getting-started): the answer also
 * carries `token_type`, `scope` and `created_at`; access tokens live 2 hours
 * (`expires_in` 7200), refresh tokens 14 days, and each refresh answers a new
 * refresh token, the newest to be used (kept here, and kept alive by the
 * sweep); scopes are `<resource>.<read|write|delete|all>`, each level on its
 * own (`write` does not read), a call without its scope answered 403
 * `unauthorizedOauthScope` (`users.read` is asked here, as "Sign in with
 * Outreach" guides select it; add the scopes the app's calls need); the API
 * is JSON:API under `/api/v2`, and `GET /api/v2` answers the current token,
 * its application and its organization: the person is its `meta.user`,
 * whose `id` is the subject. Outreach documents no revocation endpoint
 * (the customer removes the app's grant in Outreach): disconnect deletes the
 * tokens here.
 * Not checked against Outreach's own pages (the developer portal's OAuth
 * page is not in the documentation searched): the lifetimes, the rotation
 * and whether a used refresh token still works (the newest is always kept);
 * the members of `meta.user` other than `id` (`firstName`, `lastName`,
 * `email`, read when there; the e-mail stored unverified); the limit of one
 * token grant per user and app every 60 seconds (answered 429), which a
 * refresh of a 2-hour token does not meet; whether a refresh needs the
 * `redirect_uri` the SDK page shows in it (openid-client sends none, as
 * clients of Outreach's refresh grant do); whether PKCE is taken (none is
 * sent).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** Refresh tokens last 14 days. */
const REFRESH_TOKEN_SECONDS = 14 * 86_400;

/**
 * The user of `GET /api/v2`'s `meta.user`: `id` (an integer, the subject), `firstName` and `lastName` (joined as
 * the name) and `email`; an answer without an integer id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(objectOf(body)?.meta)?.user);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
  const given = trimmedText(user!.firstName);
  const family = trimmedText(user!.lastName);
  const email = trimmedText(user!.email);
  const name = joinedName(given, family);
  return { id, ...textMembers({ given_name: given, family_name: family, name, email }) };
}

export const outreach: ProviderPreset = {
  displayName: 'Outreach',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.outreach.io/oauth/authorize',
      tokenEndpoint: 'https://api.outreach.io/oauth/token',
      userinfoEndpoint: 'https://api.outreach.io/api/v2',
    },
    scope: 'users.read',
    apiBaseUrl: 'https://api.outreach.io',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    refreshTokenIdleSeconds: REFRESH_TOKEN_SECONDS,
    hooks: { profileClaims },
  }),
};
