/**
 * Keycloak (self-run; OpenID Connect with discovery). `<NAME>_BASE_URL` is the
 * server (with `/auth` for a Keycloak older than 17) and `<NAME>_REALM` the
 * realm: the issuer is `<base>/realms/<realm>`, whose discovery document names
 * every endpoint, RFC 7009 revocation included
 * (https://www.keycloak.org/securing-apps/oidc-layers). Keycloak names itself
 * in its redirects (`iss`, RFC 9207), which the core checks.
 * The person is `sub`, the user's id; `preferred_username` is a username an
 * admin may change (https://www.keycloak.org/docs/latest/server_admin/).
 * A plain refresh token dies with the browser's SSO session (30 minutes idle
 * by default); `offline_access` asks for an offline token instead, which
 * survives logout and is issued on the user's default `offline_access` role,
 * with no consent screen unless the client is set to require consent
 * (https://www.keycloak.org/docs/latest/server_admin/#_offline-access). An
 * offline token must be used for a refresh at least every 30 days (the realm's
 * "Offline Session Idle"), so the keep-alive sweep refreshes an unused
 * connection before then; a realm with another setting:
 * `<NAME>_REFRESH_TOKEN_IDLE_DAYS`.
 * Every refresh answers a new refresh token (single-use when the realm sets
 * "Revoke Refresh Token"), which the core stores. Access tokens live 5 minutes
 * by default. The client authenticator "Client Id and Secret" takes Basic.
 * Calls go to the realm by default (userinfo); set `<NAME>_API_BASE_URL` for
 * your own APIs, which accept the realm's tokens.
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

export const keycloak: ProviderPreset = {
  displayName: 'Keycloak',
  values: { baseUrl: 'issuer', realm: 'issuer' },
  settings: ({ baseUrl, realm }) => {
    const issuer = `${withoutTrailingSlash(baseUrl ?? '')}/realms/${encodeURIComponent(realm ?? '')}`;
    return {
      discovery: { issuer },
      scope: 'openid profile email offline_access',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 30 * 86_400,
    };
  },
};
