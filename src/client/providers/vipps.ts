/**
 * Vipps MobilePay Login (the Login API, for a sales unit with Login set up
 * in the Vipps MobilePay business portal; Vipps in Norway and Sweden,
 * MobilePay in Denmark and Finland, one API). OpenID Connect with
 * discovery. From Vipps MobilePay's docs
 * (https://developer.vippsmobilepay.com/docs/APIs/login-api/api-guide/integration,
 * https://developer.vippsmobilepay.com/docs/APIs/login-api/api-guide/core-concepts):
 * - the issuer is `https://api.vipps.no/access-management-1.0/access/`
 *   (the test environment's `https://apitest.vipps.no/access-management-1.0/access/`,
 *   set with `<NAME>_ISSUER`), its discovery document under
 *   `.well-known/openid-configuration`, which apps should read rather than
 *   fix the endpoints; the authorize endpoint takes `response_type=code`,
 *   `client_id`, `redirect_uri` (exactly as registered on the sales unit),
 *   a space-separated `scope` and a `state` of at least 8 characters, and
 *   PKCE (`S256` or `plain`); a person who cancels comes back with
 *   `error=access_denied`;
 * - the scopes are `openid`, `name`, `email`, `phoneNumber`, `address`,
 *   `birthDate`, `nin` (by application) and `delegatedConsents`; the person
 *   consents to all of them or none;
 * - `POST …/oauth2/token` takes the code with the client as HTTP Basic of
 *   `base64(client_id:client_secret)`, the two joined as they are (Vipps's
 *   own example encodes no character first), the default method;
 *   `client_secret_post` only when chosen on the sales unit in the portal.
 *   The answer is `access_token`, `id_token`, `expires_in` (3599: an
 *   hour), `scope` and `token_type: "bearer"`; a refused client is a 401.
 *   Login does not support refresh tokens, so the connection ends with its
 *   access token;
 * - `sub` is the person's id at this merchant (pairwise: other merchants
 *   get another for the same person), which Vipps says does not change;
 *   the userinfo endpoint (`https://api.vipps.no/vipps-userinfo-api/userinfo`,
 *   named by discovery) answers OpenID Connect's claims for what was
 *   consented to: `name`, `given_name`, `family_name`, `email` with
 *   `email_verified`, `phone_number`, `address`, `birthdate`…
 *   (https://developer.vippsmobilepay.com/docs/APIs/login-api/api-guide/important-information);
 * - the discovery document names a `revocation_endpoint` (`…/oauth2/revoke`),
 *   which disconnect posts the access token to as RFC 7009 has it.
 * Not checked against Vipps MobilePay's own pages: what the revocation
 * endpoint answers and whether it ends the token (RFC 7009 is assumed);
 * the body of a refused token request (RFC 6749 §5.2's `error` is
 * assumed); whether an `Ocp-Apim-Subscription-Key` or the
 * `Vipps-System-*` headers are wanted by Login's endpoints (none is sent).
 */
import type { ProviderPreset } from './preset.js';

export const vipps: ProviderPreset = {
  displayName: 'Vipps MobilePay',
  settings: () => ({
    discovery: { issuer: 'https://api.vipps.no/access-management-1.0/access/' },
    scope: 'openid name email phoneNumber',
    apiBaseUrl: 'https://api.vipps.no',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
  }),
};
