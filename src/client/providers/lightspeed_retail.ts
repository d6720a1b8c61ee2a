/**
 * Lightspeed Retail (R-Series), the POS once called MerchantOS (an API client
 * registered at https://cloud.lightspeedapp.com/oauth/register.php, the
 * callback as its redirect URI). Not the X-Series (formerly Vend, the
 * `lightspeed_x` preset) nor the Restaurant K-Series: another product, other
 * hosts. Plain OAuth 2.0, RFC 6749's authorization code grant, with explicit
 * endpoints: no discovery, no ID token. A token is an employee's grant to one
 * Lightspeed Retail account (a store), so the connection is that account.
 * From Lightspeed's docs:
 * - `GET https://cloud.lightspeedapp.com/auth/oauth/authorize` with
 *   `response_type=code`, `client_id`, `scope` and `state`; the code is
 *   exchanged at `POST https://cloud.lightspeedapp.com/auth/oauth/token`
 *   with `client_id`, `client_secret`, `code` and
 *   `grant_type=authorization_code` in the body, and a refresh is
 *   `grant_type=refresh_token` with the refresh token and the client there
 *   too (https://developers.lightspeedhq.com/retail/authentication/authentication-overview/);
 * - the scopes are `employee:<permission>`, the employee's permissions the
 *   app may use: `employee:all` is all of them, `employee:register`,
 *   `employee:inventory`, `employee:reports`… fewer
 *   (https://developers.lightspeedhq.com/retail/authentication/scopes/);
 *   `employee:all` is asked, `<NAME>_SCOPE` narrows it;
 * - the API is `https://api.lightspeedapp.com/API/V3` with the token as
 *   Bearer; every resource is under the account's id,
 *   `/Account/{accountID}/…`, which `GET /API/V3/Account.json` names: its
 *   `Account` is the account the token is for, `accountID` (digits, sent as
 *   text) and `name`
 *   (https://developers.lightspeedhq.com/retail/introduction/introduction/,
 *   https://developers.lightspeedhq.com/retail/endpoints/Account/). The
 *   `accountID` is the subject, with the account's name; no person is
 *   named, so there is no e-mail;
 * - the tokens an app holds are listed, each refresh token with the employee
 *   who made it, in the account's Settings > Client API Access, where the
 *   merchant revokes them
 *   (https://retail-support.lightspeedhq.com/hc/en-us/articles/115005451508-Managing-third-party-integrations).
 *   Lightspeed documents no revocation endpoint for apps: disconnect deletes
 *   the tokens here.
 * Not checked against Lightspeed's pages: the developer pages above were not
 * read here as stored (the endpoints, parameters and scopes are as Lightspeed
 * integrations and SDKs use them); the access token's lifetime (an hour on
 * the current authorization server, as integrations read `expires_in`, which
 * is what is kept); that a refresh answers a new refresh token and ends the
 * one used (integrations of the current server say both change; the newest is
 * always kept); whether PKCE is read (none is sent); the token endpoint's
 * refusals (RFC 6749 §5.2's `error` assumed); the Account answer's wrapping
 * (`@attributes` with `count`, then `Account` as one object) and what the
 * API answers a token it does not take (a 401 assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/**
 * The account of `/API/V3/Account.json`: `Account.accountID` (digits, as text) and its `name`. An answer naming no
 * account, or several (a list), names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const account = objectOf(objectOf(body)?.Account);
  const raw = account?.accountID;
  const id = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : trimmedText(raw);
  if (!id || !/^[1-9]\d*$/.test(id)) return undefined;
  const name = trimmedText(account!.name);
  return name ? { id, name } : { id };
}

export const lightspeed_retail: ProviderPreset = {
  displayName: 'Lightspeed Retail (R-Series)',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://cloud.lightspeedapp.com/auth/oauth/authorize',
      tokenEndpoint: 'https://cloud.lightspeedapp.com/auth/oauth/token',
      userinfoEndpoint: 'https://api.lightspeedapp.com/API/V3/Account.json',
    },
    scope: 'employee:all',
    apiBaseUrl: 'https://api.lightspeedapp.com/API/V3',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
