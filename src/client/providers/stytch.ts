/**
 * Stytch Connected Apps (a Stytch-powered application as the OpenID
 * provider of other apps; with discovery). `<NAME>_DOMAIN` is required: the
 * project's domain (its Custom Domain, or the project domain the Stytch
 * dashboard shows), which is the issuer `https://<domain>`, whose discovery
 * document names the application's own Authorization URL (the page that runs
 * Stytch's authorization flow), `/v1/oauth2/token`, `/v1/oauth2/userinfo` and
 * `/.well-known/jwks.json`
 * (https://stytch.com/docs/api-reference/b2b/api/connected-apps/configuration/openid-configuration).
 * - The client is a confidential Connected App (First Party or Third Party),
 *   its client id (`connected-app-live-…`) and secret, the callback among its
 *   redirect URLs. The token and revocation endpoints take the secret in the
 *   body or by Basic; Basic is sent. PKCE is required of public clients only;
 *   S256 is sent
 *   (https://stytch.com/docs/connected-apps/oauth-learn-more/client-types).
 * - The scopes: `openid profile email offline_access`, the OpenID scopes
 *   Stytch supports; consent is asked on the application's Authorization URL
 *   (always for Third Party apps), so no `prompt=consent` is sent
 *   (https://stytch.com/docs/connected-apps/resources/consent-management).
 * - The person is `sub`, the Stytch user id (`user-live-…`); `profile` gives
 *   `name`, `given_name` and `family_name`, `email` gives `email` and
 *   `email_verified`, in the ID token (RS256) and userinfo
 *   (https://stytch.com/docs/api-reference/b2b/api/connected-apps/tokens/connected-app-id-token-object).
 * - Tokens: access tokens are RS256 JWTs of one hour. A confidential client's
 *   refresh token is not rotated: a refresh answers none, the one sent stays,
 *   its three months starting again with each use; the keep-alive sweep
 *   renews idle connections within them (90 days here)
 *   (https://stytch.com/docs/api-reference/b2b/api/connected-apps/exchange-refresh-token).
 * - Disconnect revokes at `/v1/oauth2/revoke` (RFC 7009): a refresh token
 *   revoked ends the access token issued with it
 *   (https://stytch.com/docs/api-reference/b2b/api/connected-apps/methods/revoke-token).
 *   Discovery names no revocation endpoint, so the preset names it.
 * - The API base is the project domain (`/v1/oauth2/userinfo`); the
 *   application's own APIs, which take these access tokens: `<NAME>_API_BASE_URL`.
 * Not checked against Stytch's own pages: whether a refresh token comes without
 * `offline_access`; the revocation path on the project domain (the page shows
 * the token endpoint's `/v1/oauth2/…` there, and `/v1/public/<project
 * id>/oauth2/revoke` on `test.stytch.com`; `<NAME>_REVOCATION_URL` replaces
 * it); and the body of its token endpoint's refusals (the RFC 6749 §5.2 codes
 * are what the core reads).
 */
import type { ProviderPreset } from './preset.js';

export const stytch: ProviderPreset = {
  displayName: 'Stytch',
  values: { domain: 'issuer' },
  settings: ({ domain }) => {
    const issuer = `https://${domain ?? ''}`;
    return {
      discovery: { issuer },
      metadataOverrides: { revocationEndpoint: `${issuer}/v1/oauth2/revoke` },
      scope: 'openid profile email offline_access',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
      // Consent is asked on the application's Authorization URL: no prompt=consent.
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 90 * 86_400,
    };
  },
};
