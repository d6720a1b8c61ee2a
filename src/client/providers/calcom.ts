/**
 * Cal.com (an OAuth client made at https://app.cal.com/settings/developer/oauth
 * with at least one scope and the callback as its redirect URI, usable once a
 * Cal.com admin has approved it). OAuth 2.0 authorization code with explicit
 * endpoints, from Cal.com's API v2 docs (https://cal.com/docs/api-reference/v2/oauth):
 * - `GET https://app.cal.com/auth/oauth2/authorize` with `client_id`, the
 *   registered `redirect_uri` (an exact match), `state` and `scope`, which is
 *   required: scopes are upper-case names such as `PROFILE_READ` or
 *   `BOOKING_READ`, separated by spaces (or commas), a subset of those enabled
 *   on the client. `PROFILE_READ` is asked, the one `GET /v2/me` needs
 *   (https://cal.com/docs/api-reference/v2/me/get-my-profile). A scope it does
 *   not know or the client lacks is sent back as `error=invalid_request` with
 *   an `error_description`; an unknown client or redirect URI is told on
 *   Cal.com's own page. PKCE is for public clients; a confidential client
 *   sends none;
 * - `POST https://api.cal.com/v2/auth/oauth2/token`, JSON or a URL-encoded
 *   form, with `client_id` and `client_secret` in the body for both the code
 *   exchange (with `redirect_uri`) and refreshes; the answer is
 *   `access_token`, `refresh_token`, `token_type: "bearer"`, `expires_in`
 *   1800 (30-minute access tokens) and the granted `scope`, and a refresh
 *   answers a new refresh token too. Refusals are `error` with
 *   `error_description`: 400 `invalid_grant` (`code_invalid_or_expired`,
 *   `invalid_refresh_token`, after which the person must authorize again),
 *   401 `invalid_client` (`invalid_client_credentials`, `client_not_found`)
 *   (https://cal.com/docs/api-reference/v2/oauth2/exchange-authorization-code-or-refresh-token-for-tokens);
 * - API calls go to `https://api.cal.com/v2` with the token as
 *   `Authorization: Bearer`; `GET /v2/me` answers `{ status, data }`, `data`
 *   being the person: `id` (a number: the subject), `username` (which the
 *   person can change), `email`, `name`, `avatarUrl`, `timeZone`,
 *   `organizationId`… (https://cal.com/docs/api-reference/v2/me/get-my-profile).
 * Not checked against Cal.com's pages: whether a refresh ends the refresh
 *   token it spent (the newest is always kept); whether the `id` is ever
 *   reused (it is taken as the user's permanent number on app.cal.com, one
 *   instance: a self-hosted Cal.com or another region is another set of ids
 *   and needs a preset of its own); whether the e-mail is verified (it is
 *   stored unverified); the API's refusal bodies. Cal.com documents no
 *   revocation: disconnect forgets the tokens here.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The person in `data` of `/v2/me`: its numeric `id`, the name, the username and the e-mail; an answer without a
 * positive integer id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.data);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  return {
    id: String(id),
    ...textMembers({ name: user!.name, preferred_username: user!.username, email: user!.email, picture: user!.avatarUrl }),
  };
}

export const calcom: ProviderPreset = {
  displayName: 'Cal.com',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.cal.com/auth/oauth2/authorize',
      tokenEndpoint: 'https://api.cal.com/v2/auth/oauth2/token',
      userinfoEndpoint: 'https://api.cal.com/v2/me',
    },
    // /v2/me needs PROFILE_READ; an OAuth client enabled for more sets <NAME>_SCOPE (e.g. `PROFILE_READ BOOKING_READ`).
    scope: 'PROFILE_READ',
    apiBaseUrl: 'https://api.cal.com/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
