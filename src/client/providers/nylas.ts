/**
 * Nylas v3 (Hosted OAuth with an access token: a Nylas application, its
 * client id the client id and one of its API keys the client secret, the
 * callback among its callback URIs, and a connector for each mail provider
 * people sign in with). Plain OAuth 2.0 with explicit endpoints, in the
 * United States region; an application in the EU region points
 * `<NAME>_AUTHORIZE_URL`, `<NAME>_ACCESS_TOKEN_URL`, `<NAME>_REVOCATION_URL`
 * and `<NAME>_API_BASE_URL` at `api.eu.nylas.com`. From Nylas' API reference
 * and guides:
 * - `GET https://api.us.nylas.com/v3/connect/auth` with `client_id`,
 *   `redirect_uri`, `response_type=code`, `state`, an optional `provider`
 *   (none: Nylas' hosted page asks the person which), `scope` (optional: the
 *   connector's scopes when none is asked) and `access_type=offline`, without
 *   which no refresh token is issued; PKCE is supported
 *   (https://developer.nylas.com/docs/reference/api/authentication-apis/get_oauth2_flow/,
 *   https://developer.nylas.com/docs/v3/auth/hosted-oauth-accesstoken/);
 * - `POST https://api.us.nylas.com/v3/connect/token` takes JSON or a form,
 *   `client_id` and `client_secret` (the API key) in it; the answer is
 *   `access_token`, `token_type` (Bearer), `expires_in` (3600),
 *   `refresh_token` (offline access only), `scope`, `id_token`, `grant_id`,
 *   `email` and `provider`. A refresh answers a new access token; the
 *   refresh token is issued once and stays valid until revoked, so the core
 *   keeps it. A code is single-use
 *   (https://developer.nylas.com/docs/reference/api/authentication-apis/exchange_oauth2_token/,
 *   https://developer.nylas.com/docs/cookbook/use-cases/build/get-refresh-tokens/).
 *   The ID token is Nylas' JWT of the grant; the person is read from the API
 *   instead, so it is dropped unread (idTokenUnused);
 * - the person is the grant: `GET https://api.us.nylas.com/v3/grants/me`
 *   with the access token answers `{ request_id, data }`, `data` the grant:
 *   `id` (the subject: Nylas makes one grant per e-mail address in each
 *   application, and signing in again re-authenticates it, keeping its id),
 *   `email`, `name`, `provider`, `grant_status`, `scope`…; its
 *   `provider_user_id` may change at any time, so it is not the subject
 *   (https://developer.nylas.com/docs/reference/api/manage-grants/get_grant_by_access_token/,
 *   https://developer.nylas.com/docs/v3/auth/manage-grants/). The
 *   profileClaims hook unwraps `data`;
 * - `POST https://api.us.nylas.com/v3/connect/revoke?token=…` with the API
 *   key as Bearer revokes an access token, and with it the refresh token it
 *   came from; the grant stays, so signing in again keeps its id. 200 when
 *   revoked, 400 when the token was invalid or already expired
 *   (https://developer.nylas.com/docs/reference/api/authentication-apis/revoke_oauth2_token_and_grant/):
 *   the revoke hook, as this is not RFC 7009's form;
 * - API calls go under `https://api.us.nylas.com/v3` with the token as
 *   Bearer, the person's own data under `/grants/me/…`.
 * Not checked against Nylas' own pages: the status of the token endpoint's
 * refusals (its `{ error, error_description, error_uri, error_code }` body is
 * documented; 400 `invalid_grant` and 401 `invalid_client` are assumed),
 * whether `grants/me`'s e-mail is verified (stored as unknown), what the
 * hosted page sends back when the person declines (RFC 6749's
 * `access_denied` is assumed), and whether a refresh ever answers a new
 * refresh token (one that did would be kept).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';

/** The grant under `data` of `/v3/grants/me`; an answer without one names no one. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const grant = objectOf(objectOf(body)?.data);
  return typeof grant?.id === 'string' && grant.id !== '' ? grant : undefined;
}

/** Revokes the access token, and so the refresh token it came from, at `/v3/connect/revoke`, the API key as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Nylas revocation needs the revocation endpoint');
  const url = new URL(request.revocationEndpoint);
  url.searchParams.set('token', request.accessToken);
  const response = await request.send(url.toString(), { method: 'POST', headers: { authorization: `Bearer ${request.clientSecret}`, accept: 'application/json' } });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  // Nylas' 400: the token was invalid or had expired. A live one, or one whose refresh Nylas refused, means the grant's tokens were already ended.
  const tokenWasGood = !request.accessTokenExpired || request.refreshTokenRefused;
  if (response.status === 400 && tokenWasGood) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Nylas refused the token revocation (HTTP ${response.status}).`);
}

export const nylas: ProviderPreset = {
  displayName: 'Nylas',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.us.nylas.com/v3/connect/auth',
      tokenEndpoint: 'https://api.us.nylas.com/v3/connect/token',
      userinfoEndpoint: 'https://api.us.nylas.com/v3/grants/me',
      revocationEndpoint: 'https://api.us.nylas.com/v3/connect/revoke',
    },
    // None: the connector's scopes are granted when none is asked.
    scope: '',
    authorizationParams: { access_type: 'offline' },
    apiBaseUrl: 'https://api.us.nylas.com/v3',
    tokenEndpointAuthMethod: 'client_secret_post',
    idTokenUnused: true,
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { profileClaims, revoke },
  }),
};
