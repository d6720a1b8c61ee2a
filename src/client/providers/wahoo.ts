/**
 * Wahoo (the Wahoo Cloud API, for an app registered in Wahoo's developer
 * portal at developers.wahooligan.com). Plain OAuth 2.0 with explicit
 * endpoints: no discovery, no ID token. From Wahoo's docs:
 * - `GET https://api.wahooligan.com/oauth/authorize` with `client_id`,
 *   `redirect_uri`, `response_type=code` and a space-separated `scope`
 *   among `email`, `user_read`, `user_write`, `workouts_read`,
 *   `workouts_write`, `plans_read`, `plans_write`, `power_zones_read`,
 *   `power_zones_write` and `offline_data` (webhooks)
 *   (https://developers.wahooligan.com/cloud); PKCE is taken
 *   (https://cloud-api.wahooligan.com/, "Authentication"), and S256 is sent;
 * - `POST https://api.wahooligan.com/oauth/token` exchanges the code, and
 *   spends a refresh token, with `client_id` and `client_secret`; the answer
 *   is `access_token`, `token_type: "Bearer"`, `expires_in` (two hours),
 *   `refresh_token`, `scope` and `created_at`. A refresh token is good once:
 *   the refresh answers a new access token and a new refresh token, kept in
 *   place of the old;
 * - the API is `https://api.wahooligan.com` with the token as Bearer; the
 *   person is `GET /v1/user`, behind `user_read`: `id` (an integer, the
 *   subject), `first`, `last` and, with `email`, `email`
 *   (https://cloud-api.wahooligan.com/, "Users");
 * - `DELETE /v1/permissions` with the access token ends the app's access for
 *   the person (https://cloud-api.wahooligan.com/, "Permissions"); the revoke
 *   hook calls it on disconnect. Wahoo limits an app to 10 unrevoked access
 *   tokens per person, so revoking on disconnect matters.
 * Not checked against Wahoo's own pages, which were not all at hand (the
 * token answer, the two-hour lifetime, single-use refresh tokens, the
 * 10-token limit and `/v1/permissions` are as integrations describe Wahoo's
 * reference): whether a refresh token ends unused (no end is assumed, so no
 * keep-alive), whether the token endpoint takes Basic credentials (the form
 * is sent), whether the e-mail is verified (kept as not known to be), the
 * body of a refused token request (RFC 6749 §5.2's `error` is assumed), and
 * whether the revocation ends the refresh token too (a 401 for a live
 * token, or after Wahoo refused the refresh token, is taken as revoked
 * already).
 */
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The user of /v1/user: `id`, the first and last names as `given_name` and `family_name` (joined as the name), and
 * the e-mail; an answer without a numeric id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
  const given = trimmedText(user!.first);
  const family = trimmedText(user!.last);
  const email = trimmedText(user!.email);
  return { id, ...textMembers({ given_name: given, family_name: family, email }) };
}

/** Ends the app's access for the person with `DELETE /v1/permissions`, the access token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('Wahoo revocation needs the API base URL');
  return revokeWithBearer(request, `${withoutTrailingSlash(request.apiBaseUrl)}/v1/permissions`, { method: 'DELETE', headers: request.apiHeaders }, { provider: 'Wahoo', what: 'the permissions revocation' });
}

export const wahoo: ProviderPreset = {
  displayName: 'Wahoo',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.wahooligan.com/oauth/authorize',
      tokenEndpoint: 'https://api.wahooligan.com/oauth/token',
      userinfoEndpoint: 'https://api.wahooligan.com/v1/user',
    },
    scope: 'email user_read',
    apiBaseUrl: 'https://api.wahooligan.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    hooks: { profileClaims, revoke },
  }),
};
