/**
 * BankID Norway's OpenID Connect provider (BankID OIDC, for a client
 * provisioned through a BankID partner, the callback among its redirect
 * URIs). From BankID's developer pages (https://developer.bankid.no/bankid-oidc-provider/):
 * - Discovery at `https://auth.bankid.no/auth/realms/prod/.well-known/openid-configuration`
 *   in production and `https://auth.current.bankid.no/auth/realms/current/…`
 *   in the Current test environment (`<NAME>_ISSUER`)
 *   (https://developer.bankid.no/bankid-oidc-provider/api/openid-configuration);
 *   the endpoints, the authorization one at `/precheck/auth` included, are
 *   read from it, as BankID recommends;
 * - the ID token's claims depend on the scopes: `openid` a minimal token,
 *   `profile` adds the name (`name`, `given_name`, `family_name`) and
 *   `birthdate`; `nnin_altsub`, the Norwegian National Identity Number, is
 *   for eligible clients only and is never asked here
 *   (https://developer.bankid.no/bankid-oidc-provider/core-concepts/id-token);
 * - the person: BankID says `sub` "is considered unstable identifier and
 *   might suddenly change for any user" and recommends `bankid_altsub`, the
 *   BankID Personal Identifier (PID, e.g. `9578-5999-4-1765512`), "as a
 *   stable user identifier" (the same page). It is not the national identity
 *   number (that is `nnin_altsub`), so the account is keyed by the ID token's
 *   `bankid_altsub` (idTokenSubjectClaim); an ID token without it is refused;
 * - the token endpoint takes the authorization code grant with PKCE
 *   (`code_verifier`), the refresh token grant and client credentials, the
 *   client as HTTP Basic in its example
 *   (https://developer.bankid.no/bankid-oidc-provider/api/token);
 *   `client_secret_basic` and `client_secret_post` are the default client
 *   authentications
 *   (https://developer.bankid.no/bankid-oidc-provider/core-concepts/client-authentication);
 * - the profile is the ID token's: the userinfo endpoint is a separate
 *   resource server whose claims need the person's consent and can include
 *   the national identity number, so it is not called. BankID offers no
 *   general API for the token: no API base.
 * Not checked against BankID's pages: whether the code exchange always
 *   answers a refresh token, its lifetime, and whether a refresh ends the
 *   spent one (the newest is kept either way); the access tokens' lifetime
 *   (`expires_in` is what is kept); revocation (not among the endpoints read:
 *   if discovery names one, disconnect revokes there as RFC 7009 has it, else
 *   it asks BankID nothing); whether `require_pushed_authorization_requests`
 *   is set for a client (pushed authorization requests are not used); the
 *   refusals' bodies (RFC 6749 §5.2's assumed); `access_denied` for a person
 *   who cancels.
 */
import type { ProviderPreset } from './preset.js';

export const bankid_no: ProviderPreset = {
  displayName: 'BankID',
  settings: () => ({
    discovery: { issuer: 'https://auth.bankid.no/auth/realms/prod' },
    scope: 'openid profile',
    tokenEndpointAuthMethod: 'client_secret_basic',
    idTokenSubjectClaim: 'bankid_altsub',
    skipUserinfo: true,
  }),
};
