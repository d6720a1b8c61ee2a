/**
 * Product Hunt (API 2.0, for an OAuth application created in its API Dashboard,
 * https://api.producthunt.com/v2/oauth/applications, the callback as its redirect URI). Plain OAuth 2.0 with explicit
 * endpoints over a GraphQL API: no discovery, no ID token. From Product Hunt's API 2.0 docs:
 * - `GET https://api.producthunt.com/v2/oauth/authorize` with `client_id`, `redirect_uri`, `response_type=code` and
 *   `scope`, which is required: `public` for public information, `public private` for the signed-in person's own, and
 *   `public private write` for an app Product Hunt approved for writing
 *   (https://api.producthunt.com/v2/docs/oauth_user_authentication/oauth_authorize_ask_for_access_grant_code_on_behalf_of_the_user,
 *   https://api.producthunt.com/v2/docs). The person's own user is private information, so `public private` is asked;
 * - the code is exchanged with `POST https://api.producthunt.com/v2/oauth/token`, a JSON body (`Content-Type:
 *   application/json`) of `client_id`, `client_secret`, `redirect_uri`, `grant_type=authorization_code` and `code`:
 *   the tokenRequest hook sends openid-client's form as that JSON. The answer is `access_token` and
 *   `token_type: "bearer"`, with no expiry and no refresh token
 *   (https://api.producthunt.com/v2/docs/oauth_user_authentication/oauth_token_use_the_access_grant_code_you_received_through_the_redirect_to_request_an_access_token):
 *   the token is kept without one, and when Product Hunt stops taking it the connection needs a new sign-in;
 * - every API call is `POST https://api.producthunt.com/v2/api/graphql` with `Authorization: Bearer` and JSON
 *   (https://api.producthunt.com/v2/docs/oauth_user_authentication/oauth_test_add_the_access_token_as_header_to_any_request);
 * - the person is the query `viewer { user }`; a `User` has `id` ("ID of the user"), the subject, `name`,
 *   `username`, `headline`, `profileImage` and `url`, and no e-mail (the GraphQL schema in Product Hunt's API starter
 *   kit, https://github.com/producthunt/producthunt-api/blob/master/schema.graphql). The username can be changed,
 *   so it is kept as the preferred username only.
 * Not checked against Product Hunt's pages: whether `state` comes back with the code (Tokenkeeper sends one and
 * checks it); whether PKCE is taken (none is sent); the token endpoint's refusals (RFC 6749 §5.2's are assumed) and
 * what a declined authorization sends back (`error=access_denied` is assumed); what the API answers a token it no
 * longer takes (a 401 is assumed); whether a token ever expires (the answer names no lifetime). Product Hunt
 * documents no revocation: a disconnect deletes the token here.
 */
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The `viewer.user` of the GraphQL answer `{ data: { viewer: { user } } }`: its `id` (an `ID`, kept as text), name,
 * username, headline, picture and profile URL. No user (a token without `private`, an `errors` answer) is no
 * profile, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(objectOf(objectOf(body)?.data)?.viewer)?.user);
  const id = typeof user?.id === 'number' && Number.isSafeInteger(user.id) ? String(user.id) : user?.id;
  if (typeof id !== 'string' || id.trim() === '') return undefined;
  return {
    id: id.trim(),
    ...textMembers({ name: user!.name, preferred_username: user!.username, headline: user!.headline, picture: user!.profileImage, profile: user!.url }),
  };
}

export const product_hunt: ProviderPreset = {
  displayName: 'Product Hunt',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.producthunt.com/v2/oauth/authorize',
      tokenEndpoint: 'https://api.producthunt.com/v2/oauth/token',
      userinfoEndpoint: 'https://api.producthunt.com/v2/api/graphql',
    },
    scope: 'public private',
    apiBaseUrl: 'https://api.producthunt.com/v2/api',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    userinfoPostJson: { query: 'query { viewer { user { id name username headline profileImage url } } }' },
    subjectClaim: 'id',
    hooks: { tokenRequest: jsonTokenRequest(), profileClaims },
  }),
};
