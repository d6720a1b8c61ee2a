/**
 * Jobber (an app created in Jobber's Developer Center, https://developer.getjobber.com, with its scopes and the
 * callback as its callback URL; a Jobber admin user connects it to their Jobber account). Plain OAuth 2.0
 * authorization code with explicit endpoints: no discovery, no ID token; the API is GraphQL. From Jobber's Developer
 * Center:
 * - App Authorization (https://developer.getjobber.com/docs/building_your_app/app_authorization/): Jobber implements
 *   the authorization code grant; the resource owner is the Jobber admin user who authorizes the app for their
 *   account, and the app is granted the scopes specified when it was created: the authorization request asks none
 *   (the preset is in the no-scope list). The app's client secret authenticates it and stays on the server;
 * - Refresh Token Rotation (https://developer.getjobber.com/docs/building_your_app/refresh_token_rotation/): on by
 *   default and required for published apps: each refresh answers a new refresh token, which replaces the stored
 *   one, and (for apps created after January 2, 2024) the previous one is invalidated at once;
 * - API Queries and Mutations (https://developer.getjobber.com/docs/using_jobbers_api/api_queries_and_mutations):
 *   every request is a POST of JSON to `https://api.getjobber.com/api/graphql` with the token as Bearer; an invalid
 *   token is a 401 "invalid_request". The API base is `https://api.getjobber.com/api` (the proxy's `/graphql`);
 * - API Versioning (https://developer.getjobber.com/docs/using_jobbers_api/api_versioning/): every request must name
 *   an active version in `X-JOBBER-GRAPHQL-VERSION`; a removed one is upgraded to the oldest still supported. The
 *   preset sends `2025-04-16` (apiHeaders, the profile's request included); a proxy caller may send its own;
 * - Manage App Button (https://developer.getjobber.com/docs/publishing_your_app/manage_app_button/): the `user`
 *   query without arguments gives the Jobber user who connected the app, whose `id` Jobber advises apps to store:
 *   it is the subject. The account is the `account` query (App Lifecycle,
 *   https://developer.getjobber.com/docs/building_your_app/app_lifecycle, open to every app whatever its scopes),
 *   whose `id` and `name` are kept beside it (`account_id`, `account_name`);
 * - a person who disconnects the app ends its access (App Lifecycle); Jobber's `appDisconnect` mutation is not used
 *   here: disconnect deletes the tokens.
 * Not checked against Jobber's pages (they stop, as stored, before these): the endpoints
 * `https://api.getjobber.com/api/oauth/authorize` (`client_id`, `redirect_uri`, `response_type=code`, `state`) and
 * `https://api.getjobber.com/api/oauth/token` (the client in the form with the code or the refresh token), as
 * integrations and Jobber's app template use them; the token answer, which Jobber's template reads the expiry of
 * from the access token's own `exp` (a JWT): when the answer has no `expires_in`, the tokenResponse hook adds one
 * from that `exp`, and without a `token_type` it is read as Bearer (omitsTokenType); the refusals' bodies; PKCE (none
 * is sent); the `user` type's `name { first last full }` and `email { raw }`, and whether the query needs a scope of
 * the app; that a user's id is never another user's; whether the e-mail is verified (kept unverified).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';
import { expiresInFromJwt } from './jwt-expiry.js';

/** The API version sent with every request, unless a proxy caller names another. */
export const JOBBER_GRAPHQL_VERSION = '2025-04-16';

/**
 * The GraphQL answer `{ data: { user, account } }`: the user's `id`, the full name (else the first and last), the
 * first and last names, the e-mail, and the account's id and name; an answer without a user id names no one, and
 * the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const data = objectOf(objectOf(body)?.data);
  const user = objectOf(data?.user);
  const id = trimmedText(user?.id);
  if (!user || !id) return undefined;
  const name = objectOf(user.name);
  const account = objectOf(data!.account);
  return {
    id,
    ...textMembers({
      name: trimmedText(name?.full) ?? joinedName(name?.first, name?.last),
      given_name: name?.first,
      family_name: name?.last,
      email: objectOf(user.email)?.raw,
      account_id: account?.id,
      account_name: account?.name,
    }),
  };
}

export const jobber: ProviderPreset = {
  displayName: 'Jobber',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.getjobber.com/api/oauth/authorize',
      tokenEndpoint: 'https://api.getjobber.com/api/oauth/token',
      userinfoEndpoint: 'https://api.getjobber.com/api/graphql',
    },
    // None: the app is granted the scopes set on it in the Developer Center.
    scope: '',
    apiBaseUrl: 'https://api.getjobber.com/api',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    omitsTokenType: true,
    apiHeaders: { 'x-jobber-graphql-version': JOBBER_GRAPHQL_VERSION },
    proxyHeaders: { request: ['x-jobber-graphql-version'], response: [] },
    userinfoPostJson: { query: '{ user { id name { first last full } email { raw } } account { id name } }' },
    subjectClaim: 'id',
    hooks: { tokenResponse: expiresInFromJwt, profileClaims },
  }),
};
