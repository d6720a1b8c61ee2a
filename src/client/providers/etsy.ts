/**
 * Etsy (Open API v3). Plain OAuth 2.0 without discovery or an ID token. From
 * Etsy's docs:
 * - `GET https://www.etsy.com/oauth/connect` with `response_type=code`,
 *   `client_id` (the app's keystring), `redirect_uri` (registered exactly,
 *   https), `state`, and `scope`, a space-separated list (`email_r`,
 *   `shops_r`, `listings_r`, `transactions_r`…); PKCE is required, with
 *   `code_challenge_method=S256` only
 *   (https://developers.etsy.com/documentation/essentials/authentication/);
 * - `POST https://api.etsy.com/v3/public/oauth/token`, a form with
 *   `grant_type`, `client_id`, `redirect_uri`, `code` and `code_verifier`:
 *   no client secret (so `none`, the client id in the form). The answer is
 *   `access_token`, `token_type: "Bearer"`, `expires_in: 3600` and
 *   `refresh_token`, each token prefixed with the person's numeric user id
 *   and a period (`12345678.O1zL…`), which API calls need as it is. A
 *   refresh (`grant_type=refresh_token`, `client_id`, `refresh_token`)
 *   answers a new refresh token, which is kept; a refresh token lasts 90
 *   days, which the keep-alive sweep refreshes within, and the scope cannot
 *   change at a refresh (same page);
 * - every API call carries `x-api-key: {keystring}:{shared secret}` beside
 *   the Bearer token (https://developers.etsy.com/documentation/essentials/requests/),
 *   enforced since February 9, 2026 (https://github.com/etsy/open-api/discussions/1529):
 *   the client secret (the shared secret) goes in that header only, never to
 *   the token endpoint (clientCredentialsHeader). The API is under
 *   `https://api.etsy.com/v3/application` (`openapi.etsy.com` is the same);
 *   errors are `{ "error": "…" }`;
 * - the person is `GET /v3/application/users/me` (getMe, with `shops_r`):
 *   `user_id` (the subject) and `shop_id`, kept with the profile; their
 *   name and e-mail are `GET /v3/application/users/{user_id}` (getUser, with
 *   `email_r`): `first_name`, `last_name`, `image_url_75x75` and
 *   `primary_email`, which Etsy grants third-party apps case by case and
 *   may be null (https://developers.etsy.com/documentation/reference#operation/getMe,
 *   https://developers.etsy.com/documentation/reference#operation/getUser).
 *   The e-mail's verification is not said: it is kept as unknown;
 * - there is no revocation endpoint: disconnect deletes the tokens here,
 *   and the person removes the app in their Etsy account's settings.
 * Not checked against Etsy's pages: the body and status of a refused token
 * request beyond `invalid_grant` for a used code (the quickstart's), the
 * answer to an unknown client id (RFC 6749's `invalid_client` is assumed),
 * whether the refresh token a refresh replaced still works, whether the 90
 * days run from each refresh token's issue (as assumed) or from the
 * sign-in, whether the token endpoint wants `x-api-key` too (it is not
 * sent, as the authentication page shows none), and the status of an API
 * call with an ended token or a wrong shared secret (401 and 403 are
 * assumed).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { ProfileReader } from '../provider-hooks.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** The user id getMe names, for getUser's path: a positive integer, or undefined. */
function userIdOf(me: unknown): number | undefined {
  const userId = me !== null && typeof me === 'object' ? (me as { user_id?: unknown }).user_id : undefined;
  return typeof userId === 'number' && Number.isSafeInteger(userId) && userId > 0 ? userId : undefined;
}

/**
 * The person's name, picture and e-mail from getUser, under OpenID Connect's
 * names where they have one; nothing where the token lacks `email_r` (403).
 */
async function readMoreClaims(reader: ProfileReader): Promise<Record<string, unknown>> {
  if (!reader.userinfoEndpoint || !reader.apiBaseUrl) return {};
  const userId = userIdOf(await reader.getJson(reader.userinfoEndpoint));
  if (userId === undefined) return {};
  const user = await reader.getJson(`${withoutTrailingSlash(reader.apiBaseUrl)}/users/${userId}`);
  if (user === undefined) return {};
  if (user === null || typeof user !== 'object' || Array.isArray(user)) throw new ProviderUnavailableError('provider_bad_response', 'Etsy did not answer GET /users/{user_id} with a user.');
  const { first_name: givenName, last_name: familyName, image_url_75x75: picture, primary_email: email } = user as Record<string, unknown>;
  const strings = { given_name: givenName, family_name: familyName, picture, primary_email: email };
  return Object.fromEntries(Object.entries(strings).filter(([, value]) => typeof value === 'string' && value !== ''));
}

export const etsy: ProviderPreset = {
  displayName: 'Etsy',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.etsy.com/oauth/connect',
      tokenEndpoint: 'https://api.etsy.com/v3/public/oauth/token',
      userinfoEndpoint: 'https://api.etsy.com/v3/application/users/me',
    },
    scope: 'email_r shops_r',
    apiBaseUrl: 'https://api.etsy.com/v3/application',
    tokenEndpointAuthMethod: 'none',
    clientCredentialsHeader: 'x-api-key',
    subjectClaim: 'user_id',
    claimNames: { email: 'primary_email' },
    refreshTokenIdleSeconds: 90 * 86_400,
    hooks: { readMoreClaims },
  }),
};
