/**
 * Hootsuite (an app created in the Hootsuite Developer Portal with REST API
 * access, its REST API Client ID and Secret, the callback as its REST API
 * Callback URL). OAuth 2.0 authorization code with explicit endpoints, from
 * Hootsuite's REST API docs (https://developer.hootsuite.com/docs/api-authentication,
 * https://developer.hootsuite.com/docs/getting-started-with-the-rest-api and the
 * API reference, https://apidocs.hootsuite.com/docs/api/index.html):
 * - `GET https://platform.hootsuite.com/oauth2/auth` with `response_type=code`,
 *   `client_id`, `redirect_uri`, `state` (required, at least 8 characters)
 *   and `scope`, whose values are `offline` (a refresh token) and
 *   `analytics:read`, separated by spaces: `offline` is asked;
 * - `POST https://platform.hootsuite.com/oauth2/token`, a URL-encoded form,
 *   the client as HTTP Basic (RFC 6749 §2.3.1) and never in the body, which
 *   Hootsuite does not take; `redirect_uri` again at the exchange. A code used
 *   twice revokes every token the first exchange gave. The answer is
 *   `access_token`, `token_type`, `expires_in`, `refresh_token` and `scope`;
 *   a refresh is `grant_type=refresh_token` with the same Basic header.
 *   OAuth refusals are RFC 6749's `error` (with `error_description`);
 * - API calls go to `https://platform.hootsuite.com/v1` with the token as
 *   `Authorization: Bearer`; answers are wrapped in `data`, refusals in
 *   `errors` (`code` 1001 for an invalid access token). The person is
 *   `GET /v1/me`, the authenticated member: `id` (the member ID, a numeric
 *   string, the key of `/v1/members/{memberId}`: the subject), `email`,
 *   `fullName`, `companyName`, `timezone`, `language`… A member the API
 *   answers for acts with the permissions they have in the Hootsuite
 *   dashboard.
 * Not checked against Hootsuite's pages: whether a refresh ends the refresh
 *   token it spent (the newest is always kept), and the access token's
 *   lifetime (the reference's example says 30 days, the member-app page an
 *   hour; `expires_in` is read either way); whether the member ID is ever
 *   reused; whether the e-mail is verified (it is stored unverified); whether
 *   PKCE is taken (none is sent). Hootsuite documents no revocation endpoint
 *   for these tokens: disconnect forgets them here.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The member in `data` of `/v1/me`: its `id` (a string of digits), the full name and the e-mail; an answer without
 * such an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const member = objectOf(objectOf(body)?.data);
  const id = member?.id;
  if (typeof id !== 'string' || !/^\d+$/.test(id)) return undefined;
  return { id, ...textMembers({ name: member!.fullName, email: member!.email }) };
}

export const hootsuite: ProviderPreset = {
  displayName: 'Hootsuite',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://platform.hootsuite.com/oauth2/auth',
      tokenEndpoint: 'https://platform.hootsuite.com/oauth2/token',
      userinfoEndpoint: 'https://platform.hootsuite.com/v1/me',
    },
    // `offline` for a refresh token; `analytics:read` is the other scope, for Hootsuite's analytics API.
    scope: 'offline',
    apiBaseUrl: 'https://platform.hootsuite.com/v1',
    tokenEndpointAuthMethod: 'client_secret_basic',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
