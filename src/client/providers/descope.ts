/**
 * Descope (a hosted identity service as the OpenID provider of its project's
 * apps; OpenID Connect with discovery). The client id is the project's
 * Project ID (`P…`), which also names the issuer,
 * `https://api.descope.com/<Project ID>`, whose discovery document is at
 * `…/<Project ID>/.well-known/openid-configuration`; the other endpoints are
 * the host's own, `/oauth2/v1/authorize`, `/oauth2/v1/token`,
 * `/oauth2/v1/userinfo` and `/oauth2/v1/revoke`
 * (https://docs.descope.com/manage/idpapplications/oidc/,
 * https://docs.descope.com/identity-federation/applications/oidc-apps/oidc-endpoints).
 * So the preset needs no value of its own: `<NAME>_CLIENT_ID` makes the
 * issuer. `<NAME>_BASE_URL` names a custom API domain in place of
 * `https://api.descope.com` (https://docs.descope.com/identity-federation/inbound-apps/authorization-server).
 * - The client is the project's OIDC application: `client_id` the Project ID
 *   and `client_secret` a Descope Access Key, sent at the token endpoint
 *   (in the form; Basic: `<NAME>_TOKEN_ENDPOINT_AUTH_METHOD`); the
 *   callback among the project's Approved Domains; PKCE S256 is sent, which
 *   the authorization code flow takes
 *   (https://docs.descope.com/identity-federation/applications/oidc-apps/oidc-endpoints,
 *   https://docs.descope.com/management/project-settings).
 * - The scopes: `openid profile email`. A confidential client's code exchange
 *   answers an `id_token`, an `access_token` and a `refresh_token`, so no
 *   `offline_access` and no consent prompt is asked (the endpoints page above;
 *   the token answer's members: https://docs.descope.com/api/federated-apps/oidc-token-endpoint).
 * - The person is `sub`, the Descope user id; the default claims are `sub`,
 *   `name`, `email` and others, in the ID token and userinfo (the OIDC
 *   applications page above).
 * - Disconnect revokes at `/oauth2/v1/revoke`, which takes an access or a
 *   refresh token (the endpoints page above); the preset names it, as the
 *   page does, in case discovery does not.
 * - The API base is the API host (`/oauth2/v1/userinfo`).
 * Not checked against Descope's own pages: whether a refresh answers a new
 *   refresh token (the emulator answers the same one; the core keeps
 *   whichever comes) and how long one lives (the project's session settings:
 *   no keep-alive is set); the token lifetimes (the emulator's are made up);
 *   `email_verified` (the emulator sends it, as Auth.js's Descope profile
 *   names it); whether revoking the refresh token ends its access token; the
 *   bodies of the token endpoint's refusals (the RFC 6749 §5.2 codes are what
 *   the core reads); and whether a custom domain's issuer is `https://<domain>/<Project ID>`.
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

const DESCOPE_API = 'https://api.descope.com';

export const descope: ProviderPreset = {
  displayName: 'Descope',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }, client) => {
    const api = withoutTrailingSlash(baseUrl ?? DESCOPE_API);
    return {
      // The client id is the Project ID, which names the issuer.
      discovery: { issuer: `${api}/${encodeURIComponent(client?.clientId ?? '')}` },
      metadataOverrides: { revocationEndpoint: `${api}/oauth2/v1/revoke` },
      scope: 'openid profile email',
      apiBaseUrl: api,
      tokenEndpointAuthMethod: 'client_secret_post',
      // A confidential client's code exchange answers a refresh token: no offline_access, no prompt=consent.
      refreshTokenNeedsConsent: false,
    };
  },
};
