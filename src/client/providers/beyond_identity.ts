/**
 * Beyond Identity (an application in a realm of a Beyond Identity tenant, its
 * External Protocol set to OIDC, Confidential, the Authorization Code grant,
 * the callback among its Redirect URIs). OpenID Connect with discovery;
 * `<NAME>_BASE_URL` is the application's Issuer as its External Protocol tab
 * shows it, `https://auth-{us|eu}.beyondidentity.com/v1/tenants/{tenant}/realms/{realm}/applications/{application}`,
 * whose discovery document is under it
 * (https://developer.beyondidentity.com/docs/next-auth,
 * its Discovery Endpoint and Issuer). From Beyond Identity's pages:
 * - the application's `/authorize` takes `response_type=code`, `client_id`,
 *   `redirect_uri`, `scope` (`openid` and the application's allowed scopes),
 *   `state` and PKCE's S256 challenge, which Beyond Identity recommends (the
 *   application's PKCE setting then S256); `/token` takes the code with the
 *   client as HTTP Basic, and answers `access_token`, `token_type`,
 *   `expires_in` (a day by default), `scope` and the `id_token`, with a
 *   `refresh_token` when the application's Enable Refresh Tokens is on
 *   (https://developer.beyondidentity.com/docs/create-api-token,
 *   https://developer.beyondidentity.com/docs/enable-refresh-tokens). Only
 *   `openid` is asked: the other scopes are the application's resource
 *   server's, which an app asking more sets in `<NAME>_SCOPE`;
 * - the person is the ID token's `sub`, filled from the principal's property
 *   the application's Token Configuration Subject names, `id` by default
 *   (email and username are the other choices, changeable and not to be
 *   used here) (https://developer.beyondidentity.com/docs/session-management-console);
 *   an identity is its realm's, and the issuer is one application of one
 *   realm, so `sub` is unique under it. `/userinfo` answers `sub`, and
 *   `name`, `preferred_username` and `email` when the identity has them
 *   (https://developer.beyondidentity.com/docs/hosted-add-authentication);
 *   the e-mail carries no verification, so it is kept unverified;
 * - Beyond Identity's `/revoke` (RFC 7009) takes the client's Basic
 *   credentials only for applications whose Protocol is OAuth2: an OIDC
 *   application's tokens are revoked with a management API token holding
 *   `tokens:delete` (https://developer.beyondidentity.com/docs/revoke-access-tokens),
 *   which the preset does not hold, so no revocation is asked for.
 * Not checked against Beyond Identity's pages: the discovery document's
 * members past the endpoints above (its `jwks_uri` and whether it names a
 * revocation endpoint; if it does, a disconnect's revocation with the
 * client's credentials is refused there and the tokens are deleted here all
 * the same); whether a refresh answers a new refresh token (the newest is
 * kept) and how the token endpoint refuses (RFC 6749 §5.2 assumed); a
 * declined authorization (`access_denied` assumed).
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

export const beyond_identity: ProviderPreset = {
  displayName: 'Beyond Identity',
  values: { baseUrl: 'issuer' },
  settings: ({ baseUrl }) => {
    const issuer = withoutTrailingSlash(baseUrl ?? '');
    return {
      discovery: { issuer },
      scope: 'openid',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
    };
  },
};
