/**
 * Sign in with SimpleLogin (SIWSL): OAuth 2.0 at `https://app.simplelogin.io/oauth2`, where the person chooses what
 * they share (an alias in place of their own e-mail). From SimpleLogin's documentation:
 * - `GET /oauth2/authorize` with `response_type=code`, `client_id`, `redirect_uri`, `state` and `scope=profile`:
 *   "SimpleLogin supports only `profile` scope which contains user email, name and avatar"
 *   (https://simplelogin.io/docs/siwsl/code-flow/, the raw Code Flow);
 * - every authorization error goes back to the redirect URI as `?error=`: `deny` when the person declines (which is
 *   read as a cancelled sign-in), `invalid_client_id`, `http_not_allowed` (an `http` redirect URI other than
 *   localhost) and `unknown_redirect_uri` (https://simplelogin.io/docs/siwsl/errors/);
 * - `POST /oauth2/token` with `grant_type=authorization_code`, `code`, `redirect_uri` again, `client_id` and
 *   `client_secret` in the form (the Code Flow page; the back-end page sends them as HTTP Basic instead,
 *   https://docs.simplelogin.io/step-3.2-back-end). The answer is JSON `access_token`, `expires_in` 3600, `scope`
 *   `profile`, `token_type` `Bearer` and the person as `user`; no refresh token: when the hour is over the person
 *   signs in again (the same pages);
 * - `GET /oauth2/userinfo` with the token answers `sub` (the id as text, `"36"`), `id` (`36`), `name`, `email`
 *   (their own address or an alias), `email_verified` (`true`), `avatar_url` (only when shared; it expires in a
 *   week) and `client`, the app's name (https://simplelogin.io/docs/siwsl/flask/,
 *   https://simplelogin.io/docs/siwsl/intro/). The subject is `sub`. The token opens nothing but userinfo, so the API
 *   base is `/oauth2`;
 * - no revocation endpoint is documented: a disconnect deletes the token here only.
 * Not checked against SimpleLogin's own pages: that `sub` is unique across SimpleLogin and stable for the person at
 * this app (the open-source server, https://github.com/simple-login/app, gives the id of the person's record with the
 * app), the token endpoint's refusals (RFC 6749 §5.2's are assumed), the status with which userinfo refuses a token
 * (401 assumed), and PKCE: the intro says it is on SimpleLogin's roadmap, so a challenge is sent, which a server that
 * does not read it ignores.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The userinfo answer as claims: `sub`, the name, the e-mail (maybe an alias), `email_verified` when it is a boolean,
 * the avatar and the app's name; an answer without a `sub` names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const sub = trimmedText(user?.sub);
  if (!user || !sub) return undefined;
  return {
    sub,
    ...textMembers({ name: user.name, email: user.email, avatar_url: user.avatar_url, client: user.client }),
    ...(typeof user.email_verified === 'boolean' ? { email_verified: user.email_verified } : {}),
  };
}

export const simplelogin: ProviderPreset = {
  displayName: 'SimpleLogin',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.simplelogin.io/oauth2/authorize',
      tokenEndpoint: 'https://app.simplelogin.io/oauth2/token',
      userinfoEndpoint: 'https://app.simplelogin.io/oauth2/userinfo',
    },
    scope: 'profile',
    apiBaseUrl: 'https://app.simplelogin.io/oauth2',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'sub',
    hooks: { profileClaims },
  }),
};
