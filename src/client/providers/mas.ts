/**
 * Matrix Authentication Service (MAS, Element's OAuth 2.0 and OpenID
 * provider for Matrix homeservers that delegate their logins to it, MSC3861).
 * `<NAME>_BASE_URL` is MAS's issuer, its `http.issuer` (by default its
 * `http.public_base`, e.g. `https://auth.example.com/`), whose discovery
 * document names its endpoints (`/authorize`, `/oauth2/token`,
 * `/oauth2/userinfo`, `/oauth2/revoke`, `/oauth2/keys.json`)
 * (https://element-hq.github.io/matrix-authentication-service/reference/configuration.html#http).
 * From MAS's pages:
 * - the client is one of its configuration's static `clients`: a ULID as
 *   `client_id`, `client_auth_method: client_secret_basic` (the preset's;
 *   `client_secret_post` with `<NAME>_TOKEN_ENDPOINT_AUTH_METHOD`) and its
 *   `client_secret`, the callback among its `redirect_uris`; MAS refuses any
 *   other authentication of it
 *   (https://element-hq.github.io/matrix-authentication-service/reference/configuration.html#clients);
 * - the scopes: `openid`, `email` (the e-mail in the ID token) and
 *   `urn:matrix:client:api:*`, the whole Matrix client-server API; no device
 *   scope (`urn:matrix:client:device:<id>`), which names the session's device
 *   and is optional, so each connection is a session without a device of its
 *   own (https://element-hq.github.io/matrix-authentication-service/reference/scopes.html);
 * - access tokens live 5 minutes and come with a refresh token, with no
 *   `offline_access`; each refresh answers a new refresh token, which the core
 *   keeps
 *   (https://element-hq.github.io/matrix-authentication-service/topics/authorization.html);
 * - the person is `sub`, the MAS user's id (a ULID), never the Matrix
 *   username (`username`, the localpart, kept as the preferred username),
 *   which MAS sends beside it;
 * - disconnecting revokes at `/oauth2/revoke` (RFC 7009), which ends the
 *   session.
 * The API is the homeserver's, not MAS's: `<NAME>_API_BASE_URL` names it (e.g.
 * `https://matrix.example.com`, where `/_matrix/client/v3/account/whoami`
 * answers who the token is for), as the homeserver takes MAS's access tokens.
 * Not checked against MAS's own pages: the members of userinfo (`sub` and
 * `username`, as MAS's userinfo handler answers them) and the e-mail's
 * verification (not marked verified), that a used refresh token is refused
 * once its successor's access token has been used (MAS's token handler;
 * before then MAS answers anew, for a client that lost the answer), that
 * revoking ends the whole session, and which Matrix endpoints a session without
 * a device may call (`whoami` answers without a `device_id`). MAS releases
 * before the stable scope names took `urn:matrix:org.matrix.msc2967.client:api:*`
 * instead: `<NAME>_SCOPE`.
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

export const mas: ProviderPreset = {
  displayName: 'Matrix Authentication Service',
  values: { baseUrl: 'issuer' },
  settings: ({ baseUrl }) => ({
    // MAS's issuer is its public base, which ends with a slash.
    discovery: { issuer: `${withoutTrailingSlash(baseUrl ?? '')}/` },
    scope: 'openid email urn:matrix:client:api:*',
    tokenEndpointAuthMethod: 'client_secret_basic',
    // Every code exchange answers a refresh token: no offline_access, no prompt=consent.
    refreshTokenNeedsConsent: false,
    claimNames: { preferredUsername: 'username' },
  }),
};
