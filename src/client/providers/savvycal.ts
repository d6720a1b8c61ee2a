/**
 * SavvyCal (an OAuth application made in SavvyCal's settings, or by SavvyCal's
 * support on request, the callback as its redirect URI). Plain OAuth 2.0
 * authorization code with explicit endpoints, no scopes. From SavvyCal's API
 * docs:
 * - `GET https://savvycal.com/oauth/authorize` with `response_type=code`,
 *   `client_id` and `redirect_uri`; the person is sent back to the redirect
 *   URI with a `code` (https://savvycal.com/docs/api/authentication). No scope
 *   is named anywhere, so none is asked;
 * - the token endpoint is `/oauth/token` on savvycal.com, the OpenAPI
 *   description's authorization code flow
 *   (https://savvycal.com/docs/api/endpoints/users); access tokens are
 *   short-lived (2 hours) and are refreshed with the long-lived refresh token
 *   the authorization issued (https://savvycal.com/docs/api/authentication);
 * - API calls go to `https://api.savvycal.com/v1` with the token as
 *   `Authorization: Bearer` (https://savvycal.com/docs/api/authentication);
 *   the person is `GET /v1/me`, the Current User: `id` ("The user's ID", an
 *   opaque `user_…` identifier: the subject), `display_name` (first and last
 *   combined), `first_name`, `last_name`, `email`, `time_zone`, `plan`…
 *   (https://savvycal.com/docs/api/resources/current-user/); a token it does
 *   not take is a 401, `{ "errors": [{ "message": "Unauthenticated" }] }`
 *   (https://savvycal.com/docs/api/endpoints/users/).
 * Not checked against SavvyCal's own pages: the token request's form
 *   (`grant_type`, `code`, `redirect_uri`, `client_id` and `client_secret` in
 *   the body, as integrations of SavvyCal send it) and its answer
 *   (`access_token`, `refresh_token`, `expires_in` 7200 and `token_type`),
 *   the refresh request (`grant_type=refresh_token` with the client in the
 *   form) and whether a refresh answers a new refresh token and ends the old
 *   one (the newest is always kept); whether PKCE is taken (none is sent);
 *   the token endpoint's error bodies (RFC 6749 §5.2's are assumed); whether
 *   the e-mail is verified (it is stored unverified). SavvyCal documents no
 *   revocation: disconnect forgets the tokens here.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers } from './profile-text.js';

/**
 * The Current User of `/v1/me`: its `id`, the `display_name` (or the first and last names joined) and the e-mail;
 * an answer without a string id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'string' || id.trim() === '') return undefined;
  const name = textMembers({ name: user!.display_name }).name ?? joinedName(user!.first_name, user!.last_name);
  return { id, ...textMembers({ name, given_name: user!.first_name, family_name: user!.last_name, email: user!.email }) };
}

export const savvycal: ProviderPreset = {
  displayName: 'SavvyCal',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://savvycal.com/oauth/authorize',
      tokenEndpoint: 'https://savvycal.com/oauth/token',
      userinfoEndpoint: 'https://api.savvycal.com/v1/me',
    },
    // None: SavvyCal's OAuth names no scopes; a token acts as the person.
    scope: '',
    apiBaseUrl: 'https://api.savvycal.com/v1',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
