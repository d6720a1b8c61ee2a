/**
 * Fitbit (the Fitbit Web API, for an application of type Server). Plain
 * OAuth 2.0 with explicit endpoints: no ID token. From Fitbit's docs:
 * - `GET https://www.fitbit.com/oauth2/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri`, `state`, a space-separated `scope` and the
 *   PKCE challenge (S256), the flow Fitbit recommends
 *   (https://dev.fitbit.com/build/reference/web-api/authorization/authorize/);
 *   `profile` is asked, which the person is read with; the person may untick
 *   scopes, and the token answer's `scope` says which were granted
 *   (https://dev.fitbit.com/build/reference/web-api/developer-guide/best-practices/);
 * - `POST https://api.fitbit.com/oauth2/token` with `Authorization: Basic`
 *   base64 of `client_id:client_secret` as they are, the code (good for 10
 *   minutes), `redirect_uri` and `code_verifier`; the answer is
 *   `access_token`, `expires_in` (28800: 8 hours), `refresh_token`, `scope`,
 *   `token_type` `Bearer` and `user_id`, the person's encoded id
 *   (https://dev.fitbit.com/build/reference/web-api/authorization/oauth2-token/);
 * - a refresh answers a new access token and a new refresh token: a refresh
 *   token never expires but can be used once, so the new one is kept in place
 *   of the old (https://dev.fitbit.com/build/reference/web-api/authorization/refresh-token/,
 *   https://dev.fitbit.com/build/reference/web-api/developer-guide/best-practices/);
 * - refusals are Fitbit's own `{"errors": [{"errorType", "message"}],
 *   "success": false}` with the HTTP status
 *   (https://dev.fitbit.com/build/reference/web-api/troubleshooting-guide/error-handling/):
 *   the tokenResponse hook reads the first `errorType` (`invalid_grant`,
 *   `invalid_client`, …) as RFC 6749 §5.2's `error`;
 * - the API is `https://api.fitbit.com` with the token as Bearer, answering
 *   401 (`expired_token`, `invalid_token`) to a token it does not take; the
 *   person is `GET /1/user/-/profile.json`, `{ user: { encodedId, fullName,
 *   displayName, firstName, lastName, avatar, … } }`, behind `profile`
 *   (https://dev.fitbit.com/build/reference/web-api/user/get-profile/):
 *   `encodedId`, the token answer's `user_id`, is the subject, `fullName`
 *   (else `displayName`) the name. Fitbit gives apps no e-mail;
 * - `POST https://api.fitbit.com/oauth2/revoke` (RFC 7009) with the same
 *   Basic credentials and `token`, the refresh or the access token: either
 *   ends all the person's tokens for the app, so one request is sent
 *   (https://dev.fitbit.com/build/reference/web-api/authorization/revoke-token/).
 * Not checked against Fitbit's own pages: whether a used refresh token is
 * still taken for a short while after the refresh that replaced it (the
 * newest is always kept), the answer of the revocation endpoint to a token
 * already ended (a 400 or 401 once Fitbit refused the refresh token is taken
 * as revoked), and the `errorType` of each refusal beyond those named above.
 */
import { ProviderUnavailableError } from '../errors.js';
import { plainBasicAuthorization, readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** The first `errors[].errorType` and its message of a Fitbit refusal; undefined for any other body. */
function fitbitError(fields: Record<string, unknown>): { error: string; message: string | undefined } | undefined {
  const first = Array.isArray(fields.errors) ? objectOf(fields.errors[0]) : undefined;
  if (typeof first?.errorType !== 'string' || first.errorType === '') return undefined;
  return { error: first.errorType, message: typeof first.message === 'string' ? first.message : undefined };
}

/** A refusal in Fitbit's `{ errors: [{ errorType, message }] }` as RFC 6749 §5.2's `{ error, error_description }`, with its status; anything else as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  const refusal = fields && typeof fields.access_token !== 'string' && typeof fields.error !== 'string' ? fitbitError(fields) : undefined;
  if (!refusal) return rebuiltAnswer(response, response.status, text);
  const body = { error: refusal.error, ...(refusal.message === undefined ? {} : { error_description: refusal.message }) };
  return rebuiltAnswer(response, response.status, JSON.stringify(body), 'application/json');
}

/**
 * The person of `{ user: {…} }`: `encodedId`, `fullName` (else
 * `displayName`) as the name, and the avatar; an answer without an encoded
 * id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.user);
  const id = user?.encodedId;
  if (typeof id !== 'string' || id === '') return undefined;
  const name = trimmedText(user!.fullName) ?? trimmedText(user!.displayName);
  return {
    encoded_id: id,
    ...textMembers({ name, display_name: user!.displayName, picture: user!.avatar }),
  };
}

/** Revokes the refresh token (the access token where there is none) at /oauth2/revoke, which ends all the person's tokens for the app. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Fitbit revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { authorization: plainBasicAuthorization(request.clientId, request.clientSecret), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ token: request.refreshToken ?? request.accessToken }).toString(),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status === 200) return 'revoked';
  // A refresh token Fitbit had refused already (the person removed the app, or it was used): the grant is gone.
  if ((response.status === 400 || response.status === 401) && request.refreshTokenRefused) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Fitbit answered HTTP ${response.status} to the token revocation.`);
}

export const fitbit: ProviderPreset = {
  displayName: 'Fitbit',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.fitbit.com/oauth2/authorize',
      tokenEndpoint: 'https://api.fitbit.com/oauth2/token',
      userinfoEndpoint: 'https://api.fitbit.com/1/user/-/profile.json',
      revocationEndpoint: 'https://api.fitbit.com/oauth2/revoke',
    },
    scope: 'profile',
    apiBaseUrl: 'https://api.fitbit.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    subjectClaim: 'encoded_id',
    claimNames: { name: 'name' },
    hooks: { tokenResponse, profileClaims, revoke },
  }),
};
