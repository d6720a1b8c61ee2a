/**
 * ArcGIS Online (Esri), for an OAuth 2.0 application registered in ArcGIS
 * Online with the callback among its redirect URIs. Plain OAuth 2.0 at the
 * portal's `/sharing/rest/oauth2` endpoints, without discovery or an ID
 * token. From Esri's pages:
 * - `GET https://www.arcgis.com/sharing/rest/oauth2/authorize` with
 *   `client_id`, `response_type=code` and `redirect_uri`, all three required
 *   (https://developers.arcgis.com/rest/users-groups-and-items/authorize/);
 *   user sign-in has no scopes, so none is asked; PKCE (`code_challenge`,
 *   S256) is supported since March 2022 and recommended for every app
 *   (https://developers.arcgis.com/documentation/security-and-authentication/reference/rest-authentication-operations/);
 * - `POST https://www.arcgis.com/sharing/rest/oauth2/token`: the code with
 *   `client_id` and `redirect_uri` (the secret goes in the form beside them,
 *   as the server-based flow sends it,
 *   https://developers.arcgis.com/documentation/mapping-apis-and-services/security/user-authentication/server-based-flow/),
 *   `code_verifier`; a refresh sends `client_id` and `refresh_token`
 *   (https://developers.arcgis.com/rest/users-groups-and-items/token/). The
 *   answer is `access_token`, `expires_in` (1800: 30 minutes), `username`,
 *   `ssl`, `refresh_token` and `refresh_token_expires_in`, with no
 *   `token_type` (read as Bearer, omitsTokenType); a refresh answers a new
 *   access token only, the refresh token is kept. ArcGIS's REST answers put
 *   a refusal in the body as `{ "error": { "code", "error",
 *   "error_description", "message", "details" } }`, sent with HTTP 200: the
 *   tokenResponse hook rewrites it as RFC 6749 §5.2's;
 * - the API is the portal's REST API, `https://www.arcgis.com/sharing/rest`,
 *   with the token as `Authorization: Bearer`
 *   (https://developers.arcgis.com/documentation/security-and-authentication/reference/http-authorization-headers/);
 *   its answers are HTML unless `f=json` is asked
 *   (https://developers.arcgis.com/rest/users-groups-and-items/common-parameters/);
 * - the person is `GET /community/self?f=json`, the user the token is for
 *   (https://developers.arcgis.com/rest/users-groups-and-items/self/), whose
 *   properties are the User resource's
 *   (https://developers.arcgis.com/rest/users-groups-and-items/user/): `id`,
 *   the user's ID, is the subject, not `username`; `fullName`, `firstName`,
 *   `lastName` and `email` (whose verification Esri does not say, so it is
 *   kept unverified), `orgId` (the organization) kept with the profile;
 * - `POST https://www.arcgis.com/sharing/rest/oauth2/revokeToken` takes
 *   `auth_token` (not RFC 7009's `token`), `token_type_hint` and `client_id`,
 *   and answers `{ "success": true }`, also for a token it does not know;
 *   revoking a refresh token revokes the access tokens made from it
 *   (https://developers.arcgis.com/rest/users-groups-and-items/revoke-token/):
 *   the revoke hook sends the refresh token there.
 * Not checked against Esri's pages: the exact `error` codes of a refused
 *   code, refresh token or client (an `invalid_client…` error, or a
 *   description naming the client, is read as `invalid_client`; one naming
 *   the code, the refresh token, the redirect URI or the verifier as
 *   `invalid_grant`); whether a wrong `client_secret` is refused when the
 *   grant does not need one; `state` (sent, as RFC 6749 §4.1.1 has it) and a
 *   declined sign-in (`access_denied` assumed); the refresh token's lifetime
 *   (the answer's `refresh_token_expires_in`, two weeks unless the
 *   authorization's `expiration` asks otherwise, which is not sent; after it
 *   the person signs in again: `exchange_refresh_token` is not used). An
 *   access token ArcGIS stops taking before it ends is answered with HTTP
 *   200 and error 498, passed on as it came (successful answers are not read,
 *   as some are downloads). ArcGIS Enterprise portals are not covered.
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

const SHARING = 'https://www.arcgis.com/sharing/rest';

/**
 * A token endpoint answer carrying ArcGIS's `{ error: { code, error, error_description, message } }` (with HTTP 200)
 * rewritten as RFC 6749 §5.2's: a client refusal as 401 `invalid_client`; a refused code, refresh token, redirect URI
 * or verifier as 400 `invalid_grant`; another 4xx code as 400 with its own `error`; a 5xx code as that status.
 * Answers without such an error are left as they came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  const error = objectOf(fields?.error);
  if (!error) return rebuiltAnswer(response, response.status, text);
  const code = typeof error.code === 'number' ? error.code : response.status >= 400 ? response.status : 400;
  const name = trimmedText(error.error) ?? '';
  const description = trimmedText(error.error_description) ?? trimmedText(error.message) ?? `ArcGIS answered error ${code}`;
  if (code >= 500) return rebuiltAnswer(response, code, JSON.stringify({ error: 'server_error', error_description: description }), 'application/json');
  const client = name.startsWith('invalid_client') || name === 'unauthorized_client' || /client/i.test(description);
  const grant = !client && (name === 'invalid_grant' || /code|refresh_token|redirect_uri|verifier/i.test(description));
  const rewritten = client ? 'invalid_client' : grant ? 'invalid_grant' : name || 'invalid_request';
  return rebuiltAnswer(response, client ? 401 : 400, JSON.stringify({ error: rewritten, error_description: description }), 'application/json');
}

/**
 * The user of `/community/self`: `id` (the user's ID) as the subject, the full name (else the first and last names),
 * the names, the username, the e-mail and the organization's `orgId`; an answer without an id (ArcGIS's error body
 * among them) names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = trimmedText(user?.id);
  if (id === undefined || user!.error !== undefined) return undefined;
  return {
    id,
    ...textMembers({
      name: trimmedText(user!.fullName) ?? joinedName(user!.firstName, user!.lastName),
      given_name: user!.firstName,
      family_name: user!.lastName,
      preferred_username: user!.username,
      email: user!.email,
      org_id: user!.orgId,
    }),
  };
}

/** Revokes the refresh token (the access token without one) at `/oauth2/revokeToken` as `auth_token`, with the client's id; `{ success: true }` is revoked. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('ArcGIS revocation needs the revocation endpoint');
  const [token, hint] = request.refreshToken ? [request.refreshToken, 'refresh_token'] : [request.accessToken, 'access_token'];
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ auth_token: token, token_type_hint: hint, client_id: request.clientId, f: 'json' }).toString(),
  });
  const body = objectOf(await response.json().catch(() => undefined));
  if (response.status >= 200 && response.status < 300 && body?.success === true) return 'revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `ArcGIS refused the token revocation (HTTP ${response.status}).`);
}

export const arcgis: ProviderPreset = {
  displayName: 'ArcGIS Online',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: `${SHARING}/oauth2/authorize`,
      tokenEndpoint: `${SHARING}/oauth2/token`,
      userinfoEndpoint: `${SHARING}/community/self?f=json`,
      revocationEndpoint: `${SHARING}/oauth2/revokeToken`,
    },
    // None: ArcGIS's user sign-in has no scopes; a token acts as the user.
    scope: '',
    apiBaseUrl: SHARING,
    tokenEndpointAuthMethod: 'client_secret_post',
    omitsTokenType: true,
    subjectClaim: 'id',
    hooks: { tokenResponse, profileClaims, revoke },
  }),
};
