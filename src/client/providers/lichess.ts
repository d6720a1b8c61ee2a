/**
 * Lichess ("Login with Lichess": the Authorization Code Flow with PKCE of lichess.org). Plain OAuth 2.0 with
 * explicit endpoints, a public client: no discovery, no ID token, no client secret. From Lichess's API reference
 * (https://lichess.org/api, generated from https://github.com/lichess-org/api):
 * - Lichess supports unregistered public clients: there is no client authentication, and the client id is any
 *   identifier the app chooses (its domain, say), so the preset takes no client secret (`none`); the only code
 *   challenge method accepted is `S256` (https://lichess.org/api#section/Introduction/Authentication);
 * - `GET https://lichess.org/oauth` with `response_type=code`, `client_id`, `redirect_uri`, `code_challenge_method=S256`
 *   and `code_challenge` (all required), a space-separated `scope` and `state`; a refusal comes back with `error`
 *   (`access_denied` when the person cancelled), `error_description` and `state` (https://lichess.org/api#tag/OAuth/operation/oauth);
 * - `POST https://lichess.org/api/token`, a form with `grant_type=authorization_code`, `code`, `code_verifier`,
 *   `redirect_uri` and `client_id` (each matching the authorization request), answers JSON `token_type`,
 *   `access_token` and `expires_in`; a refusal is HTTP 400 with `error` and `error_description` (the example:
 *   `invalid_grant`, "hash of code_verifier does not match code_challenge")
 *   (https://lichess.org/api#tag/OAuth/operation/apiToken);
 * - access tokens are long-lived (expect one year) unless revoked, and refresh tokens are not supported
 *   (https://lichess.org/api#section/Introduction/Authentication): once the token ends, the connection needs a new
 *   sign-in. Tokens match `^[A-Za-z0-9_]+$` and may grow to 512 characters (same section);
 * - the person is `GET /api/account` with the token as Bearer ("Get my profile"): `id` (the subject), `username`
 *   (the id with its capitals: kept as the name and preferred username, never the subject), `url` and more
 *   (https://lichess.org/api#tag/Account/operation/accountMe); the e-mail is `GET /api/account/email`, behind
 *   `email:read`, answering `{ email }` (https://lichess.org/api#tag/Account/operation/accountEmail), whose
 *   verification Lichess does not say: it is kept as unknown;
 * - the API is `https://lichess.org` (`/api/…`, and exports such as `/game/export/{id}`);
 * - `DELETE /api/token` revokes the access token sent as Bearer, answering 204
 *   (https://lichess.org/api#tag/OAuth/operation/apiTokenDelete); the revoke hook calls it on disconnect.
 * Not checked against Lichess's pages: what the authorization endpoint shows for a request it refuses (no
 * `redirect_uri` or challenge); what the API answers to a token it no longer takes and to one missing a scope (401
 * and 403 are assumed: a 403 for `/api/account/email` keeps no e-mail) and what `DELETE /api/token` answers for a
 * token it no longer has (a 401 for a live token is taken as revoked already); whether a person's `id` may ever change.
 */
import { ProviderUnavailableError } from '../errors.js';
import type { ProfileReader, RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/**
 * The profile of `/api/account`: the `id`, the username as the name and preferred username, and the profile page
 * as `profile`; the rest (ratings, counts, bio) is not kept. An answer without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const account = objectOf(body);
  const id = trimmedText(account?.id);
  if (!id) return undefined;
  const username = trimmedText(account!.username);
  const url = trimmedText(account!.url);
  return { id, ...(username ? { name: username, preferred_username: username } : {}), ...(url ? { profile: url } : {}) };
}

/** The e-mail of `/api/account/email`, when the token has `email:read` (otherwise Lichess refuses, and none is kept). */
async function readMoreClaims(reader: ProfileReader): Promise<Record<string, unknown>> {
  if (!reader.apiBaseUrl) return {};
  const answer = await reader.getJson(`${withoutTrailingSlash(reader.apiBaseUrl)}/api/account/email`);
  const email = trimmedText(objectOf(answer)?.email);
  return email ? { email } : {};
}

/** Revokes the access token with `DELETE /api/token`, the token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('Lichess revocation needs the API base URL');
  const response = await request.send(`${withoutTrailingSlash(request.apiBaseUrl)}/api/token`, {
    method: 'DELETE',
    headers: { ...request.apiHeaders, authorization: `Bearer ${request.accessToken}` },
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  // A live token refused: the person revoked the app at Lichess, or it was revoked already.
  if (response.status === 401 && !request.accessTokenExpired) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Lichess answered HTTP ${response.status} to the token revocation.`);
}

export const lichess: ProviderPreset = {
  displayName: 'Lichess',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://lichess.org/oauth',
      tokenEndpoint: 'https://lichess.org/api/token',
      userinfoEndpoint: 'https://lichess.org/api/account',
    },
    scope: 'email:read',
    apiBaseUrl: 'https://lichess.org',
    tokenEndpointAuthMethod: 'none',
    subjectClaim: 'id',
    hooks: { profileClaims, readMoreClaims, revoke },
  }),
};
