/**
 * Salesloft (the REST API v2, for an OAuth application made under Your
 * Applications → OAuth Applications, its grant type Authorization Code and
 * its redirect URI the callback). Plain OAuth 2.0 with explicit endpoints at
 * accounts.salesloft.com: no discovery, no ID token. From Salesloft's OAuth
 * page (https://developers.salesloft.com/docs/platform/api-basics/oauth-authentication/):
 * - `GET https://accounts.salesloft.com/oauth/authorize` with `client_id`,
 *   `redirect_uri` and `response_type=code`; there is no scope parameter:
 *   the scopes are chosen on the application, so none is sent. The person
 *   approves or denies the application there, and is sent back with `code`,
 *   `context` and `scope`;
 * - `POST https://accounts.salesloft.com/oauth/token` with `client_id`,
 *   `client_secret`, `code`, `grant_type=authorization_code` and
 *   `redirect_uri`; the answer is JSON with the tokens and refresh
 *   information.
 * From Salesloft's own example client (https://github.com/SalesLoft/api-example,
 * cli/refresh_token.rb and cli/token.rb): a refresh posts `client_id`,
 * `client_secret`, `grant_type=refresh_token` and the refresh token to the same
 * endpoint, and its answer's `access_token`, `refresh_token` and `expires_in`
 * replace the stored ones: the new refresh token is kept in place of the old.
 * The API is `https://api.salesloft.com` with the token as Bearer; the person
 * is `GET /v2/me` (an example client of Salesloft's reads its `email`).
 * Not checked against Salesloft's own pages (the rest of the OAuth page and
 * the API reference are not in the documentation searched): the answer's
 * members beyond the tokens and `expires_in` (`token_type`, `scope`,
 * `created_at` assumed) and the 2-hour access token; whether a used refresh
 * token still works (the newest is always kept) and whether refresh tokens
 * end unused (no end is assumed, so no keep-alive); the shape of `/v2/me`,
 * its user in `data` with `id`, `guid` (the subject: a user's globally unique
 * id; a third-party guide to the API names `id` and `guid` among a user's
 * members, https://www.stitchflow.com/user-management/salesloft/api),
 * `name`, `first_name`, `last_name` and `email`, the e-mail's verification
 * unknown; whether the exchange needs the callback's `context`
 * and `scope`, which the page's example echoes (RFC 6749's members alone are
 * sent, as OAuth clients of this endpoint send them); whether PKCE is read
 * (none is sent); whether Basic credentials are taken (the form is what the
 * page shows). Salesloft documents no revocation endpoint: disconnect deletes
 * the tokens here.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/v2/me`'s `data`: `guid` (the subject), `id`, the first and last
 * names (or else `name`) and the e-mail; an answer without a guid names no
 * one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.data);
  const guid = trimmedText(user?.guid);
  if (!guid) return undefined;
  const id = typeof user!.id === 'number' && Number.isSafeInteger(user!.id) ? user!.id : undefined;
  return {
    guid,
    ...(id !== undefined ? { id } : {}),
    ...textMembers({ given_name: user!.first_name, family_name: user!.last_name, name: joinedName(user!.first_name, user!.last_name) ?? user!.name, email: user!.email }),
  };
}

export const salesloft: ProviderPreset = {
  displayName: 'Salesloft',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://accounts.salesloft.com/oauth/authorize',
      tokenEndpoint: 'https://accounts.salesloft.com/oauth/token',
      userinfoEndpoint: 'https://api.salesloft.com/v2/me',
    },
    scope: '',
    apiBaseUrl: 'https://api.salesloft.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'guid',
    claimNames: { name: 'name', email: 'email' },
    hooks: { profileClaims },
  }),
};
