/**
 * Kinde (a hosted identity service; OpenID Connect with discovery).
 * `<NAME>_DOMAIN` is the business's Kinde host, `<business>.kinde.com` (or its
 * custom domain), which is the issuer `https://<domain>`, with its discovery
 * document at `https://<domain>/.well-known/openid-configuration` naming the
 * endpoints (`/oauth2/auth`, `/oauth2/token`, the user profile, the keys)
 * (https://kinde.com/docs/developer-tools/using-kinde-without-an-sdk/).
 * - The application is a "Back-end / server-side" app, the kind that has a
 *   client secret, with the callback among its "Allowed callback URLs"; it
 *   takes the Authorization Code flow, PKCE included
 *   (https://docs.kinde.com/build/applications/about-applications,
 *   https://kinde.com/docs/developer-tools/using-kinde-without-an-sdk/). The
 *   client id and secret are sent in the form (`client_secret_post`), as
 *   Kinde's own examples send them; Basic: `<NAME>_TOKEN_ENDPOINT_AUTH_METHOD`.
 * - The scopes: `openid profile email offline`. A refresh token comes only
 *   with `offline`: Kinde does not take OpenID Connect's `offline_access`,
 *   with which the sign-in succeeds but no refresh token is returned, and no
 *   error shown (https://docs.kinde.com/build/tokens/refresh-tokens/).
 * - The person is `sub`, the Kinde user's id (`kp_…`); the ID token carries
 *   `email`, `name`, `given_name`, `family_name` and `picture`
 *   (https://docs.kinde.com/build/tokens/about-id-tokens). Kinde documents no
 *   `email_verified` there, so the e-mail is kept as unverified.
 * - Kinde always rotates refresh tokens: every refresh answers a new one, which
 *   the core keeps, and the old one stops working at once (after a short
 *   overlap for retries); each token type's lifetime is the application's
 *   "Tokens" setting (https://docs.kinde.com/build/tokens/refresh-tokens/,
 *   https://docs.kinde.com/build/tokens/configure-tokens).
 * - Disconnect revokes at `/oauth2/revoke` (RFC 7009: `token`, `client_id`
 *   and `client_secret` in a form; 200 once revoked)
 *   (https://docs.kinde.com/build/tokens/configure-tokens).
 * - Calls go to the business's host (its user profile, `/oauth2/v2/user_profile`);
 *   the business's own APIs, whose access tokens need an `audience`:
 *   `<NAME>_API_BASE_URL` and `<NAME>_AUTHORIZATION_PARAMS`.
 * Not checked against Kinde's own pages: the default lifetimes (the emulator
 * answers an hour's access token and lets a refresh token live 30 days), so
 * no keep-alive unless `<NAME>_REFRESH_TOKEN_IDLE_DAYS`; whether the token
 * endpoint takes Basic as well; whether `/oauth2/revoke` is named in discovery
 * (the emulator names it) and whether revoking a refresh token ends the access
 * tokens issued with it; the user profile's members, and the bodies of its
 * token endpoint's refusals (the RFC 6749 §5.2 codes are what the core reads).
 */
import type { ProviderPreset } from './preset.js';

export const kinde: ProviderPreset = {
  displayName: 'Kinde',
  values: { domain: 'issuer' },
  settings: ({ domain }) => {
    const issuer = `https://${domain ?? ''}`;
    return {
      discovery: { issuer },
      scope: 'openid profile email offline',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_post',
    };
  },
};
