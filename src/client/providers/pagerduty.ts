/**
 * PagerDuty, for a PagerDuty App with Classic User OAuth (a confidential
 * client, usable by people of any PagerDuty account). Plain OAuth 2.0 with
 * explicit endpoints. From PagerDuty's docs
 * (https://developer.pagerduty.com/docs/oauth-functionality):
 * - `GET https://identity.pagerduty.com/oauth/authorize` with `client_id`,
 *   `redirect_uri`, `response_type=code`, `scope` (`read` or `write`, case
 *   sensitive) and a PKCE `code_challenge` with `code_challenge_method=S256`,
 *   optional for a confidential client and recommended; a person who denies
 *   is sent back with `error=access_denied` and `error_description`. A scope
 *   PagerDuty does not grant is not an error: the token then carries `openid`
 *   alone, which every token carries;
 * - `POST https://identity.pagerduty.com/oauth/token`, a form with
 *   `client_id`, `client_secret`, `redirect_uri`, `code` and `code_verifier`
 *   (the code lives 30 seconds); the answer is `client_info`, `id_token`,
 *   `token_type: "bearer"`, `access_token`, `refresh_token`, `scope`
 *   (`openid write`) and `expires_in`. The ID token is not relied on
 *   (idTokenUnused): its `sub` is not documented as the user id, and the user
 *   API names the person;
 * - a refresh sends `client_id`, `client_secret` and the `refresh_token` in
 *   the form and answers a new access token and a new refresh token, kept in
 *   place of the old; access tokens live 30 days, a refresh token 210 days
 *   (the keep-alive sweep refreshes a connection nobody used before then),
 *   and the grant at most three years ("Token Lifetimes");
 * - the REST API is `https://api.pagerduty.com` (`https://api.eu.pagerduty.com`
 *   for an account in the EU service region, whose ID token's `aud` names it:
 *   set `<NAME>_API_BASE_URL`), each call with
 *   `Accept: application/vnd.pagerduty+json;version=2` and the token as
 *   Bearer ("Using an Access Token"); a call the scope does not allow is 403.
 *   The person is `GET /users/me`'s `user` (https://developer.pagerduty.com/api-reference/,
 *   "Get the current user"): `id` (the subject), `name` and `email`;
 * - tokens are revoked only all at once, for the whole app, in the App
 *   Registration UI ("Revoking Tokens"): disconnect deletes them here.
 * Not checked against PagerDuty's pages: whether the used refresh token is
 * refused after a refresh (the newest is always kept); whether the token
 * endpoint takes Basic credentials (the form is what the docs send); the
 * body of the token endpoint's refusals (read as RFC 6749's); whether the
 * e-mail is verified (stored as unverified).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** The REST API's version, as PagerDuty asks every call to name it. */
const ACCEPT = 'application/vnd.pagerduty+json;version=2';
/** A refresh token unused for 210 days ends. */
const REFRESH_TOKEN_IDLE_SECONDS = 210 * 86_400;

/**
 * The person of `/users/me`, wrapped in `user`: `id` (the subject), `name`
 * and `email`; an answer without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.user);
  const id = user?.id;
  if (typeof id !== 'string' || id === '') return undefined;
  const name = trimmedText(user!.name);
  const email = trimmedText(user!.email);
  const picture = trimmedText(user!.avatar_url);
  return { id, ...textMembers({ name, email, picture }) };
}

export const pagerduty: ProviderPreset = {
  displayName: 'PagerDuty',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://identity.pagerduty.com/oauth/authorize',
      tokenEndpoint: 'https://identity.pagerduty.com/oauth/token',
      userinfoEndpoint: 'https://api.pagerduty.com/users/me',
    },
    scope: 'read',
    apiBaseUrl: 'https://api.pagerduty.com',
    apiHeaders: { accept: ACCEPT },
    tokenEndpointAuthMethod: 'client_secret_post',
    idTokenUnused: true,
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    refreshTokenIdleSeconds: REFRESH_TOKEN_IDLE_SECONDS,
    hooks: { profileClaims },
  }),
};
