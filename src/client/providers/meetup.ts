/**
 * Meetup (an OAuth client registered under the Meetup account's OAuth clients, for the GraphQL API). Plain OAuth 2.0
 * with explicit endpoints: no discovery, no ID token, no scopes named; the API is GraphQL. From Meetup's API pages:
 * - `GET https://secure.meetup.com/oauth2/authorize` with `client_id`, `response_type=code` and `redirect_uri`, which
 *   must start with the redirect URI registered for the client (same host and port, a path below it); the member
 *   signs in if need be, approves, and goes back with `code` and the `state` sent
 *   (https://www.meetup.com/api/authentication/). The page names no scopes, so none is asked;
 * - `POST https://secure.meetup.com/oauth2/access` is the access token endpoint, "Access Tokens" in the same page's
 *   table of endpoints (https://www.meetup.com/api/authentication/);
 * - requests carry the token as `Authorization: Bearer {token}`; the GraphQL API is
 *   `POST https://api.meetup.com/gql-ext` with a JSON `{ query }`, and the person is `query { self { id name } }`,
 *   answered `{ data: { self: { id, name } } }` (https://www.meetup.com/api/guide/). The member's `id` is the subject;
 *   its `name` is only the name. The example id is a number, GraphQL's `ID` type is a string: both are read, and
 *   kept as the string of digits.
 * Not checked against Meetup's own pages (their token sections could not be read here): the token request's members
 *   (`client_id`, `client_secret`, `grant_type`, `redirect_uri` and `code` in a form, as Meetup's client libraries
 *   send them) and its answer (`access_token`, `token_type: "bearer"`, `expires_in` of 3600 and `refresh_token`, as
 *   those libraries store it); the refresh (`grant_type=refresh_token` with the client in the form), whether it
 *   answers a new refresh token (the newest is always kept) and whether the spent one ends; the token endpoint's
 *   refusals (RFC 6749 §5.2's are assumed); whether PKCE is taken (none is sent); the e-mail (the guide's query reads
 *   none, so none is asked: a field the schema lacked would fail the whole query); how the API refuses a token it does
 *   not take (a 401 is assumed). Meetup documents no revocation: disconnect forgets the tokens, and the member removes
 *   the app in their Meetup settings.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/** A member id as Meetup may send it: a positive whole number, or the same as a string of digits. */
function memberId(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? String(value) : undefined;
  return typeof value === 'string' && /^[1-9]\d{0,19}$/.test(value) ? value : undefined;
}

/**
 * The member of the GraphQL answer `{ data: { self } }`: its `id` (as a string of digits) and the name. An answer
 * without `self` (GraphQL `errors`, `data: null`) or without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const self = objectOf(objectOf(objectOf(body)?.data)?.self);
  const id = memberId(self?.id);
  if (id === undefined) return undefined;
  return { id, ...textMembers({ name: self!.name }) };
}

export const meetup: ProviderPreset = {
  displayName: 'Meetup',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://secure.meetup.com/oauth2/authorize',
      tokenEndpoint: 'https://secure.meetup.com/oauth2/access',
      userinfoEndpoint: 'https://api.meetup.com/gql-ext',
    },
    // Meetup's authorization page names no scopes.
    scope: '',
    apiBaseUrl: 'https://api.meetup.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    userinfoPostJson: { query: 'query { self { id name } }' },
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
