/**
 * Airtable (OAuth integrations). Plain OAuth 2.0 without discovery or an ID
 * token: the person is the `id` of `GET https://api.airtable.com/v0/meta/whoami`
 * (`usr…`), which answers their `email` with the scope `user.email:read` and,
 * for an OAuth token, the `scopes` it holds
 * (https://airtable.com/developers/web/api/get-user-id-scopes). From
 * Airtable's OAuth reference (https://airtable.com/developers/web/api/oauth-reference)
 * and guide (https://airtable.com/developers/web/guides/oauth-integrations):
 * - `GET https://airtable.com/oauth2/v1/authorize` takes a PKCE challenge, and
 *   `code_challenge_method` must be `S256`; scopes are space-separated and
 *   each must be one the integration registered;
 * - `POST https://airtable.com/oauth2/v1/token`: an integration with a client
 *   secret sends `Authorization: Basic` with base64 of `client_id:client_secret`
 *   as they are (Airtable's example integration,
 *   https://github.com/Airtable/oauth-example, encodes them so);
 * - access tokens live 60 minutes; every refresh answers a new refresh token
 *   and the one used stops working; a refresh token lasts 60 days
 *   (`refresh_expires_in`, Airtable's name for it), so the keep-alive sweep
 *   refreshes an unused connection before then;
 * - the API is https://api.airtable.com/v0.
 * The reference documents no revocation endpoint: disconnecting deletes the
 * tokens here, and the person removes the integration's access in their
 * Airtable account.
 */
import type { ProviderPreset } from './preset.js';

export const airtable: ProviderPreset = {
  displayName: 'Airtable',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://airtable.com/oauth2/v1/authorize',
      tokenEndpoint: 'https://airtable.com/oauth2/v1/token',
      userinfoEndpoint: 'https://api.airtable.com/v0/meta/whoami',
    },
    scope: 'data.records:read schema.bases:read user.email:read',
    apiBaseUrl: 'https://api.airtable.com/v0',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    refreshTokenIdleSeconds: 60 * 86_400,
    subjectClaim: 'id',
    claimNames: { email: 'email' },
  }),
};
