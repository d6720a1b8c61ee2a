/**
 * Gumroad (an OAuth application registered under the Gumroad account's Settings, Advanced, Applications). Plain
 * OAuth 2.0 with explicit endpoints: no discovery, no ID token. From Gumroad's API reference (https://gumroad.com/api):
 * - `GET https://gumroad.com/oauth/authorize` with `client_id`, `redirect_uri` and an optional space-separated
 *   `scope`; a person who gives the application access goes back to the `redirect_uri` with `code`;
 * - `POST https://gumroad.com/oauth/token` with `code`, `redirect_uri`, `client_id` and `client_secret` in the form
 *   answers JSON with the `access_token`;
 * - the scopes: `view_profile` (read-only access to the person's public information and products, asked here),
 *   `edit_products`, `view_sales`, `mark_sales_as_shipped`, `refund_sales` and more, named in the page's Scopes;
 * - the API is `https://api.gumroad.com/v2`; `GET /user` answers `{ success, user }` with `bio`, `name`,
 *   `twitter_handle`, `user_id` (the subject), `email` ("available with the 'view_sales' scope"), `url` ("only if
 *   username is set") and `profile_picture_url`; every error is JSON `{ success: false, message }`, a 401 meaning
 *   "you did not provide a valid access token" (the page's API Errors).
 * Gumroad's server is open source, and its OAuth configuration (Doorkeeper, in
 * https://github.com/antiwork/gumroad/blob/main/config/initializers/doorkeeper.rb) gives what the reference does
 * not say: access tokens do not expire (`access_token_expires_in nil`), so the token answer carries no `expires_in`
 * and the token is kept without an end, and refresh tokens are issued (`use_refresh_token`): the connection is
 * refreshed only when the API refuses its token.
 * Not checked against Gumroad's own pages: the token answer's members beyond `access_token` (`token_type`,
 * `refresh_token`, `scope`, `created_at`, as that server answers); the refresh (`grant_type=refresh_token` with the
 * client in the form), whether it answers a new refresh token (the newest is always kept) and ends the spent one;
 * the token endpoint's refusals (RFC 6749 §5.2's are assumed); whether PKCE is taken (none is sent); the token sent
 * as `Authorization: Bearer` (the reference's examples send it as the `access_token` parameter, which the server
 * reads from either); the e-mail's verification (it is kept unverified). The reference documents no revocation:
 * disconnect forgets the tokens, and the person removes the application's access in Gumroad.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/v2/user`'s `{ success: true, user }`: `user_id`, the name, the e-mail (with `view_sales`), the profile
 * page and the picture. An answer that is not a success, or has no `user_id`, names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const answer = objectOf(body);
  if (answer?.success !== true) return undefined;
  const user = objectOf(answer.user);
  const userId = trimmedText(user?.user_id);
  if (userId === undefined) return undefined;
  return { user_id: userId, ...textMembers({ name: user!.name, email: user!.email, profile: user!.url, picture: user!.profile_picture_url }) };
}

export const gumroad: ProviderPreset = {
  displayName: 'Gumroad',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://gumroad.com/oauth/authorize',
      tokenEndpoint: 'https://gumroad.com/oauth/token',
      userinfoEndpoint: 'https://api.gumroad.com/v2/user',
    },
    scope: 'view_profile',
    apiBaseUrl: 'https://api.gumroad.com/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'user_id',
    hooks: { profileClaims },
  }),
};
