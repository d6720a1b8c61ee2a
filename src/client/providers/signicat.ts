/**
 * Signicat (the eID and Wallet Hub, an OpenID Connect broker in front of
 * national eIDs: BankID, MitID, itsme, FTN and others), with discovery.
 * `<NAME>_DOMAIN` is the Signicat account's domain as added in the Signicat
 * Dashboard (`<name>.sandbox.signicat.com` for a sandbox account,
 * `<name>.app.signicat.com` in production, or the account's custom domain);
 * the issuer is `https://<domain>/auth/open`, its discovery document at
 * `/auth/open/.well-known/openid-configuration`
 * (https://developer.signicat.com/docs/eid-hub/quick-start/oidc/,
 * https://developer.signicat.com/docs/dashboard-setup.html).
 * - The client is an OIDC client made under Products > eID and Wallet Hub >
 *   OIDC clients, with the Authorization Code grant, the callback among its
 *   redirect URIs and a secret added on its Secrets tab; PKCE is strongly
 *   recommended even with a secret, so S256 is sent
 *   (https://developer.signicat.com/docs/eid-hub/oidc/oidc-client/,
 *   https://developer.signicat.com/identity-methods/itsme/integration/oidc/).
 *   The secret goes by Basic, the method Signicat's page on its token
 *   endpoint names (https://developer.signicat.com/enterprise/apis/accessing-rest-services.html,
 *   written for its older Enterprise platform).
 * - The scopes: `openid` (mandatory) and `profile`, plus `offline_access`
 *   for the refresh token the code flow may add, which the client's
 *   `allowOfflineAccess` allows
 *   (https://developer.signicat.com/docs/authentication/oidc/oidc-implementation.html,
 *   https://developer.signicat.com/apis/oidc-config/). `nin` and the eIDs'
 *   own scopes: `<NAME>_SCOPE`; the eID offered: `<NAME>_AUTHORIZATION_PARAMS`
 *   (`acr_values=idp:nbid`).
 * - The person is `sub`, Signicat's subject, which lets one correlate a
 *   person's sign-ins: a SHA-256 hash (Base64, `+` and `/` made `-`) of the
 *   eID used, Signicat's raw subject for the person at that eID (`idpId`)
 *   and the organisation's id, so never a national id itself; the raw subject
 *   is sent only when asked for, and is not
 *   (https://developer.signicat.com/docs/eid-hub/concepts/subject/).
 *   The same person through two eIDs is two accounts here. `name`,
 *   `given_name` and `family_name` come with `profile` from userinfo.
 * - The client's settings in the OIDC Config API name the lifetimes of access
 *   and refresh tokens and whether a refresh token is reused
 *   (`allowRefreshTokenReuse`); the core keeps whichever a refresh answers
 *   (https://developer.signicat.com/apis/oidc-config/).
 * - Calls go to the issuer (its userinfo, `/connect/userinfo`).
 * Not checked against Signicat's pages: the domains' forms
 * (`.sandbox.signicat.com`, `.app.signicat.com`, as Signicat clients'
 * settings show them; the preset takes any host); the endpoint paths under
 * `/auth/open` (`/connect/authorize`, `/connect/token`, `/connect/userinfo`,
 * `/connect/revocation`; the emulator's discovery names them, as copies of
 * Signicat clients' code show); that the eID Hub's token endpoint takes Basic
 * as the Enterprise platform's does (and the form), and refuses with RFC
 * 6749 §5.2's codes as HTTP 400; that `offline_access` is the scope that
 * brings a refresh token and no `prompt=consent` is needed; the default lifetimes (the emulator answers
 * 10-minute access tokens, as the API's example does, and rotates refresh
 * tokens); the revocation endpoint (RFC 7009, used at disconnect when
 * discovery names it); what a declined sign-in sends back
 * (`access_denied` assumed); and how Signicat keeps `idpId` stable for an eID
 * whose own identifier changes with each sign-in (FTN's: the subject page
 * says the logic varies per eID), so for such an eID a person might come
 * back as a new account.
 */
import type { ProviderPreset } from './preset.js';

export const signicat: ProviderPreset = {
  displayName: 'Signicat',
  values: { domain: 'issuer' },
  settings: ({ domain }) => {
    const issuer = `https://${domain ?? ''}/auth/open`;
    return {
      discovery: { issuer },
      scope: 'openid profile offline_access',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    };
  },
};
