/**
 * start.gg (the esports tournament platform, formerly smash.gg; an OAuth application made in the developer portal,
 * https://start.gg/admin/profile/developer/applications). Plain OAuth 2.0 with explicit endpoints: no discovery, no ID
 * token. From start.gg's docs:
 * - `GET https://start.gg/oauth/authorize` with `response_type=code`, `client_id`, `redirect_uri` and `scope`, a list
 *   of scopes separated by spaces (https://developer.start.gg/docs/oauth/oauth-overview). The scopes are
 *   `user.identity` (the `currentUser` query and the user's public fields), `user.email` (its `email`, with
 *   `user.identity`), `tournament.manager` (seeding and bracket setup) and `tournament.reporter` (set reporting)
 *   (https://developer.start.gg/docs/oauth/scopes);
 * - the code is exchanged with a POST to `https://api.start.gg/oauth/access_token`, a JSON body
 *   (`application/json`) of `grant_type=authorization_code`, `client_secret`, `code`, `scope` ("List of scopes
 *   separated by a space"), `client_id` and `redirect_uri`; the answer is `access_token`, `token_type: "Bearer"`,
 *   `expires_in` (604800: a week) and `refresh_token`, with no `scope` (oauth-overview, and
 *   https://developer.start.gg/docs/oauth/example-oauth-flow): the tokenRequest hook sends openid-client's form as
 *   that JSON, and tokenRequestsSendScope adds the scope, which RFC 6749 §4.1.3 does not send; the stored scope is
 *   the one asked for;
 * - a refresh is a POST to a URL of its own, `https://api.start.gg/oauth/refresh` (refreshEndpoint), a JSON body of
 *   `grant_type=refresh_token`, `refresh_token`, `scope` ("The same scopes as before"), `client_id`,
 *   `client_secret` and `redirect_uri` ("The same redirect uri from before") (oauth-overview): tokenRequestsSendScope
 *   sends the connection's stored scope, refreshSendsRedirectUri the redirect URI of its code exchange. Its answer
 *   is the code exchange's, a new refresh token among it, which is kept;
 * - the API is GraphQL, `POST https://api.start.gg/gql/alpha` with the token as Bearer
 *   (https://developer.start.gg/docs/authentication, https://developer.start.gg/docs/sending-requests); the person
 *   is the query `currentUser` (https://developer.start.gg/reference/query.doc.html), a `User`
 *   (https://developer.start.gg/reference/user.doc.html) whose `id` is the subject, `name` its public name, `email`
 *   (behind `user.email`) and `player { gamerTag }` the tag it competes under, kept as `preferred_username` and
 *   used as the name when the person publishes none.
 * Not checked against start.gg's own pages: whether `state` comes back with the code (the docs' example sends none;
 * Tokenkeeper sends one and checks it, so a start.gg that dropped it would fail every sign-in); whether PKCE is taken (none
 * is sent, as the docs list no such parameter); whether the refresh token used still works after a refresh, or ends
 * unused (the newest is kept, and no idle lifetime is set); the token endpoints' refusals (taken as RFC 6749 §5.2's),
 * and the status the API answers an ended token with (taken as 401); whether the e-mail is verified (kept with its
 * verification unknown). start.gg documents no revocation: a disconnect deletes the tokens here.
 */
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';

/**
 * The `currentUser` of the GraphQL answer `{ data: { currentUser } }`: its `id`, `name` (or, when the person
 * publishes none, the player's gamer tag), `email` and `slug`, and the gamer tag as `gamerTag`. No user (a token
 * without `user.identity`, an `errors` answer) is no profile, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(objectOf(body)?.data)?.currentUser);
  if (!user || (typeof user.id !== 'number' && typeof user.id !== 'string')) return undefined;
  const gamerTag = objectOf(user.player)?.gamerTag;
  const tag = typeof gamerTag === 'string' && gamerTag !== '' ? gamerTag : undefined;
  const name = typeof user.name === 'string' && user.name !== '' ? user.name : tag;
  const { player: _player, ...claims } = user;
  return { ...claims, ...(name === undefined ? {} : { name }), ...(tag === undefined ? {} : { gamerTag: tag }) };
}

export const startgg: ProviderPreset = {
  displayName: 'start.gg',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://start.gg/oauth/authorize',
      tokenEndpoint: 'https://api.start.gg/oauth/access_token',
      refreshEndpoint: 'https://api.start.gg/oauth/refresh',
      userinfoEndpoint: 'https://api.start.gg/gql/alpha',
    },
    scope: 'user.identity user.email',
    apiBaseUrl: 'https://api.start.gg',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    tokenRequestsSendScope: true,
    refreshSendsRedirectUri: true,
    userinfoPostJson: { query: 'query { currentUser { id name email slug player { gamerTag } } }' },
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'gamerTag' },
    hooks: { tokenRequest: jsonTokenRequest(), profileClaims },
  }),
};
