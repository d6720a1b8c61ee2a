/**
 * GoTo (GoTo Connect, GoTo Meeting, GoTo Webinar…: an OAuth client created in
 * the GoTo Developer Center, the callback among its redirect URIs). Plain
 * OAuth 2.0 at `authentication.logmeininc.com`, without discovery or an ID
 * token. From GoTo's developer guides:
 * - `GET https://authentication.logmeininc.com/oauth/authorize` with
 *   `client_id`, `response_type=code` and `redirect_uri`; "only the scopes
 *   set in your OAuth client will be requested from your end users", so no
 *   scope is asked (https://developer.goto.com/guides/Authentication/03_HOW_accessToken/);
 * - `POST https://authentication.logmeininc.com/oauth/token`, a form, the
 *   client as `Authorization: Basic` of "the string of clientID:clientSecret
 *   base64 encoded", as they are: the guide's sample secret holds `+` and
 *   `=`, which RFC 6749 §2.3.1's form-encoding would change
 *   (https://developer.goto.com/guides/Authentication/05_HOW_refreshToken);
 *   each authorization code is exchanged once (03_HOW_accessToken, above);
 * - access tokens live 60 minutes (`expires_in` 3600); a refresh is the same
 *   POST with `grant_type=refresh_token` and answers `access_token`,
 *   `expires_in`, `scope` and `principal` (the person's e-mail), with no
 *   `token_type` and no `refresh_token`: the one held is kept. Only "if a new
 *   refresh token has been issued because the old one has expired" does the
 *   answer carry one (and `token_type: "Bearer"`), which is kept in its place
 *   (same page). A token answer without `token_type` is read as Bearer
 *   (`omitsTokenType`);
 * - the person is `GET https://api.getgo.com/identity/v1/Users/me`, GoTo's
 *   SCIM "Get Current User": `id` ("the user's unique key", the subject),
 *   `userName` ("usually their email address"), `displayName`,
 *   `name.givenName` and `name.familyName`, `locale`, `timezone`; a token it
 *   does not take is a 403 "Invalid token passed" (GoTo's SCIM API reference,
 *   https://developer.citrixonline.com/sites/default/files/citrix/citrix-apis/scim.json);
 * - the API bases are `https://api.getgo.com` (Admin, SCIM, GoTo Meeting's
 *   `/G2M/rest`, GoTo Webinar's `/G2W/rest`) and `https://api.goto.com`
 *   (GoTo Connect's, e.g. `/users/v1/users`,
 *   https://developer.goto.com/guides/GoToConnect/09_HOW_fetchAccountUsers).
 * Not checked against GoTo's own pages: the SCIM API's host (its reference
 *   names `api.citrixonline.com`, GoTo's former host; `api.getgo.com`, where
 *   the Admin API's guide calls, is assumed); the code exchange's answer (the
 *   refresh page's answer with a new refresh token is assumed, with
 *   `token_type`); the body of a refused token request (RFC 6749 §5.2's
 *   `invalid_grant` is assumed); whether PKCE is taken (none is sent);
 *   whether `userName` is always an e-mail (it is kept as the e-mail only
 *   when it has an `@`, never marked verified); the status the product APIs
 *   answer an expired token with (401 is assumed, which is what starts a
 *   refresh; a 403 from the SCIM API is passed on as it came). GoTo documents
 *   no revocation: disconnect forgets the tokens, and the person removes the
 *   client's access in their GoTo account.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The SCIM user of `/identity/v1/Users/me`: its `id` (the user key, as a string) as the subject, the display name (else the given
 * and family names joined), and `userName` as the e-mail when it is one; an answer without an id names no one, and
 * the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const key = user?.id;
  // The reference types the key as a string; one sent as a number is the same key.
  const id = typeof key === 'number' && Number.isSafeInteger(key) && key > 0 ? String(key) : trimmedText(key);
  if (id === undefined) return undefined;
  const name = objectOf(user!.name);
  const userName = trimmedText(user!.userName);
  return {
    id,
    ...textMembers({
      name: trimmedText(user!.displayName) ?? joinedName(name?.givenName, name?.familyName),
      given_name: name?.givenName,
      family_name: name?.familyName,
      email: userName?.includes('@') ? userName : undefined,
    }),
  };
}

export const goto: ProviderPreset = {
  displayName: 'GoTo',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://authentication.logmeininc.com/oauth/authorize',
      tokenEndpoint: 'https://authentication.logmeininc.com/oauth/token',
      userinfoEndpoint: 'https://api.getgo.com/identity/v1/Users/me',
    },
    // None: the person grants the scopes set on the OAuth client.
    scope: '',
    apiBaseUrl: 'https://api.getgo.com',
    extraApiBaseUrls: ['https://api.goto.com'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    omitsTokenType: true,
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
