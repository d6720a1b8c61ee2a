/**
 * Enphase (the Enphase API v4, for an application made in the Enphase
 * Developer Portal, developer-v4.enphase.com). Plain OAuth 2.0 without
 * discovery or an ID token. From Enphase's docs:
 * - the system owner is sent to `https://api.enphaseenergy.com/oauth/authorize`
 *   with `response_type=code`, `client_id` and `redirect_uri`; there are no
 *   scopes (the application's plan and access controls, chosen in the portal,
 *   say what it may read) (https://developer-v4.enphase.com/docs/quickstart.html);
 * - `POST https://api.enphaseenergy.com/oauth/token` with `grant_type`,
 *   `redirect_uri` and `code`, or `refresh_token`, the client as HTTP Basic
 *   (base64 of `client_id:client_secret`). The answer is `access_token`,
 *   `token_type: "bearer"`, `refresh_token`, `expires_in` (an access token
 *   lasts a day), `scope` (`read write`), `enl_uid` (the Enlighten user the
 *   token acts for), `enl_cid`, `enl_password_last_changed`,
 *   `is_internal_app`, `app_type` and `jti` (https://developer-v4.enphase.com/docs/quickstart.html).
 *   There is no profile call: the person is `enl_uid` (the
 *   tokenResponseProfile hook), with no name or e-mail. Refresh tokens last
 *   30 days (https://developer-v4.enphase.com/docs/release_notes), so the
 *   keep-alive sweep refreshes a connection left unused before then;
 * - every API call carries the application's API key beside the token as
 *   Bearer (https://developer-v4.enphase.com/docs/quickstart.html), as the
 *   `key` query parameter (the Monitoring API's OpenAPI description,
 *   https://developer-v4.enphase.com/swagger/spec/System_API.json): the preset takes it
 *   as `<NAME>_X_API_KEY` and adds it to each call (apiQueryParameters), in
 *   place of any key a caller sends. The API is
 *   `https://api.enphaseenergy.com/api/v4` (`/systems`, `/systems/{id}/summary`…),
 *   answering 401 `{ message, details, code }` to a token it does not take.
 * Not checked against Enphase's pages: the name and place of the API key
 * (`key`, in the query) were read from a public copy of that OpenAPI
 * description, not from Enphase's own copy; whether the token endpoint takes its
 * parameters in a form body (RFC 6749 §4.1.3's form is sent; Enphase's
 * examples put them in the query); whether `state` is sent back (RFC 6749
 * has it, and it is sent); whether a refresh answers a new refresh token and
 * what becomes of the one used (whichever is answered is kept); the token
 * endpoint's refusals, assumed RFC 6749's `{ error, error_description }`.
 * Enphase documents no revocation: a disconnect deletes the tokens here only.
 */
import { type ProviderPreset } from './preset.js';

/**
 * The Enlighten user of the token answer: `enl_uid` (a string of digits in
 * Enphase's example, taken as a string whether sent as one or as a number);
 * an answer without one names no one, and the sign-in fails. Never a token.
 */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const uid = answer.enl_uid;
  const id = typeof uid === 'number' && Number.isSafeInteger(uid) ? String(uid) : uid;
  if (typeof id !== 'string' || !/^\d+$/.test(id)) return undefined;
  return { enl_uid: id };
}

export const enphase: ProviderPreset = {
  displayName: 'Enphase',
  values: { apiKey: 'required' },
  settings: ({ apiKey }) => ({
    endpoints: {
      authorizationEndpoint: 'https://api.enphaseenergy.com/oauth/authorize',
      tokenEndpoint: 'https://api.enphaseenergy.com/oauth/token',
    },
    scope: '',
    apiBaseUrl: 'https://api.enphaseenergy.com/api/v4',
    ...(apiKey ? { apiQueryParameters: { key: apiKey } } : {}),
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    pkce: false,
    subjectClaim: 'enl_uid',
    refreshTokenIdleSeconds: 30 * 86_400,
    hooks: { tokenResponseProfile },
  }),
};
