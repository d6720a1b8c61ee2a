/**
 * Home Connect, the API of BSH's connected home appliances (Bosch, Siemens…):
 * an application registered in the Home Connect Developer Portal with the
 * Authorization Code Grant Flow, its client id and secret, and the callback as
 * its redirect URI. Plain OAuth 2.0 authorization code with
 * explicit endpoints; connect-only. From Home Connect's docs:
 * - the hosts: `https://api.home-connect.com` for physical appliances,
 *   `https://api.home-connect.cn` for an application in Greater China, and
 *   `https://simulator.home-connect.com` for the simulated appliances of the
 *   developer account (https://api-docs.home-connect.com/,
 *   https://api-docs.home-connect.com/quickstart/): `<NAME>_BASE_URL` picks
 *   one, the first by default;
 * - `GET /security/oauth/authorize` with `client_id`, `response_type=code`,
 *   `redirect_uri`, `scope` (space-separated) and `state`, and optionally a
 *   PKCE `code_challenge` with `code_challenge_method` `S256` (recommended
 *   there) or `plain`; the code lasts ten minutes
 *   (https://api-docs.home-connect.com/authorization/,
 *   https://developer.home-connect.com/docs/authorization/flow). S256 is sent;
 * - the scopes are permissions on appliances: `IdentifyAppliance` is required
 *   for every request, beside `Monitor`, `Control`, `Settings` or an appliance
 *   type's own (`Dishwasher`, `Oven-Monitor`…), and an application should ask
 *   the fewest it needs (https://api-docs.home-connect.com/authorization/).
 *   `IdentifyAppliance` alone is asked; more with `<NAME>_SCOPE`;
 * - `POST /security/oauth/token` takes a form; a refresh is
 *   `grant_type=refresh_token` with `refresh_token` and the `client_secret`,
 *   which the authorization code flow requires, and answers `id_token` ("same
 *   as access token"), `access_token`, `expires_in` (86400, a day),
 *   `scope`, `refresh_token` (which ends when it goes unused for two months)
 *   and `token_type` (https://developer.home-connect.com/docs/authorization/token_refresh).
 *   The client is sent in the form (client_secret_post); the `id_token`, a
 *   copy of the access token that names nobody, is dropped unread
 *   (idTokenUnused);
 * - the API is `<host>/api` (e.g. `GET /api/homeappliances`, the appliances
 *   paired with the person's account, each by its `haId`) with the token as
 *   Bearer, its JSON in BSH's media type `application/vnd.bsh.sdk.v1+json`,
 *   sent as `Accept` (https://api-docs.home-connect.com/quickstart/,
 *   https://api-docs.home-connect.com/); it is rate-limited per client and
 *   account, 429 with `Retry-After` past a limit
 *   (https://developer.home-connect.com/docs/general/ratelimiting).
 * Home Connect documents no user or account id a token can read, nor a user
 * endpoint (an appliance's `haId` is a device, not the person): the preset is
 * connect-only, a connection of a person already signed in here, whose own id
 * is its subject (connectOnly). No revocation is documented either:
 * disconnect forgets the tokens here.
 * Not checked against Home Connect's pages: the code exchange's own parameter
 * list (`client_id`, `client_secret`, `code`, `redirect_uri` and
 * `code_verifier` in the form are assumed, as the refresh page and RFC 6749
 * §4.1.3 have them); whether a refresh answers a new refresh token and the
 * old one then stops working (the newest answered is kept); the bodies of the
 * token endpoint's refusals (RFC 6749 §5.2's `error` assumed, 400
 * `invalid_grant` for a refresh token it does not take) and of the API's 401
 * for a token it refuses; whether the API refuses another `Accept`.
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** BSH's media type for the Home Connect API's JSON, sent as `Accept` on every call. */
const HOME_CONNECT_ACCEPT = 'application/vnd.bsh.sdk.v1+json';

export const home_connect: ProviderPreset = {
  displayName: 'Home Connect',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const host = withoutTrailingSlash(baseUrl ?? 'https://api.home-connect.com');
    return {
      endpoints: {
        authorizationEndpoint: `${host}/security/oauth/authorize`,
        tokenEndpoint: `${host}/security/oauth/token`,
      },
      // Required for every request; the appliance permissions an app needs are added with <NAME>_SCOPE.
      scope: 'IdentifyAppliance',
      apiBaseUrl: `${host}/api`,
      apiHeaders: { accept: HOME_CONNECT_ACCEPT },
      tokenEndpointAuthMethod: 'client_secret_post',
      idTokenUnused: true,
      connectOnly: true,
    };
  },
};
