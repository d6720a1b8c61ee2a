/**
 * Smartcar (an application registered in the Smartcar Dashboard; a person
 * connects their vehicles through Smartcar Connect). Plain OAuth 2.0 with
 * explicit endpoints: no discovery, no ID token. From Smartcar's docs:
 * - `GET https://connect.smartcar.com/oauth/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (one registered in the Dashboard), a
 *   space-separated `scope` of Smartcar permissions (`read_vehicle_info`,
 *   `read_odometer`…; optional unless prefixed `required:`) and `state`; a
 *   refusal goes back with `error` and `error_description`, e.g.
 *   `access_denied` (https://smartcar.com/docs/connect/redirect-to-connect,
 *   https://smartcar.com/docs/connect/handle-the-response); the code lasts
 *   10 minutes;
 * - `POST https://auth.smartcar.com/oauth/token`, a form, the client by
 *   `Authorization: Basic` of `client_id:client_secret`, with a User-Agent;
 *   the answer is `access_token`, `token_type: "Bearer"`, `expires_in` (always
 *   7200: two hours) and `refresh_token`, which expires after 60 days; no
 *   `scope`, so the scope asked for is kept
 *   (https://smartcar.com/docs/api-reference/authorization/auth-code-exchange).
 *   Each refresh answers a new access token and a new refresh token, kept in
 *   place of the old; the one used is invalidated a minute after its use, and
 *   a connection left unused for 60 days must sign in again, so the keep-alive
 *   sweep refreshes it before then
 *   (https://smartcar.com/docs/api-reference/authorization/token-refresh,
 *   https://smartcar.com/docs/connect/token-management/refresh-refresh-token).
 *   Refusals are `invalid_client` and `invalid_grant`
 *   (https://smartcar.com/docs/guides/error-handling/);
 * - the API is `https://api.smartcar.com/v2.0` with the token as Bearer,
 *   answering 401 with `type: "AUTHENTICATION"` to a token it does not take
 *   (https://smartcar.com/docs/errors/api-errors/authentication-errors); the
 *   person is `GET /user`, whose `id` (a UUID) is the stable id Smartcar
 *   says to store the tokens under
 *   (https://smartcar.com/docs/api-reference/user). Smartcar gives no name
 *   or e-mail.
 * Not checked against Smartcar's own pages: a revocation of the token as a
 * whole (Smartcar disconnects one vehicle at a time with
 * `DELETE /vehicles/{id}/application`, and its Management API takes the
 * application's management token, not the person's: the preset revokes
 * nothing, and the person disconnects vehicles in their Smartcar account);
 * the HTTP status of the token endpoint's refusals (RFC 6749's are assumed);
 * whether PKCE is taken (none is sent). The Vehicles API v2.0 is being
 * replaced by v3, whose application-level tokens are another flow; the
 * person's tokens of this flow, Smartcar says, keep working
 * (https://smartcar.com/docs/getting-started/how-to/m2m/faq).
 */
import type { ProviderPreset } from './preset.js';

export const smartcar: ProviderPreset = {
  displayName: 'Smartcar',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://connect.smartcar.com/oauth/authorize',
      tokenEndpoint: 'https://auth.smartcar.com/oauth/token',
      userinfoEndpoint: 'https://api.smartcar.com/v2.0/user',
    },
    scope: 'read_vehicle_info',
    apiBaseUrl: 'https://api.smartcar.com/v2.0',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    pkce: false,
    refreshTokenIdleSeconds: 60 * 86_400,
    subjectClaim: 'id',
  }),
};
