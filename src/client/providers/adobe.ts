/**
 * Adobe (an OAuth Web App credential of a project in the Adobe Developer
 * Console, signing in with an Adobe ID at Adobe IMS). OpenID Connect, from
 * Adobe's IMS reference
 * (https://developer.adobe.com/developer-console/docs/guides/authentication/UserAuthentication/ims):
 * - discovery is at `https://ims-na1.adobelogin.com/ims/.well-known/openid-configuration`,
 *   under `/ims`, while the document's `issuer` is
 *   `https://ims-na1.adobelogin.com`: the issuer with OpenID Connect
 *   Discovery §4's suffix is not where the document is, so the document's
 *   own URL is what the preset reads (openid-client then takes its issuer as
 *   it says, and checks ID tokens against it). It names `/ims/authorize/v2`,
 *   `/ims/token/v3`, `/ims/userinfo/v2`, `/ims/revoke` and the RS256 keys at
 *   `/ims/keys`;
 * - the scope asked is `openid AdobeID offline_access email profile`:
 *   `openid` and `AdobeID` for the Adobe ID, `offline_access` for a refresh
 *   token (IMS issues one only with it, and only some APIs allow it),
 *   `email` and `profile` for the e-mail and name. A credential that calls
 *   an API adds that API's scopes with `<NAME>_SCOPE` (e.g. `creative_sdk`
 *   for Photoshop and Lightroom, `read_organizations
 *   additional_info.projectedProductContext` for Analytics), as the Developer
 *   Console lists them for the credential;
 * - a Web App credential is confidential: the token endpoint takes the
 *   client as HTTP Basic of `base64(client_id:client_secret)`, sent as they
 *   are. PKCE (required only of public clients) is sent, S256;
 * - the token answer is `access_token` (24 hours, `expires_in: 86399`),
 *   `refresh_token` (14 days), `id_token`, `sub` and `token_type: "bearer"`.
 *   A refresh answers a refresh token too, kept in place of the old; each
 *   lives 14 days, so the keep-alive sweep refreshes a connection nobody
 *   used within them;
 * - the person is the ID token's `sub`, IMS's user id (two hex strings
 *   joined by `@`), with `name`, `email` and `email_verified` from userinfo;
 * - Adobe's APIs are each on a host under adobe.io (Photoshop at
 *   `https://image.adobe.io`, Lightroom at `https://lr.adobe.io`, Analytics
 *   at `https://analytics.adobe.io`…), and each call carries the client id as
 *   `x-api-key` beside the access token; IMS's own API (organizations,
 *   userinfo) is the default base;
 * - `POST /ims/revoke` (RFC 7009) with the client as Basic and `token`
 *   revokes the refresh token and then the access token; the person may also
 *   remove the app from Connected Applications in their Adobe account.
 * Not checked against Adobe's pages: the token endpoint's error codes for a
 * refused code or refresh token and a wrong secret (RFC 6749 §5.2's are
 * assumed), whether a spent refresh token still works (the new one is used
 * either way), whether revoking the refresh token also ends its access tokens,
 * and the IMS hosts of other regions (`ims-na1` serves every region for
 * user authentication, as far as the docs show).
 */
import type { ProviderPreset } from './preset.js';

/** Fourteen days, the life of an IMS refresh token. */
const REFRESH_TOKEN_LIFETIME = 14 * 24 * 60 * 60;

export const adobe: ProviderPreset = {
  displayName: 'Adobe',
  settings: () => ({
    discovery: { metadataUrl: 'https://ims-na1.adobelogin.com/ims/.well-known/openid-configuration' },
    scope: 'openid AdobeID offline_access email profile',
    apiBaseUrl: 'https://ims-na1.adobelogin.com',
    extraApiBaseUrls: ['https://*.adobe.io'],
    clientIdHeader: 'x-api-key',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    refreshTokenIdleSeconds: REFRESH_TOKEN_LIFETIME,
  }),
};
