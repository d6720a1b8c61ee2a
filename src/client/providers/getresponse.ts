/**
 * GetResponse (an application registered in a GetResponse account under
 * Integrations & API, Authorizations, its Redirect URL the callback; the
 * GetResponse API v3 at api.getresponse.com, not GetResponse MAX's hosts).
 * Plain OAuth 2.0 authorization code with explicit endpoints, no scopes.
 * From GetResponse's API docs:
 * - `GET https://app.getresponse.com/oauth2_authorize.html` with
 *   `response_type=code`, `client_id` and `state`; GetResponse sends the
 *   browser back to the redirect URL registered for the application with
 *   `code` and the same `state`, a code to be exchanged within 10 minutes
 *   (https://apidocs.getresponse.com/v3/oauth2,
 *   https://apidocs.getresponse.com/v3/case-study/oauth2-authorization-code).
 *   No scope is named, so none is asked; no PKCE is named, so none is sent;
 * - the code is exchanged at `POST https://api.getresponse.com/v3/token`, a
 *   form with `grant_type=authorization_code` and `code`, the client as HTTP
 *   Basic (`-u client_id:client_secret`); the answer carries a
 *   `refresh_token`, and an application using the code flow is told to
 *   refresh with it when the access token expires
 *   (https://apidocs.getresponse.com/v3/oauth2); token requests authenticate
 *   with `Authorization: Basic`, API calls with `Authorization: Bearer`, and
 *   a failed authentication is an HTTP 401
 *   (https://apidocs.getresponse.com/v3/case-study/getting-started);
 * - the account is `GET /v3/accounts`, "your personal information": a single
 *   resource, never a list, whose `accountId` (always returned: the subject)
 *   comes with `firstName`, `lastName`, `email`, `companyName`, `phone`…
 *   (https://apidocs.getresponse.com/v3/resources/accounts). Its e-mail is
 *   changed only in the account, after approval (same page).
 * Not checked against GetResponse's pages: the token answer's members beyond
 *   `refresh_token` (`access_token`, `expires_in`, `token_type` "Bearer" and
 *   `scope` are assumed, a day's lifetime in the emulator), the refresh
 *   request (`grant_type=refresh_token` and `refresh_token`, the client as
 *   Basic, as at the exchange) and whether a refresh answers a new refresh
 *   token and ends the old one (the newest is kept either way); whether the
 *   `redirect_uri` this client sends with the authorization and the exchange
 *   is checked against the registered one (the emulator insists it match);
 *   the token endpoint's refusals (RFC 6749 §5.2's are assumed) and the body
 *   of the API's 401 (GetResponse's error object, `httpStatus`, `code`,
 *   `codeDescription`, `message`, `moreInfo`, as its errors pages show it for
 *   other codes); that `accountId` is never given to another account (it is
 *   the account's id, the only one GetResponse names); whether the e-mail is
 *   verified (it is stored unverified). GetResponse documents no revocation
 *   endpoint for OAuth tokens: disconnect forgets the tokens here.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers } from './profile-text.js';

/**
 * The account of `/v3/accounts`: its `accountId` as `id`, the owner's first and last names joined, the e-mail and
 * the company's name; an answer without a string `accountId` names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const account = objectOf(body);
  const id = account?.accountId;
  if (typeof id !== 'string' || id.trim() === '') return undefined;
  return {
    id,
    ...textMembers({ name: joinedName(account!.firstName, account!.lastName), given_name: account!.firstName, family_name: account!.lastName, email: account!.email, company: account!.companyName }),
  };
}

export const getresponse: ProviderPreset = {
  displayName: 'GetResponse',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.getresponse.com/oauth2_authorize.html',
      tokenEndpoint: 'https://api.getresponse.com/v3/token',
      userinfoEndpoint: 'https://api.getresponse.com/v3/accounts',
    },
    // None: GetResponse's OAuth names no scopes; a token reaches the account that granted it.
    scope: '',
    apiBaseUrl: 'https://api.getresponse.com/v3',
    tokenEndpointAuthMethod: 'client_secret_basic',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
