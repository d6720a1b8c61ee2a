/**
 * Uphold (an application registered in Uphold's developer dashboard, for the Web Application Flow, its Redirect URL
 * set there to the callback). Plain OAuth 2.0 with explicit endpoints: no discovery, no ID token. From Uphold's API
 * documentation (https://uphold.com/en/developer/api/documentation/):
 * - the person is sent to `https://wallet.uphold.com/authorize/<client_id>`, the client's id a segment of the path,
 *   with `scope` (required, space-separated) and `state` (required); they come back to the Redirect URL registered
 *   on the application, which "cannot be dynamically reconfigured during authorization requests", with a `code` valid
 *   for 5 minutes and usable once (#web-application-flow);
 * - the code is exchanged by `POST https://api.uphold.com/oauth2/token` with `code` and
 *   `grant_type=authorization_code`, the client "recommended" as HTTP Basic rather than in the form (same section);
 *   the answer shown is `access_token` and `expires_in: null`, with no `token_type` (omitsTokenType reads it as
 *   Bearer) and no refresh token: the token has no stated end and is kept until the API refuses it;
 * - the token goes as `Authorization: Bearer` and "no other method of authentication is supported" (same section);
 *   the API is `https://api.uphold.com/v0`;
 * - the scopes (#permissions) include `user:read`, which `GET /v0/me` needs (#get-user) and which alone is asked
 *   here, as Uphold asks apps to "only specify scopes that your application absolutely needs";
 * - the person is the User Object of `/v0/me` (#user-object): its `id` (a UUID, the `userId` Uphold's webhooks name
 *   the user by, #webhooks) is the subject, never the `email` or the `username`; `name` (or `firstName` and
 *   `lastName`) names them, and the e-mail is stored unverified, Uphold saying nothing of its verification;
 * - people "can revoke access to your application at any time" and the app must then ask again (#considerations);
 *   Uphold documents no revocation of an OAuth token (its `DELETE /v0/me/tokens/:token` is for Personal Access
 *   Tokens), so disconnect forgets the token here. The sandbox's hosts (`wallet-sandbox.uphold.com`,
 *   `api-sandbox.uphold.com`) are set through `<NAME>_AUTHORIZE_URL`, `<NAME>_ACCESS_TOKEN_URL` and
 *   `<NAME>_API_BASE_URL`.
 * Not checked against Uphold's pages: that the authorization page and the code exchange ignore the `client_id`,
 * `response_type` and `redirect_uri` the core also sends (the page names only `scope`, `state` and `intention`; the
 * exchange only the client, `code` and `grant_type`); a denial's answer (RFC 6749's `error=access_denied` is
 * assumed); the token endpoint's refusals (RFC 6749 §5.2's are assumed); the body of the API's 401 (only the status
 * is documented, #errors); that `id` is in every answer of `/v0/me` (the User Object's example shows it, the Get
 * User example does not); whether PKCE is taken (none is sent).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The User Object of `/v0/me`: its `id`, the `name` (or the first and last names joined), the names, the username
 * and the e-mail. An answer without a string id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = trimmedText(user?.id);
  if (id === undefined) return undefined;
  const name = trimmedText(user!.name) ?? joinedName(user!.firstName, user!.lastName);
  return { id, ...textMembers({ name, given_name: user!.firstName, family_name: user!.lastName, preferred_username: user!.username, email: user!.email }) };
}

export const uphold: ProviderPreset = {
  displayName: 'Uphold',
  settings: (_values, client) => ({
    endpoints: {
      authorizationEndpoint: `https://wallet.uphold.com/authorize/${encodeURIComponent(client?.clientId ?? '')}`,
      tokenEndpoint: 'https://api.uphold.com/oauth2/token',
      userinfoEndpoint: 'https://api.uphold.com/v0/me',
    },
    scope: 'user:read',
    apiBaseUrl: 'https://api.uphold.com/v0',
    tokenEndpointAuthMethod: 'client_secret_basic',
    omitsTokenType: true,
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
