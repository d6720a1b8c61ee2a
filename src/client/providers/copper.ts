/**
 * Copper (the CRM): plain OAuth 2.0 for its Developer API. From Copper's developer pages:
 * - an application is registered by asking Copper, which issues its `client_id` and `client_secret` for the HTTPS
 *   callback given (https://developer.copper.com/introduction/oauth/index.html);
 * - the person is sent to `GET https://app.copper.com/oauth/authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri`, `scope`, which must be `developer/v1/all`, and an optional `state`; once they authorize, Copper
 *   sends them back to the redirect URI with a POST whose form carries the `code`, so the callback takes a POST, as
 *   it does for form_post answers (https://developer.copper.com/introduction/oauth/flow.html,
 *   https://developer.copper.com/introduction/oauth/quickstart.html);
 * - the code is exchanged with a form POST to `https://app.copper.com/oauth/token` carrying `grant_type`, `code`,
 *   `redirect_uri`, `client_id` and `client_secret`, answered with `access_token`, `token_type: "Bearer"` and
 *   `scope`, and no `expires_in` nor refresh token (the quickstart), so the token is kept until Copper refuses it;
 * - API calls carry the token as Bearer under `https://api.copper.com/developer_api/v1`, with `X-PW-Application:
 *   developer_api` as every Copper API call must (https://developer.copper.com/introduction/requests.html);
 * - the person is `GET /users/me` ("me", the special id of the current API user), whose `id` is "the User's unique
 *   identifier", with `name` and `email` (https://developer.copper.com/account-and-users/fetch-user-by-id.html).
 * Not checked against Copper's pages: that the user `id` is unique across Copper's companies and never reused (the
 * page calls it the User's unique identifier, of a user "within a company"; it is a number, taken as is), that a
 * Bearer call needs `X-PW-Application` too (the requests page names it beside the API key's headers), whether PKCE
 * is taken (none is sent), the token endpoint's refusals (RFC 6749 §5.2's are assumed), the API's answer to a token
 * it does not take (401 assumed), whether the e-mail is verified (stored unverified), and any revocation (none is
 * documented: a disconnect deletes the token here only).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The User of `/users/me` as claims: its `id` (a number, as a string), the name and the e-mail; an answer without
 * a whole positive id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  return { id: String(id), ...textMembers({ name: user!.name, email: user!.email }) };
}

export const copper: ProviderPreset = {
  displayName: 'Copper',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.copper.com/oauth/authorize',
      tokenEndpoint: 'https://app.copper.com/oauth/token',
      userinfoEndpoint: 'https://api.copper.com/developer_api/v1/users/me',
    },
    scope: 'developer/v1/all',
    apiBaseUrl: 'https://api.copper.com/developer_api/v1',
    apiHeaders: { 'x-pw-application': 'developer_api' },
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
