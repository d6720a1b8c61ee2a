/**
 * Google (OpenID Connect, with discovery). A refresh token is issued only
 * for `access_type=offline`, on the first consent, and later only when the
 * request has `prompt=consent`; each one issued counts against a limit of
 * 100 per account and client, past which the oldest stops working
 * (https://developers.google.com/identity/protocols/oauth2/web-server#offline,
 * https://developers.google.com/identity/protocols/oauth2#expiration). So
 * consent is asked only when the connection has no live refresh token.
 * Refresh tokens do not rotate; revoking either token ends the grant. One that
 * "has not been used for six months" stops working (the same #expiration
 * section): the keep-alive sweep refreshes an unused connection before 180
 * days have passed.
 * Asking for more scope later, `include_granted_scopes=true` makes the new
 * grant cover the scopes granted before as well (incremental authorization:
 * https://developers.google.com/identity/protocols/oauth2/web-server#incrementalAuth).
 * Its APIs are each on a host of their own under googleapis.com (Sheets at
 * sheets.googleapis.com, People at people.googleapis.com: each API's "Service
 * endpoint" in its REST reference), older ones on www.googleapis.com as well.
 */
import type { ProviderPreset } from './preset.js';

export const google: ProviderPreset = {
  displayName: 'Google',
  settings: () => ({
    discovery: { issuer: 'https://accounts.google.com' },
    scope: 'openid email profile',
    apiBaseUrl: 'https://www.googleapis.com',
    extraApiBaseUrls: ['https://*.googleapis.com'],
    authorizationParams: { access_type: 'offline' },
    refreshTokenNeedsConsent: true,
    incrementalAuthorizationParams: { include_granted_scopes: 'true' },
    refreshTokenIdleSeconds: 180 * 86_400,
  }),
};
