/**
 * Upwork (an API key from Upwork's API Center, used as an OAuth 2.0 client).
 * Plain OAuth 2.0 authorization code with explicit endpoints: no discovery,
 * no ID token, no scope parameter (the permissions are the ones chosen for
 * the key in the API Center). The API is GraphQL, so the person is read
 * with a POST of the `user` query. From Upwork's pages:
 * - Upwork's API takes OAuth 2.0 as RFC 6749 has it; each application has
 *   its own client credentials, requested while logged in to Upwork
 *   (https://support.upwork.com/hc/en-us/articles/115015933448-API-authentication-and-security);
 * - `GET https://www.upwork.com/ab/account-security/oauth2/authorize` with
 *   `response_type=code`, `client_id`, `redirect_uri` and `state`, and
 *   `POST https://www.upwork.com/api/v3/oauth2/token` for the code and for
 *   a refresh, as Upwork's own Node.js library has them
 *   (https://github.com/upwork/node-upwork-oauth2, lib/config.js); that
 *   library sends the client as HTTP Basic (simple-oauth2's default), and
 *   its example gives an access token's `expires_in` as 86399 (a day) and
 *   the answer as an access and refresh token pair;
 * - a refresh token must be used within two weeks ("you can refresh the
 *   token every two weeks or less", the support page above): the keep-alive
 *   sweep refreshes a connection left unused before then;
 * - the API is `POST https://api.upwork.com/graphql` with the token as
 *   Bearer (https://www.upwork.com/developer/documentation/graphql/api/docs/index.html).
 *   There a user is "an Upwork account holder" and "must be a single
 *   person", whatever their roles (client, freelancer, agency staff) and
 *   organizations; the `user` query answers the person the token is for,
 *   whose `id` is the subject (the library's example asks it `{ user { id
 *   nid rid } }`), read with `name` and `email`.
 * Not checked against Upwork's own pages: the token answer's members beyond
 * the library's example (`token_type`, no `scope`), whether a refresh
 * answers a new refresh token (the library keeps the one it had; a new one
 * would be kept here), the token endpoint's error bodies (RFC 6749 §5.2's
 * are assumed), whether the form's client credentials are also taken (as
 * other clients send them), whether PKCE is taken (none is sent), the
 * `name` and `email` fields of `User` (quoted by others as the reference's
 * example) and whether that e-mail is verified (kept with its verification
 * unknown), and the status a token Upwork no longer takes is answered with.
 * Upwork documents no token revocation: disconnecting deletes the tokens
 * here only.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The user of the GraphQL answer `{ data: { user } }`: its `id`, and its
 * name and e-mail when they are text; an answer without a user id (an
 * `errors` array, a null user) names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(objectOf(body)?.data)?.user);
  const id = trimmedText(user?.id);
  if (id === undefined) return undefined;
  return { id, ...textMembers({ name: user!.name, email: user!.email }) };
}

export const upwork: ProviderPreset = {
  displayName: 'Upwork',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.upwork.com/ab/account-security/oauth2/authorize',
      tokenEndpoint: 'https://www.upwork.com/api/v3/oauth2/token',
      userinfoEndpoint: 'https://api.upwork.com/graphql',
    },
    // None: the permissions are those chosen for the API key in Upwork's API Center.
    scope: '',
    apiBaseUrl: 'https://api.upwork.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    pkce: false,
    userinfoPostJson: { query: '{ user { id name email } }' },
    refreshTokenIdleSeconds: 14 * 86_400,
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { profileClaims },
  }),
};
