/**
 * WorkOS AuthKit (WorkOS Connect: an AuthKit environment as the OpenID
 * provider of an OAuth application made under Connect; with discovery).
 * `<NAME>_DOMAIN` is required: the environment's AuthKit domain,
 * `<subdomain>.authkit.app` (or its custom domain), which is the issuer
 * `https://<domain>`, whose discovery document names `/oauth2/authorize`,
 * `/oauth2/token`, the userinfo endpoint and the keys, and no revocation
 * endpoint (https://workos.com/docs/reference/workos-connect/metadata/openid-configuration).
 * - The authorization request is OpenID Connect's: `client_id`, `nonce`,
 *   `redirect_uri`, `response_type=code`, `scope=openid profile email
 *   offline_access` and `state`; a person not signed in is sent to AuthKit's
 *   login page, and one using a third-party application is asked to
 *   authorize its access the first time
 *   (https://workos.com/docs/reference/workos-connect/metadata). A refresh
 *   token comes with `offline_access` alone, no `prompt=consent`
 *   (https://workos.com/docs/reference/workos-connect/token).
 * - `/oauth2/token` takes the application's client id and secret in the form
 *   body (`client_secret_post`); the access token is a JWT whose `sub` is the
 *   WorkOS user id (`user_…`), five minutes long in WorkOS's example (`iat` to
 *   `exp`), with `org_id` and `sid`; the ID token, with `openid`, carries
 *   `name`, `given_name`, `family_name`, `email` and `email_verified`, and the
 *   `nonce` (https://workos.com/docs/reference/workos-connect/token).
 * - A refresh (the `refresh_token` grant, the client in the body again)
 *   answers new access and ID tokens (same page).
 * - The API base is the AuthKit domain (its userinfo); the application's own
 *   APIs, which take these access tokens: `<NAME>_API_BASE_URL`.
 * - Disconnect revokes nothing: discovery names no revocation endpoint and
 *   the Connect reference documents none.
 * Not checked against WorkOS's own pages: the token answer's members beyond
 *   the tokens (its `expires_in`, `token_type`, `scope`); whether a refresh
 *   answers a new refresh token and the used one is then refused (the
 *   emulator rotates it; the core keeps whichever it is answered), and how
 *   long a refresh token lives (no keep-alive); whether PKCE is taken (S256
 *   is sent); the userinfo path (discovery's is used); the bodies of the token
 *   endpoint's refusals (the RFC 6749 §5.2 codes are what the core reads).
 */
import type { ProviderPreset } from './preset.js';

export const workos: ProviderPreset = {
  displayName: 'WorkOS',
  values: { domain: 'issuer' },
  settings: ({ domain }) => {
    const issuer = `https://${domain ?? ''}`;
    return {
      discovery: { issuer },
      scope: 'openid profile email offline_access',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_post',
      // offline_access alone brings the refresh token: no prompt=consent.
      refreshTokenNeedsConsent: false,
    };
  },
};
