/**
 * Imgur (its API version 3, for an application registered with Imgur with
 * the callback as its authorization callback URL). Plain OAuth 2.0 with
 * explicit endpoints: no discovery, no ID token, no scopes. From Imgur's docs
 * (https://api.imgur.com/oauth2, since moved to https://apidocs.imgur.com):
 * - `GET https://api.imgur.com/oauth2/authorize` with `client_id`,
 *   `response_type=code` and `state`; Imgur sends the user to the
 *   application's callback with `code`, which must be exchanged at once.
 *   Imgur has no scopes: a grant reaches the user's account;
 * - `POST https://api.imgur.com/oauth2/token` with `client_id`,
 *   `client_secret`, `grant_type` and `code` (or `refresh_token`) in the
 *   form answers `access_token`, `expires_in`, `token_type: "bearer"`,
 *   `scope` (null), `refresh_token`, `account_id` and `account_username`.
 *   The null `scope` is read as none, as the core reads any optional
 *   member sent as null;
 * - access tokens expire "after 1 month" (an earlier version of the page
 *   said one hour: the `expires_in` answered is what counts); the refresh
 *   token "does not expire" and asks for new access tokens;
 * - API requests carry `Authorization: Bearer`; `GET
 *   https://api.imgur.com/3/account/me` is the current account
 *   (https://api.imgur.com/endpoints/account), answered as `{ data, success,
 *   status }` with `data.id` ("the account id", an integer: the subject,
 *   kept as a string) and `data.url` (the username, the name here, never
 *   the subject; https://api.imgur.com/models/account);
 * - Imgur documents no revocation endpoint: disconnect deletes the tokens
 *   here only, and the user removes the application in their Imgur
 *   settings.
 * Not checked against Imgur's own pages: whether the authorization takes
 * `redirect_uri` (it is sent; the callback is the application's) or PKCE
 * (none is sent); whether a refresh answers the same refresh token or a new
 * one (the one answered is kept); the body of a refused token request (RFC
 * 6749 §5.2's `error` is assumed); the e-mail (only the account settings
 * hold one, and none is kept).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/**
 * The account of `/3/account/me`'s `data`: its integer `id` as a string, the username (`url`) as the name and the
 * preferred username; an answer without an account id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const account = objectOf(objectOf(body)?.data);
  const id = account?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const username = trimmedText(account!.url);
  return {
    id: String(id),
    ...(username ? { name: username, preferred_username: username } : {}),
  };
}

export const imgur: ProviderPreset = {
  displayName: 'Imgur',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.imgur.com/oauth2/authorize',
      tokenEndpoint: 'https://api.imgur.com/oauth2/token',
      userinfoEndpoint: 'https://api.imgur.com/3/account/me',
    },
    // None: Imgur has no scopes; a grant reaches the user's account.
    scope: '',
    apiBaseUrl: 'https://api.imgur.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
