/**
 * ServiceM8 (a public application, an add-on made in a ServiceM8 Development
 * Partner account, with its App Id and App Secret, its Return URL's host the
 * callback's). OAuth 2.0 authorization code with explicit endpoints; the
 * token acts on the ServiceM8 account that connected the add-on. From
 * ServiceM8's developer docs:
 * - public applications use OAuth 2.0 (Basic Auth is for private ones, and
 *   not for accounts with two-step authentication); the grant types are
 *   `authorization_code` and `refresh_token`
 *   (https://developer.servicem8.com/docs/authentication);
 * - `GET /oauth/authorize` with `response_type=code`, `client_id`, `scope`
 *   (required) and an optional `redirect_uri` on the same host as the Return
 *   URL; the account's user grants the scopes and is sent back with `code`.
 *   The code is exchanged at `POST /oauth/access_token` with `client_id`,
 *   `client_secret` and `code` as parameters: the client in the form
 *   (http://developer.servicem8.com/docs/platform-services/authentication/).
 *   No PKCE is named, so none is sent;
 * - the API is `https://api.servicem8.com/api_1.0` with the token as
 *   `Authorization: Bearer`; a token not taken is answered "Your OAuth2
 *   token is incorrect or has expired" (https://developer.servicem8.com/reference);
 * - the account is the Vendor, "Vendor account information", read with the
 *   `vendor` scope (https://developer.servicem8.com/reference/getvendors):
 *   `GET /api_1.0/vendor.json` lists it
 *   (https://developer.servicem8.com/reference/get-vendor-all), a record
 *   whose `uuid` (the subject) comes with the business's `name`. `vendor`
 *   ("basic account information") is the one scope asked; add those the
 *   add-on's calls need (`read_jobs`, `read_staff`…).
 * Not checked against ServiceM8's pages: the hosts of the authorize and
 *   token URLs (go.servicem8.com, as integrations of ServiceM8 use it; the
 *   older page names www.servicem8.com); the token answer's members
 *   (`access_token`, `expires_in` 3600, `token_type`, `scope`,
 *   `refresh_token` are assumed), the refresh request
 *   (`grant_type=refresh_token` with the client in the form) and whether a
 *   refresh answers a new refresh token and ends the old one (the newest is
 *   kept either way); that `vendor.json` answers only the connected account
 *   (the first record is read), and that its `uuid` is never given to another
 *   account (a UUID, the only id ServiceM8 names for the account); the token
 *   endpoint's refusals (RFC 6749 §5.2's are assumed) and the API's 401 body.
 *   ServiceM8 documents no revocation endpoint: disconnect forgets the tokens
 *   here.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The account of `/vendor.json`: the first record's `uuid` as `id`, with the business's `name`; a list without a
 * record of a string `uuid` names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const vendor = Array.isArray(body) ? objectOf(body[0]) : undefined;
  const id = vendor?.uuid;
  if (typeof id !== 'string' || id.trim() === '') return undefined;
  return { id, ...textMembers({ name: vendor!.name }) };
}

export const servicem8: ProviderPreset = {
  displayName: 'ServiceM8',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://go.servicem8.com/oauth/authorize',
      tokenEndpoint: 'https://go.servicem8.com/oauth/access_token',
      userinfoEndpoint: 'https://api.servicem8.com/api_1.0/vendor.json',
    },
    // The account's basic information, which /vendor.json needs; add the scopes the add-on's calls need.
    scope: 'vendor',
    apiBaseUrl: 'https://api.servicem8.com/api_1.0',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
