/**
 * Chatwork (the Japanese business chat's API v2, for a confidential OAuth
 * client registered on Chatwork's OAuth client screen with the callback
 * among its redirect URIs and the scopes below). Plain OAuth 2.0, RFC
 * 6749's authorization code grant only, with explicit endpoints: no
 * discovery, no ID token. From Chatwork's pages
 * (https://developer.chatwork.com/docs/oauth, and the same page as Chatwork
 * published it in its API documentation, https://github.com/chatwork/api,
 * `documents/en/Chatwork_API_Documentation.pdf`, with the API's RAML spec,
 * `RAML/api-ja.raml`):
 * - the consent screen is `https://www.chatwork.com/packages/oauth2/login.php`
 *   (the RAML's `authorizationUri`), taking `response_type=code`,
 *   `client_id`, `redirect_uri`, `scope` (required: a missing one is error
 *   5001, an unknown one 5002), `state`, and PKCE's `code_challenge` and
 *   `code_challenge_method`, which a confidential client may use too; a
 *   person who denies comes back with `error=access_denied` and the state;
 * - the scopes asked are `users.profile.me:read` (`GET /me`) and
 *   `offline_access`, which only a confidential client may have and without
 *   which a refresh token stops working after the person has been away a
 *   while: a connection kept for the person needs it. Both must be
 *   registered on the client;
 * - the code and each refresh go to `https://oauth.chatwork.com/token` (the
 *   RAML's `accessTokenUri`) with the client as HTTP Basic (the id as user
 *   name, the secret as password), `code_verifier` when a challenge was
 *   sent; the answer is JSON with `access_token` (15 minutes), `refresh_token`
 *   (14 days, "subject to change"), `token_type: "Bearer"`, `expires_in` and
 *   `scope`, and a refusal is `error` (e.g. `invalid_grant`) with
 *   `error_description`;
 * - the API is `https://api.chatwork.com/v2` with the token as Bearer; a
 *   revoked or invalid token is answered 401 with the error in
 *   `WWW-Authenticate` (and `{ "errors": [...] }` in the body, as the RAML
 *   shows it);
 * - the person is `GET /me`: `account_id`, the integer Chatwork's API names
 *   every account by (room members, task assignees, contacts), is the
 *   subject, where `chatwork_id` is an optional handle the person sets;
 *   `name` and `avatar_image_url` name them, and `login_mail` (else `mail`,
 *   the profile's contact address) is the e-mail, kept unverified as
 *   Chatwork says nothing of its verification.
 * Not checked against Chatwork's pages: the PKCE methods taken (S256 is
 * sent); whether a refresh answers a new refresh token and ends the spent
 * one (the newest answered is kept either way); a revocation endpoint (none
 * is documented: disconnect deletes the tokens here); how a missing or
 * unknown scope is sent back (the numeric error codes are listed without
 * their transport).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The account of `/me`: `account_id` (a positive integer, as text), the name, the Chatwork ID as the username, the
 * picture and the e-mail (the login address, else the profile's); an answer without an account id names no one, and
 * the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const me = objectOf(body);
  const id = me?.account_id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  return {
    account_id: String(id),
    ...textMembers({
      name: me!.name,
      preferred_username: me!.chatwork_id,
      picture: me!.avatar_image_url,
      email: trimmedText(me!.login_mail) ?? me!.mail,
    }),
  };
}

export const chatwork: ProviderPreset = {
  displayName: 'Chatwork',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.chatwork.com/packages/oauth2/login.php',
      tokenEndpoint: 'https://oauth.chatwork.com/token',
      userinfoEndpoint: 'https://api.chatwork.com/v2/me',
    },
    scope: 'users.profile.me:read offline_access',
    apiBaseUrl: 'https://api.chatwork.com/v2',
    tokenEndpointAuthMethod: 'client_secret_basic',
    subjectClaim: 'account_id',
    hooks: { profileClaims },
  }),
};
