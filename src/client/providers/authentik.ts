/**
 * authentik (self-run; its OAuth2/OpenID provider, with discovery).
 * `<NAME>_BASE_URL` is the server (its sub-path, if it has one) and
 * `<NAME>_APPLICATION_SLUG` the slug of the application the OAuth2 provider
 * is assigned to: each provider is its own issuer,
 * `<base>/application/o/<slug>/` (with its trailing slash; the provider's
 * "Issuer mode" left at "Each provider has a different issuer"), whose
 * discovery document names the endpoints, which all providers share:
 * `/application/o/authorize/`, `/token/`, `/userinfo/`, `/revoke/` (RFC
 * 7009) and `/introspect/` (https://docs.goauthentik.io/providers/oauth2/).
 * `<NAME>_ISSUER` alone also works, the issuer the provider's page shows;
 * the API base then stays unset unless `<NAME>_API_BASE_URL` says it.
 * - The provider is a Confidential client, its redirect URI the callback, with
 *   a signing key selected (new providers have the self-signed certificate):
 *   without one authentik signs ID tokens with the client secret (HS256),
 *   which is refused here. The client's id and secret go in the form: authentik
 *   reads a Basic header without form-decoding it (RFC 6749 §2.3.1 encodes
 *   both), and takes the form too (discovery lists both methods).
 * - The scopes: `openid profile email offline_access`, each needing its scope
 *   mapping on the provider (the "authentik default OAuth Mapping"s; a scope
 *   without one is dropped silently). `offline_access` alone brings a refresh
 *   token, with no consent prompt (the authorization flow decides whether a
 *   consent page shows).
 * - The person is `sub`, by the provider's "Subject mode": keep its default,
 *   the hashed user id, which never changes (the username and e-mail modes
 *   follow values that can). Userinfo answers `name`, `preferred_username`
 *   (the username), `email` and `email_verified`, which the stock e-mail
 *   mapping does not set to true for an address authentik never checked, so
 *   it is kept as userinfo says.
 * - Tokens: access tokens live the provider's "Access token validity"
 *   (5 minutes by default), refresh tokens its "Refresh token validity" (30
 *   days) from their issue; a refresh answers a new refresh token, the old one
 *   then refused (when the "Refresh token threshold" is at its `seconds=0`;
 *   with another, a new one only once less than that is left). The keep-alive
 *   sweep refreshes a connection left unused before its 30 days; a provider set
 *   otherwise: `<NAME>_REFRESH_TOKEN_IDLE_DAYS`. authentik refuses a refresh
 *   whose scope lacks `offline_access`; with no scope it keeps the token's,
 *   which is what is sent.
 * - Disconnect revokes at `/application/o/revoke/`, which discovery names.
 *   authentik sends OpenID Connect Back-Channel Logout to a provider whose
 *   logout method is back-channel, at the logout URI set to this site's
 *   back-channel logout URI (see the README).
 * - The API base is `<base>/application/o`, whose `userinfo/` the access
 *   token reads; the app's own APIs: `<NAME>_API_BASE_URL`.
 * Not checked against a running authentik (the behaviour above is read from
 * its documentation and source): the default "Refresh token threshold" of
 * every version, whether revoking the refresh token also ends the access
 * tokens issued with it (both are revoked), and which versions' stock e-mail
 * mapping says `email_verified: true`.
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

export const authentik: ProviderPreset = {
  displayName: 'authentik',
  values: { baseUrl: 'issuer', applicationSlug: 'issuer' },
  settings: ({ baseUrl, applicationSlug }) => {
    const server = withoutTrailingSlash(baseUrl ?? '');
    return {
      // The issuer authentik names, with its trailing slash.
      discovery: { issuer: `${server}/application/o/${encodeURIComponent(applicationSlug ?? '')}/` },
      scope: 'openid profile email offline_access',
      ...(baseUrl === undefined ? {} : { apiBaseUrl: `${server}/application/o` }),
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 30 * 86_400,
    };
  },
};
