/**
 * SAP Cloud Identity Services (Identity Authentication; OpenID Connect, with
 * discovery). `<NAME>_BASE_URL` is required: the tenant's URL,
 * `https://<tenant ID>.accounts.ondemand.com` (or `….accounts.cloud.sap`, or
 * its custom domain), which is also the issuer; its discovery document names
 * `/oauth2/authorize`, `/oauth2/token`, `/oauth2/userinfo`, `/oauth2/revoke`
 * (RFC 7009) and `/oauth2/certs`. Discovery is asked with the client's
 * `client_id`: a tenant with "Enforce Compliant OIDC Issuer" answers a
 * discovery request without it with an issuer that has no protocol, which no
 * OpenID Connect client accepts
 * (https://github.com/SAP-docs/btp-cloud-identity-services/blob/main/docs/Operation-Guide/call-identity-authentication-discovery-endpoint-c297516.md).
 * - The client is an OpenID Connect application, its client ID and a secret
 *   for API authentication, sent by Basic (form-encoded, as the token
 *   endpoint's page asks); PKCE S256 is sent, which "Enforce PKCE (S256)"
 *   requires (https://github.com/SAP-docs/btp-cloud-identity-services/blob/main/docs/Operation-Guide/configure-the-client-to-call-identity-authentication-token-endpoint-for-authorization-cod-3a74ef8.md,
 *   https://github.com/SAP-docs/btp-cloud-identity-services/blob/main/docs/Operation-Guide/configure-openid-connect-oidc-application-for-authorization-code-flow-4a94254.md).
 * - The scopes: `openid profile email offline_access`. Without
 *   `offline_access` the refresh token is deleted when the person signs out
 *   of their Identity Authentication session; with it, it lives until it
 *   expires (https://github.com/SAP-docs/btp-cloud-identity-services/blob/main/docs/Operation-Guide/configure-the-client-to-call-identity-authentication-authorize-endpoint-for-authorization-94ff0b4.md,
 *   https://github.com/SAP-docs/btp-cloud-identity-services/blob/main/docs/Operation-Guide/token-policy-configuration-for-applications-c4ba52e.md). No consent
 *   prompt is sent: the pages name none for `offline_access`.
 * - The person is `sub`, the application's "Subject Name Identifier",
 *   which is the user's User ID (`P123456`) unless the application says
 *   otherwise (https://github.com/SAP-docs/btp-cloud-identity-services/blob/main/docs/Operation-Guide/configure-the-subject-name-identifier-sent-to-the-application-1d020e3.md).
 *   The pages' ID token and userinfo examples name the person `first_name`,
 *   `last_name` and `mail`: read as `given_name`, `family_name` and
 *   `email` where the OpenID Connect names are absent
 *   (https://github.com/SAP-docs/btp-cloud-identity-services/blob/main/docs/Operation-Guide/call-identity-authentication-userinfo-endpoint-29e4869.md).
 * - Tokens, by the default token policy: access and ID tokens 60 minutes,
 *   refresh tokens 12 hours; a refresh token is single-use, each refresh
 *   answering a new one that invalidates the old at once ("Refresh Token Usage
 *   After Renewal": Off), which the core keeps in place of the old
 *   (https://github.com/SAP-docs/btp-cloud-identity-services/blob/main/docs/Operation-Guide/call-identity-authentication-refresh-token-c62c09e.md, and the token
 *   policy page above). A wrong client secret is a 401.
 * - Disconnect revokes at `/oauth2/revoke`, which ends every access and
 *   refresh token of the client for the person's session
 *   (https://github.com/SAP-docs/btp-cloud-identity-services/blob/main/docs/Operation-Guide/call-identity-authentication-revoke-token-endpoint-3501e42.md).
 * - The API base is the tenant, whose `/oauth2/userinfo` takes the token and
 *   answers one it does not take (expired, for one) with 400, not 401 (the
 *   userinfo page above): the proxy passes that on as it is, and refreshes
 *   with the token's expiry instead.
 * Not checked against SAP's own pages: the `error` code of the 400 that
 * refuses a refresh token (the pages say "Missing or wrong parameter"; RFC
 * 6749 §5.2's `invalid_grant` is what the core reads as needing a new
 * sign-in), whether a renewed refresh token gets its own 12 hours (so no
 * keep-alive is set), and `email_verified`, which the examples do not carry.
 */
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** The pages' `first_name`, `last_name` and `mail` as OpenID Connect Core §5.1's names, where those are absent. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const info = objectOf(body);
  if (!info) return undefined;
  const claims: Record<string, unknown> = { ...info };
  if (typeof info.first_name === 'string' && info.given_name === undefined) claims.given_name = info.first_name;
  if (typeof info.last_name === 'string' && info.family_name === undefined) claims.family_name = info.last_name;
  if (typeof info.mail === 'string' && info.email === undefined) claims.email = info.mail;
  return claims;
}

export const sap_cloud_identity: ProviderPreset = {
  displayName: 'SAP Cloud Identity Services',
  values: { baseUrl: 'issuer' },
  settings: ({ baseUrl }, client) => {
    const tenant = withoutTrailingSlash(baseUrl ?? '');
    const query = client ? `?client_id=${encodeURIComponent(client.clientId)}` : '';
    return {
      // With the client named, a tenant that enforces a compliant issuer answers it with its protocol.
      discovery: { metadataUrl: `${tenant}/.well-known/openid-configuration${query}` },
      scope: 'openid profile email offline_access',
      ...(baseUrl ? { apiBaseUrl: tenant } : {}),
      tokenEndpointAuthMethod: 'client_secret_basic',
      // offline_access keeps the refresh token past the person's sign-out; the pages name no consent prompt for it.
      refreshTokenNeedsConsent: false,
      hooks: { profileClaims },
    };
  },
};
