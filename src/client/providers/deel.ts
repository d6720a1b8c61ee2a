/**
 * Deel (the Deel API, for an OAuth2 app created in Deel's Developer Center
 * under More > Developer > Apps). Plain OAuth 2.0 with explicit endpoints:
 * no discovery, no ID token. From Deel's docs:
 * - `GET https://app.deel.com/oauth2/authorize` with `client_id`,
 *   `redirect_uri` (the one the app was created with), a space-separated
 *   `scope`, `response_type=code` and `state`
 *   (https://developer.deel.com/v2.3.0/docs/getting-started-1); the OAuth
 *   server is on the app's own domain since v1.27
 *   (https://developer.deel.com/changelog/v1-27);
 * - `POST https://app.deel.com/oauth2/tokens`, a form, the client as HTTP
 *   Basic of `client_id:client_secret` as they are, exchanges the code with
 *   `redirect_uri` (https://developer.deel.com/changelog/v1-27); a refresh
 *   sends `grant_type=refresh_token`, the refresh token and the
 *   `redirect_uri` again (https://developer.deel.com/v2.1.72/docs/token-rotation):
 *   refreshSendsRedirectUri. The answer is `access_token`, `expires_in`
 *   (2592000: 30 days), `refresh_token`, `token_type: "Bearer"` and a
 *   space-separated `scope`. Refresh tokens are single-use: each refresh
 *   answers a new one and the one spent is refused with `invalid_grant`
 *   (https://developer.deel.com/docs/getting-started-1), so the new one is
 *   kept in its place;
 * - the API is `https://api.letsdeel.com/rest` with the token as Bearer; the
 *   person is `GET /v2/people/me`, behind `people:read` (or `worker:read`):
 *   `user_id` ("Unique identifier for the user", a number: the subject;
 *   `id` is the user's profile's), `email`, `full_name`, `first_name`,
 *   `last_name`, `username`, `organization_id` and `organization_name`
 *   (https://developer.deel.com/api/reference/endpoints/people/get-my-current-personal-profile);
 * - Deel documents no revocation endpoint: an app's access is removed in
 *   Deel, which can tell the app with its "OAuth2 Token Revoked" webhook event
 *   (https://developer.deel.com/api/stable/reference/endpoints/oauth/llms.txt),
 *   so disconnect deletes the tokens here and says they were not revoked at Deel.
 * Not checked against Deel's own pages: whether /people/me's members come
 * wrapped in `data`, as most of Deel's answers are (the profileClaims hook
 * reads either); whether the e-mail is verified (kept as not known to be);
 * whether a refresh token ends unused (no end is assumed, so no
 * keep-alive); whether PKCE is taken (the challenge is sent, which RFC
 * 7636 §4.5 has a server ignore); whether the API wants the client id
 * beside the token (none is sent); the body of a refused token request
 * (RFC 6749 §5.2's `error`, as the rotation page names `invalid_grant`).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The person of `/v2/people/me` (its members as they are, or inside `data`):
 * `user_id` as its digits, `full_name` (else the first and last names) as
 * the name, the e-mail and the organization; an answer without a numeric
 * user id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const outer = objectOf(body);
  const person = objectOf(outer?.data) ?? outer;
  const id = person?.user_id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const organization = person!.organization_id;
  return {
    user_id: String(id),
    ...textMembers({
      name: trimmedText(person!.full_name) ?? joinedName(person!.first_name, person!.last_name),
      given_name: person!.first_name,
      family_name: person!.last_name,
      email: person!.email,
    }),
    ...(typeof organization === 'number' && Number.isSafeInteger(organization) ? { organization_id: String(organization) } : {}),
    ...textMembers({ organization_name: person!.organization_name }),
  };
}

export const deel: ProviderPreset = {
  displayName: 'Deel',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.deel.com/oauth2/authorize',
      tokenEndpoint: 'https://app.deel.com/oauth2/tokens',
      userinfoEndpoint: 'https://api.letsdeel.com/rest/v2/people/me',
    },
    scope: 'people:read',
    apiBaseUrl: 'https://api.letsdeel.com/rest',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    subjectClaim: 'user_id',
    refreshSendsRedirectUri: true,
    hooks: { profileClaims },
  }),
};
