/**
 * OCI IAM identity domains (Oracle Cloud Infrastructure's identity service,
 * formerly Oracle Identity Cloud Service; OpenID Connect with discovery).
 * `<NAME>_BASE_URL` is required: the identity domain's URL,
 * `https://idcs-<id>.identity.oraclecloud.com`, whose discovery document is
 * at `/.well-known/openid-configuration` and names `/oauth2/v1/authorize`,
 * `/oauth2/v1/token`, `/oauth2/v1/userinfo` and `/oauth2/v1/revoke`
 * (https://docs.oracle.com/en-us/iaas/Content/Identity/api-getstarted/usingopenidconnect.htm,
 * https://docs.oracle.com/en/cloud/paas/identity-cloud/rest-api/op-admin-v1-me-get.html).
 * The document is read at that URL, not found from an issuer: Oracle's pages
 * name the issuer both `https://identity.oraclecloud.com/` and the domain's
 * URL, and the ID token is checked against the one the document names.
 * - The client is a confidential application of the domain, its client ID
 *   and secret sent by Basic as they are (RFC 7617), not form-encoded: the
 *   examples' header decodes to the id and a secret with its `-` unencoded
 *   (the discovery example names `client_secret_basic` and
 *   `client_secret_jwt`, no `client_secret_post`); the
 *   callback among its redirect URLs, with the Authorization code and Refresh
 *   token grant types allowed (same pages;
 *   https://docs.oracle.com/en/cloud/paas/application-integration/integrations-user/step-3-check-refresh-settings-integrated-applications.html).
 * - The scopes: `openid profile email offline_access`. A refresh token comes
 *   with `offline_access` once the application allows the Refresh token grant
 *   (https://docs.oracle.com/cd/G18302_01/English/api/D142284.html); no consent
 *   prompt is sent for it.
 * - The person is the ID token's `user_id`, the user's GUID in the domain
 *   (`idTokenSubjectClaim`), not its `sub`, which is the user's login ID and
 *   can be changed; `profile` gives `name`, `given_name`, `family_name` and
 *   `preferred_username`, `email` gives `email` and `email_verified`, at
 *   userinfo, whose `sub` is the login ID again (the first page above).
 * - Access tokens last an hour by default; a refresh token is single-use,
 *   each refresh answering a new one, which the core keeps
 *   (https://docs.oracle.com/en/cloud/paas/process-automation/rest-api-proca/OAuth_refreshtoken.html,
 *   https://docs.oracle.com/en/industries/energy-water/integration-hub/standalone-application-sso-configuration-guide/offline-data-access.html).
 * - Disconnect revokes at `/oauth2/v1/revoke` (RFC 7009), which discovery names.
 * - The API base is the domain's URL (`/oauth2/v1/userinfo`, and the identity
 *   domains REST API, `/admin/v1/Me`, for a token with its scopes).
 * Not checked against Oracle's own pages: how long a refresh token lives (the
 *   application's setting; no keep-alive is set: `<NAME>_REFRESH_TOKEN_IDLE_DAYS`);
 *   whether the spent refresh token stops working at once (the emulator ends
 *   it); what revoking a refresh token does to its access token (the emulator
 *   ends both); the bodies of the token endpoint's refusals (the RFC 6749 §5.2
 *   codes are what the core reads); and a domain with back-channel logout,
 *   whose logout token would name the login ID, not the account's `user_id`.
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

export const oracle_identity_domains: ProviderPreset = {
  displayName: 'OCI IAM identity domains',
  values: { baseUrl: 'issuer' },
  settings: ({ baseUrl }) => {
    const domain = withoutTrailingSlash(baseUrl ?? '');
    return {
      // Read at the domain's URL: the document's issuer is not the domain's URL everywhere.
      discovery: { metadataUrl: `${domain}/.well-known/openid-configuration` },
      scope: 'openid profile email offline_access',
      ...(baseUrl ? { apiBaseUrl: domain } : {}),
      tokenEndpointAuthMethod: 'client_secret_basic',
      // The examples' Basic header is the id and secret as they are, the secret's `-` unencoded.
      basicCredentials: 'plain',
      // offline_access with the Refresh token grant brings the refresh token: no prompt=consent.
      refreshTokenNeedsConsent: false,
      // The ID token's `sub` is the login ID; `user_id` is the user's GUID.
      idTokenSubjectClaim: 'user_id',
    };
  },
};
