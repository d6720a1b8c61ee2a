/**
 * Sentry (sentry.io), for an OAuth application Sentry registered for the
 * app. Plain OAuth 2.0 with explicit endpoints: no discovery, no ID token,
 * no userinfo call. From Sentry's docs:
 * - `GET https://sentry.io/oauth/authorize/` with `client_id`,
 *   `response_type=code`, a space-separated `scope` of Sentry's permissions
 *   (`org:read`, `project:read`, `event:read`…), `redirect_uri` (matching a
 *   registered one), `state`, and a PKCE `code_challenge` with
 *   `code_challenge_method=S256`, which Sentry recommends
 *   (https://docs.sentry.io/api/auth/, "OAuth2";
 *   https://docs.sentry.io/api/permissions/);
 * - `POST https://sentry.io/oauth/token/` exchanges the code, with
 *   `client_id` and `client_secret` in the form body and the `code_verifier`;
 *   the answer is `access_token`, `refresh_token`, `expires_in` (30 days),
 *   `expires_at`, `token_type: "bearer"`, `scope`, and the person who
 *   authorized as `user: { id, name, email }`: the tokenResponseProfile hook
 *   reads them from there, `id` the subject, and no userinfo request is made
 *   (https://docs.sentry.io/api/auth/, "OAuth2");
 * - access tokens expire after 30 days; the refresh token gets new tokens at
 *   the same endpoint, `grant_type=refresh_token` with the client in the form
 *   (https://docs.sentry.io/api/auth/, "Refreshing Tokens");
 * - the API is `https://sentry.io/api/0` with the token as Bearer, e.g.
 *   `GET /organizations/` (https://docs.sentry.io/api/auth/,
 *   https://docs.sentry.io/api/organizations/list-your-organizations/).
 * Not checked against Sentry's pages: whether a refresh answers a new refresh
 * token and refuses the used one (Sentry's own server source rotates both, as
 * the emulator does; the newest is always kept); whether the token endpoint
 * takes Basic credentials (the form is what the docs send); that a refresh
 * sending `scope` is refused (Sentry's server source; none is sent); the
 * status and body of the token endpoint's refusals (the server source answers
 * `{ "error": … }`, HTTP 400); whether the e-mail is verified (stored as
 * unverified); a revocation endpoint for OAuth tokens (none is documented:
 * disconnect deletes the tokens here, and the person revokes the app in
 * Sentry's account settings).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The person of the token answer's `user`: `id` (the subject, a numeric
 * string), `name` and `email`; an answer without an id names no one, and the
 * sign-in fails.
 */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const user = objectOf(answer.user);
  const id = user?.id;
  if (typeof id !== 'string' || id === '') return undefined;
  const name = trimmedText(user!.name);
  const email = trimmedText(user!.email);
  return { id, ...textMembers({ name, email }) };
}

export const sentry: ProviderPreset = {
  displayName: 'Sentry',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://sentry.io/oauth/authorize/',
      tokenEndpoint: 'https://sentry.io/oauth/token/',
    },
    scope: 'org:read',
    apiBaseUrl: 'https://sentry.io/api/0',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { tokenResponseProfile },
  }),
};
