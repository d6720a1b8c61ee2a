/**
 * Microsoft Entra External ID in an external tenant (the customer-facing
 * configuration, sign-in at `<tenant>.ciamlogin.com`), as opposed to the
 * `microsoft` preset's workforce tenants and personal accounts at
 * login.microsoftonline.com. `<NAME>_TENANT` is the external tenant's
 * subdomain, the `contoso` of `contoso.ciamlogin.com` and
 * `contoso.onmicrosoft.com` (either full name is taken too). Its departures,
 * from Microsoft's docs:
 * - an external tenant signs in at `{tenantname}.ciamlogin.com`, not
 *   login.microsoftonline.com, and its discovery document, at
 *   `https://{tenantname}.ciamlogin.com/{tenant}/v2.0/.well-known/openid-configuration`,
 *   names the issuer `https://{tenantid}.ciamlogin.com/{tenantid}/v2.0`: the
 *   tenant's id (a GUID), not its name. So the preset reads the document at the
 *   tenant's own host (`{tenantname}.onmicrosoft.com` as the tenant, as MSAL
 *   makes a CIAM authority from a host alone), whose issuer every ID token's
 *   `iss` must then equal
 *   (https://learn.microsoft.com/en-us/entra/identity-platform/security-tokens#validate-tokens,
 *   https://azuread.github.io/microsoft-authentication-library-for-objc/Classes/MSALCIAMAuthority.html);
 *   the issuer is one tenant's, never the `{tenantid}` template of `common`;
 * - the people are the tenant's own customers (sign-up by e-mail and password
 *   or one-time code, or a social account), never another tenant's or a
 *   personal Microsoft account, and they cannot consent to permissions: an
 *   administrator grants the app's (openid, offline_access, profile, email).
 *   So the preset asks for no Graph permission such as `User.Read`;
 * - the protocol is the identity platform's v2.0 one, as for `microsoft`:
 *   `offline_access` brings a refresh token without `prompt=consent`, a new
 *   one with every refresh, the old one usable until it expires, each for 90
 *   days, so the keep-alive sweep refreshes an unused connection before then
 *   (https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens);
 *   the person is the pairwise `sub`; the `email` claim comes with no
 *   `email_verified`, so it is not marked verified
 *   (https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference);
 * - there is no revocation endpoint: disconnecting deletes the tokens here only.
 * The API base is Microsoft Graph, where userinfo is (`/oidc/userinfo`).
 * Not checked against Microsoft's own pages: that `{tenantname}.onmicrosoft.com`
 * is answered as the tenant in the discovery path (Microsoft's page shows the
 * tenant id there; `<NAME>_SERVER_METADATA_URL` takes that form, or a custom
 * URL domain's), and that the refresh-token page's 90 days apply unchanged to
 * external tenants.
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** `contoso`, from `contoso`, `contoso.onmicrosoft.com` or `contoso.ciamlogin.com`. */
function externalTenantSubdomain(tenant: string): string {
  return withoutTrailingSlash(tenant).replace(/\.(onmicrosoft|ciamlogin)\.com$/i, '');
}

export const entra_external_id: ProviderPreset = {
  displayName: 'Microsoft Entra External ID',
  values: { tenant: 'issuer' },
  settings: ({ tenant }) => {
    const subdomain = externalTenantSubdomain(tenant ?? '');
    return {
      discovery: { metadataUrl: `https://${subdomain}.ciamlogin.com/${subdomain}.onmicrosoft.com/v2.0/.well-known/openid-configuration` },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://graph.microsoft.com',
      // As for the microsoft preset: Graph's tracing headers (https://learn.microsoft.com/en-us/graph/best-practices-concept#reliability-and-support).
      proxyHeaders: { request: ['consistencylevel', 'client-request-id'], response: ['request-id', 'client-request-id'] },
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 90 * 86_400,
    };
  },
};
