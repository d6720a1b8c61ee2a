/**
 * JumpCloud as an OpenID provider (a Custom OIDC App made under User
 * Authentication > SSO Applications of a JumpCloud organization, the callback
 * among its Redirect URIs, its Client Authentication Type Client Secret Basic,
 * the users who may sign in bound to it through user groups). OpenID Connect
 * with discovery. From JumpCloud's pages:
 * - the Custom OIDC App serves any relying party that takes the authorization
 *   code grant, which is always on; the Refresh Token grant is a box the
 *   administrator ticks; the app is a confidential client with a secret or a
 *   public one (https://jumpcloud.com/support/sso-with-oidc). The issuer is
 *   `https://oauth.id.jumpcloud.com/` (with its trailing slash), one for every
 *   organization, whose discovery names the endpoints
 *   (https://jumpcloud.com/support/sso-with-oidc); `<NAME>_ISSUER` names
 *   another (an organization hosted in another region), with
 *   `<NAME>_API_BASE_URL` on its host;
 * - the scopes: `openid` (required), `profile` (`given_name` and
 *   `family_name`), `email` (`email` and `email_verified`) and
 *   `offline_access`, which asks a refresh token and may be asked only when
 *   the app's Refresh Token grant is ticked
 *   (https://jumpcloud.com/support/oidc-attributes-claims). All four are
 *   asked (`offline_access` with `prompt=consent`, as OpenID Connect Core §11
 *   has it): an app without refresh tokens sets `<NAME>_SCOPE=openid profile email`;
 * - the person is the ID token's `sub`, OpenID Connect Core §2's locally
 *   unique identifier that the issuer never reassigns; one issuer serves every
 *   organization, so it is unique under it. The e-mail is stored with
 *   `email_verified` as JumpCloud sends it, the names from `given_name` and
 *   `family_name` (no `name` is listed). The access token reads `/userinfo`
 *   on the issuer's host, the API base.
 * Not checked against JumpCloud's pages: what JumpCloud puts in `sub` (the
 * user's id in JumpCloud is assumed, not the e-mail or username an
 * administrator may change); whether PKCE is checked for a confidential app
 * (an S256 challenge is sent); whether `client_secret_post` is also taken
 * (Basic is sent, as the app's Client Secret Basic, its id and secret
 * form-encoded first as RFC 6749 §2.3.1 says); the access token's
 * lifetime (an hour assumed), whether a refresh answers a new refresh token
 * and ends the old one (the newest is always kept), and how long a refresh
 * token lasts; whether discovery names a revocation endpoint (if it does,
 * disconnect revokes there as RFC 7009 says, else the tokens are deleted
 * here); how the token endpoint, a declined consent and `/userinfo` refuse
 * (RFC 6749 §5.2, `access_denied` and a 401 assumed); the other regions'
 * issuers.
 */
import type { ProviderPreset } from './preset.js';

export const jumpcloud: ProviderPreset = {
  displayName: 'JumpCloud',
  settings: () => ({
    discovery: { issuer: 'https://oauth.id.jumpcloud.com/' },
    scope: 'openid profile email offline_access',
    apiBaseUrl: 'https://oauth.id.jumpcloud.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
  }),
};
