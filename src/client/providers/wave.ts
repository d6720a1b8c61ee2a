/**
 * Wave (the Wave API, for an application created under Manage Applications in
 * Wave's developer portal). Plain OAuth 2.0 with explicit endpoints: no
 * discovery, no ID token; the API is GraphQL, so the person is read with a
 * POST of the `user` query. From Wave's docs:
 * - `GET https://api.waveapps.com/oauth2/authorize/` takes `client_id`,
 *   `response_type=code`, `scope` (required, space-delimited), `redirect_uri`
 *   (else the first one registered with the application), `state`, and the
 *   optional `approval_prompt` (`auto`, the default, or `force`) and
 *   `businessId` (the business suggested when a token is restricted to one);
 *   only businesses with an active Pro or Wave Advisor subscription can be
 *   granted (https://developer.waveapps.com/hc/en-us/articles/360019493652-OAuth-Guide);
 * - scopes are `resource:operation` (`user:read`, `business:read`,
 *   `invoice:write`, `customer:*`…), and write does not imply read
 *   (https://developer.waveapps.com/hc/en-us/articles/360032818132-OAuth-Scopes):
 *   `user:read` reads who signed in, `business:read` the businesses the
 *   proxy's calls name;
 * - the API is GraphQL at `https://gql.waveapps.com/graphql/public`, the token
 *   as Bearer (https://developer.waveapps.com/hc/en-us/articles/360018856751-Authentication);
 *   the logged-in user is the query `user { id firstName lastName
 *   defaultEmail }`, answered `{ data: { user } }`
 *   (https://developer.waveapps.com/hc/en-us/articles/360019968212-API-Reference);
 *   the subject is its `id`, never the e-mail.
 * The token endpoint `https://api.waveapps.com/oauth2/token/` (the client's
 * id and secret in the form, the code or a refresh token) and the revocation
 * endpoint `https://api.waveapps.com/oauth2/token-revoke/` (the client's id
 * and secret and `token`, as RFC 7009 with the client in the form) are named
 * in the OAuth Guide, whose later sections could not be read here.
 * Not checked against Wave's own pages: the token answer's members and the
 * access token's lifetime (RFC 6749 §5.1's, with `expires_in`, is assumed;
 * two hours is what integrators report); whether a refresh answers a new
 * refresh token and whether the spent one still works (the answer's is
 * kept); whether a refresh token needs a scope the scope list does not name
 * (integrators report `offline_access`: `<NAME>_SCOPE` adds it); whether
 * PKCE is taken (none is sent, the authorization request's parameters
 * naming none); the body and status of a refused token request (RFC 6749
 * §5.2 is assumed) and of a GraphQL call with an ended token (401 is
 * assumed); whether the default e-mail is verified (kept as not known to be).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The user of the GraphQL answer `{ data: { user } }`: its `id` (the subject), the first and last names as
 * `given_name` and `family_name` (joined as the name), and the default e-mail; an answer without an id names no one,
 * and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(objectOf(body)?.data)?.user);
  const id = user?.id;
  if (typeof id !== 'string' || id.trim() === '') return undefined;
  return { id, ...textMembers({ given_name: user!.firstName, family_name: user!.lastName, email: user!.defaultEmail }) };
}

export const wave: ProviderPreset = {
  displayName: 'Wave',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.waveapps.com/oauth2/authorize/',
      tokenEndpoint: 'https://api.waveapps.com/oauth2/token/',
      userinfoEndpoint: 'https://gql.waveapps.com/graphql/public',
      revocationEndpoint: 'https://api.waveapps.com/oauth2/token-revoke/',
    },
    scope: 'user:read business:read',
    apiBaseUrl: 'https://gql.waveapps.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    userinfoPostJson: { query: '{ user { id firstName lastName defaultEmail } }' },
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
