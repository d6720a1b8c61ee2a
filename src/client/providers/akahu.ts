/**
 * Akahu (New Zealand open finance; a full app registered with Akahu, its
 * App ID Token the client id, its App Secret the secret, the callback among
 * its Redirect URIs; a Personal App is authorised when it is made and takes
 * no part in OAuth). Plain OAuth 2.0, the authorization code grant with
 * explicit endpoints: no discovery, no ID token. From Akahu's pages:
 * - the person is sent to Akahu's authorisation page with `response_type=code`,
 *   `client_id`, `redirect_uri` (one of the app's), `scope` and `state`
 *   (https://developers.akahu.nz/docs/authorizing-with-oauth2,
 *   https://developers.akahu.nz/docs/authorisation-request-anatomy);
 *   `ENDURING_CONSENT` is the scope of ongoing access, to which Akahu adds
 *   every other scope the app is allowed, `AKAHU` (the profile's e-mail)
 *   among them (https://developers.akahu.nz/docs/scopes): it is the scope
 *   asked;
 * - the code is exchanged at `POST https://api.akahu.io/v1/token` with
 *   `grant_type=authorization_code`, `code`, `redirect_uri`, `client_id`
 *   and `client_secret` in the body, for a long-lived user access token;
 *   refusals carry RFC 6749's `error`
 *   (https://developers.akahu.nz/reference/post_token). Akahu's requests
 *   and answers are JSON (https://developers.akahu.nz/docs/response-formatting),
 *   so the exchange is sent as JSON (jsonTokenRequest). There is no refresh
 *   token: the token lasts until it is revoked;
 * - every call on a user's behalf carries the token as `Bearer` and the App
 *   ID Token as `X-Akahu-ID` (https://developers.akahu.nz/reference/api_index),
 *   which clientIdHeader adds; without that header Akahu answers 403, and a
 *   token it does not take 401
 *   (https://developers.akahu.nz/docs/accessing-account-data);
 * - `GET https://api.akahu.io/v1/me` answers the user in the standard
 *   wrapper, `{ success, item }` (https://developers.akahu.nz/reference/get_me,
 *   https://developers.akahu.nz/docs/response-formatting): `_id` is the
 *   User ID, an Akahu ID of a `user_` prefix and a random suffix, the subject;
 *   `first_name`, `last_name`, `preferred_name` and `email` (only with the
 *   `AKAHU` scope) the profile (the e-mail stored unverified: Akahu does not
 *   say);
 * - the token is revoked with `DELETE https://api.akahu.io/v1/token`, the
 *   token as Bearer (https://developers.akahu.nz/reference/post_token,
 *   which asks apps to revoke a token they no longer need): the revoke hook.
 * Not checked against Akahu's own pages: the authorisation page's URL,
 * `https://oauth.akahu.io`, taken from Akahu's JavaScript SDK (the guide's
 * URL did not survive in the copies at hand); the token answer's members
 * past `access_token` (`token_type`, `scope`, as the SDK reads them); the
 * `DELETE /v1/token` request and its answer (as the SDK sends it, with
 * `X-Akahu-ID`; any 2xx taken as revoked, a 401 as revoked already);
 * that a User ID is never given to another user; whether PKCE is read
 * (none is sent); the 401 body's wording.
 */
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/v1/me`'s `{ success, item }`: `_id` (the User ID) as `id`, the preferred name (else the first and last
 * names) as the name, the names and the e-mail. An answer without a User ID names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const answer = objectOf(body);
  const user = objectOf(answer?.item);
  const id = trimmedText(user?._id);
  if (answer?.success !== true || !id) return undefined;
  const name = trimmedText(user!.preferred_name) ?? joinedName(user!.first_name, user!.last_name);
  return { id, ...textMembers({ name, given_name: user!.first_name, family_name: user!.last_name, email: user!.email }) };
}

/** Revokes the user access token with `DELETE /v1/token`, the token as Bearer and the app as `X-Akahu-ID` (the API's headers). */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Akahu revocation needs the revocation endpoint');
  return revokeWithBearer(request, request.revocationEndpoint, { method: 'DELETE', headers: request.apiHeaders }, { provider: 'Akahu', what: 'the token revocation' });
}

export const akahu: ProviderPreset = {
  displayName: 'Akahu',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://oauth.akahu.io/',
      tokenEndpoint: 'https://api.akahu.io/v1/token',
      userinfoEndpoint: 'https://api.akahu.io/v1/me',
      revocationEndpoint: 'https://api.akahu.io/v1/token',
    },
    scope: 'ENDURING_CONSENT',
    apiBaseUrl: 'https://api.akahu.io/v1',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    clientIdHeader: 'x-akahu-id',
    subjectClaim: 'id',
    hooks: { tokenRequest: jsonTokenRequest(), profileClaims, revoke },
  }),
};
