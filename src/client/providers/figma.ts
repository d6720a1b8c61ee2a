/**
 * Figma (OAuth apps of the REST API,
 * https://developers.figma.com/docs/rest-api/authentication). Plain OAuth 2.0
 * without discovery or an ID token. From Figma's docs and its OpenAPI
 * description of the REST API (https://github.com/figma/rest-api-spec,
 * `components.securitySchemes.OAuth2`):
 * - `GET https://www.figma.com/oauth` authorizes; the code is exchanged at
 *   `POST https://api.figma.com/v1/oauth/token`, and refresh tokens are
 *   spent at an endpoint of their own, `POST https://api.figma.com/v1/oauth/refresh`
 *   (the spec's `refreshUrl`), where the general refreshEndpoint sends them.
 *   The former `https://www.figma.com/api/oauth/token` was retired in
 *   February 2025 (as https://community.auth0.com/t/figma-tokenurl-migration/182728
 *   relays Figma's notice);
 * - scopes (https://developers.figma.com/docs/rest-api/scopes) are granular:
 *   `current_user:read` ("Read your name, email, and profile image") is what
 *   `GET /v1/me` needs, and is the default here; an app adds the ones its
 *   calls need (`file_content:read`, `file_comments:read`…) in
 *   `<NAME>_SCOPE`, and must have selected them for the app when publishing
 *   it (https://developers.figma.com/docs/rest-api/republish-oauth-apps).
 *   `files:read` is deprecated but still works;
 * - the person is the `id` ("unique stable id of the user") of
 *   `GET https://api.figma.com/v1/me`, which also answers `handle` (the
 *   name), `img_url` and `email`; whether the e-mail was verified is not
 *   said, so it is kept with its verification unknown;
 * - the REST API refuses with HTTP 403 and `{ "status": 403, "err": "…" }`
 *   (the spec's ForbiddenErrorResponseWithErrMessage; it lists no 401): the
 *   tokenRejected hook reads a 403 whose `err` is "Invalid token" as a 401,
 *   so the token is refreshed, and leaves every other 403 (a file the person
 *   cannot see, a scope not granted) to the caller.
 * Not found in Figma's documentation through the sources above, and taken
 * from how Figma's clients use the endpoints: the `err` "Invalid token" for
 * an access token the API does not take, the client authenticates with
 * HTTP Basic (its id and secret as they are), a PKCE challenge (S256) is
 * accepted, scopes are sent space-separated (RFC 6749 §3.3), the code
 * exchange answers `access_token`, `token_type: "bearer"`, `expires_in`
 * (90 days), `refresh_token` and `user_id_string`, a refresh answers a new
 * access token and no new refresh token (the one held is kept; an answer
 * without `token_type` is read as Bearer: omitsTokenType), and the
 * token endpoints refuse with Figma's own `{ "error": true, "status",
 * "message" }`, which the tokenResponse hook reads into RFC 6749 §5.2 codes
 * (401 and 403, or a message about the client: `invalid_client`; any other
 * 400: `invalid_grant`, as every parameter is always sent). How long a
 * refresh token lives unused is not said, so no idle lifetime is set; Figma
 * documents no revocation endpoint, so disconnect deletes the tokens here and
 * the person removes the app in their Figma settings.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** The RFC 6749 §5.2 code for one of Figma's `{ error: true, status, message }` refusals. */
function errorCode(status: number, message: string): string {
  if (status === 401 || status === 403 || /\bclient/i.test(message)) return 'invalid_client';
  return status === 400 ? 'invalid_grant' : 'invalid_request';
}

/**
 * Figma's own refusals at its token and refresh endpoints as RFC 6749 §5.2's
 * `{ error, error_description }`; anything else as it came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status >= 500) return response;
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status < 400 || !fields || fields.error !== true) return rebuiltAnswer(response, response.status, text);
  const message = typeof fields.message === 'string' ? fields.message : '';
  const answer = { error: errorCode(response.status, message), ...(message ? { error_description: message } : {}) };
  return rebuiltAnswer(response, response.status, JSON.stringify(answer), 'application/json');
}

/** A 403 from the REST API that says the access token itself is not taken, not that it may not see what was asked. */
async function tokenRejected(response: Response): Promise<boolean> {
  if (response.status !== 403) return false;
  const { fields } = await readTokenEndpointBody(response);
  return typeof fields?.err === 'string' && /^invalid token$/i.test(fields.err.trim());
}

export const figma: ProviderPreset = {
  displayName: 'Figma',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.figma.com/oauth',
      tokenEndpoint: 'https://api.figma.com/v1/oauth/token',
      refreshEndpoint: 'https://api.figma.com/v1/oauth/refresh',
      userinfoEndpoint: 'https://api.figma.com/v1/me',
    },
    scope: 'current_user:read',
    apiBaseUrl: 'https://api.figma.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    subjectClaim: 'id',
    claimNames: { name: 'handle', email: 'email' },
    omitsTokenType: true,
    hooks: { tokenResponse, tokenRejected },
  }),
};
