/**
 * Microsoft Entra ID (the Microsoft identity platform, v2.0 endpoints), for
 * work or school accounts and personal Microsoft accounts. `<NAME>_TENANT`
 * is `common` (the default: any account), `organizations`, `consumers`, or
 * a tenant's id or domain
 * (https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols#endpoints).
 * Its departures, from Microsoft's docs:
 * - the discovery document of `common` and `organizations` names the issuer
 *   `https://login.microsoftonline.com/{tenantid}/v2.0`, a template: each ID
 *   token's `iss` carries the person's own tenant (its `tid` claim)
 *   (https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference).
 *   openid-client accepts exactly this for login.microsoftonline.com, checking
 *   every ID token's `iss` against the template filled with its `tid`;
 * - `offline_access` brings a refresh token without `prompt=consent`, and
 *   refresh tokens are replaced on every refresh; each lives 90 days (24 hours
 *   for a redirect URI registered as a single-page app, which this server's
 *   callback is not), a lifetime no policy changes, so the keep-alive sweep
 *   refreshes an unused connection before its refresh token's 90 days end
 *   (https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens);
 * - the `email` claim is not verified by Microsoft, so it is not marked verified;
 * - there is no revocation endpoint: disconnecting deletes the tokens here only.
 * The API base is Microsoft Graph; userinfo is Graph's /oidc/userinfo.
 */
import type { ProviderPreset } from './preset.js';

export const microsoft: ProviderPreset = {
  displayName: 'Microsoft',
  values: { tenant: 'optional' },
  settings: ({ tenant }) => ({
    discovery: { issuer: `https://login.microsoftonline.com/${tenant ?? 'common'}/v2.0` },
    scope: 'openid profile email offline_access User.Read',
    apiBaseUrl: 'https://graph.microsoft.com',
    // Graph's advanced queries ($count, $search, `ne`…) need `ConsistencyLevel: eventual`
    // (https://learn.microsoft.com/en-us/graph/aad-advanced-queries); `client-request-id` and the answer's
    // `request-id` trace a call for Microsoft's support (https://learn.microsoft.com/en-us/graph/best-practices-concept#reliability-and-support).
    proxyHeaders: { request: ['consistencylevel', 'client-request-id'], response: ['request-id', 'client-request-id'] },
    refreshTokenNeedsConsent: false,
    refreshTokenIdleSeconds: 90 * 86_400,
  }),
};
