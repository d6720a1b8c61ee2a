/**
 * CILogon (a client registered at https://cilogon.org/oauth2/register, or as a
 * subscriber in a COmanage Registry under "OIDC Clients", with the callback
 * among its callback URLs and refresh tokens enabled). OpenID Connect at
 * `https://cilogon.org`, federated sign-in through the person's campus (or
 * GitHub, Google, ORCID). From CILogon's pages:
 * - Discovery at `https://cilogon.org/.well-known/openid-configuration`;
 *   the endpoints are `/authorize`, `/oauth2/token`, `/oauth2/userinfo`,
 *   `/oauth2/revoke`, `/oauth2/introspect` and the JWKS at `/oauth2/certs`
 *   (https://www.cilogon.org/oidc, "Client Configuration"). Disconnect
 *   revokes at the revocation endpoint discovery names (RFC 7009).
 * - Scopes: `openid` (required), `email`, `profile` (`given_name`,
 *   `family_name`, `name`) and CILogon's own `org.cilogon.userinfo` (`eppn`,
 *   `eptid`, `affiliation`, `ou`, `idp`, `idp_name`…); a client gets at most
 *   the scopes it was registered with, the intersection of those asked and
 *   those registered (the same page). All four are asked.
 * - The person is `sub`, "a unique identifier for the user" across CILogon
 *   (the same page; a URL-like string, `http://cilogon.org/serverA/users/12345`),
 *   never the e-mail or the campus's eppn. CILogon says nothing of the
 *   e-mail being verified, so it is kept unverified.
 * - Refresh tokens are a client's registration: enabled there with their
 *   lifetime (https://www.cilogon.org/comanage/oidc-clients; CILogon
 *   suggests at least 10 days for Kubernetes), not a scope.
 * - The token opens the userinfo alone, so the API base is
 *   `https://cilogon.org/oauth2`.
 * Not checked against CILogon's own pages: the client authentication (sent
 *   in the form body, `client_secret_post`, as integrations configure it for
 *   CILogon; its client ids, `cilogon:/client_id/…`, have characters Basic
 *   would have to encode); whether a refresh answers a new refresh token and
 *   ends the old one (the newest is kept either way); the access tokens'
 *   lifetime (15 minutes in integrations' notes; `expires_in` is what is
 *   kept); whether PKCE is read (S256 is sent); the refusals' bodies
 *   (RFC 6749 §5.2's assumed); `access_denied` for a person who declines.
 */
import type { ProviderPreset } from './preset.js';

export const cilogon: ProviderPreset = {
  displayName: 'CILogon',
  settings: () => ({
    discovery: { issuer: 'https://cilogon.org' },
    scope: 'openid email profile org.cilogon.userinfo',
    apiBaseUrl: 'https://cilogon.org/oauth2',
    tokenEndpointAuthMethod: 'client_secret_post',
  }),
};
