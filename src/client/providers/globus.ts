/**
 * Globus Auth (an app registered at https://developers.globus.org, in a
 * project, "Will be used by a native application" left unticked so it is a
 * confidential client, the callback among its redirect URIs, a client secret
 * generated for it). OpenID Connect at `https://auth.globus.org`. From
 * Globus's pages:
 * - Every Globus Auth URL is on `https://auth.globus.org`, its public paths
 *   under `/v2/` (https://docs.globus.org/api/auth/reference/, "Base URL",
 *   "Versioning"); the same reference has the authorization code grant as
 *   the preferred one, identity verified through the OpenID Connect ID
 *   token, a userinfo endpoint and token revocation at
 *   `POST /v2/oauth2/token/revoke` (its sections 3.3, 3.7, 3.8 and 3.11).
 *   Discovery at the issuer's `/.well-known/openid-configuration` names
 *   them, so a disconnect revokes there (RFC 7009).
 * - A confidential client "must authenticate all calls to Auth"
 *   (https://docs.globus.org/api/auth/developer-guide/, "Registering an
 *   Application"); a call made as the client itself carries a Basic Auth
 *   header (the reference's "Request Authentication"), so the client is
 *   sent as HTTP Basic. PKCE is what a native app must use (the developer
 *   guide); it is sent here too.
 * - Scopes: `openid profile email` read the person. Each resource server
 *   gets a token of its own: asking Transfer's scope
 *   (`urn:globus:auth:scope:transfer.api.globus.org:all`) too answers Globus
 *   Auth's token for the first three and Transfer's beside it
 *   (https://globus-sdk-python.readthedocs.io/en/stable/oauth/resource_servers/),
 *   in the answer's `other_tokens`. Only the main token, Globus Auth's own
 *   (`resource_server` `auth.globus.org`), is kept, so the API base is
 *   `https://auth.globus.org` (the userinfo; `/v2/api/identities` with its
 *   scope), never Transfer's API.
 * - The person is the ID token's `sub`, the id of the Globus account's
 *   primary identity, a UUID such as the reference's
 *   `/v2/api/identities/2982f207-04c0-11e5-ac60-22000b92c6ec`, never the
 *   username, which is the login at the identity provider the person used
 *   (`jdoe@uchicago.edu`, `ada@globusid.org`). The userinfo adds `name`,
 *   `preferred_username`, `organization`, `identity_provider_display_name`
 *   (scope `profile`) and `email` (scope `email`); nothing says the address
 *   is verified, so it is kept unverified.
 * Not checked against Globus's own pages (their sections past the overview
 * were not read here): `access_type=offline` as what asks for a refresh
 * token (as Globus's SDKs send it for refresh tokens; always sent here);
 * `sub` being the primary identity's id (as Globus's SDKs and integrations
 * read it); HTTP Basic as the token endpoint's client authentication; the
 * access tokens' 48 hours (`expires_in` 172800 in answers integrations
 * show; the answer's `expires_in` is what is kept); whether a refresh
 * answers a new refresh token (the newest is kept either way); the ID
 * tokens' algorithm (RS512 as copies of the discovery document show it; read
 * from discovery); what a revocation answers (`{ "active": false }` as
 * Globus's SDK's tests have it) and whether revoking the refresh token ends
 * the access token too; the refusals' bodies (RFC 6749 §5.2's assumed);
 * `access_denied` for a person who declines.
 */
import type { ProviderPreset } from './preset.js';

export const globus: ProviderPreset = {
  displayName: 'Globus',
  settings: () => ({
    discovery: { issuer: 'https://auth.globus.org' },
    scope: 'openid profile email',
    // Without it Globus Auth issues no refresh token.
    authorizationParams: { access_type: 'offline' },
    apiBaseUrl: 'https://auth.globus.org',
    tokenEndpointAuthMethod: 'client_secret_basic',
  }),
};
