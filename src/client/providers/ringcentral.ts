/**
 * RingCentral (an app registered in the RingCentral Developer Console with
 * the 3-legged OAuth flow, "Authorization code", for a server-side web app).
 * Plain OAuth 2.0 with explicit endpoints: the ID token of RingCentral's
 * OpenID flow is not asked for. From RingCentral's developer guide
 * (https://developers.ringcentral.com/guide/authentication/auth-code-flow,
 * https://developers.ringcentral.com/guide/authentication/auth-code-pkce-flow,
 * https://developers.ringcentral.com/guide/authentication/tokens,
 * https://developers.ringcentral.com/api-reference/Get-Token,
 * https://developers.ringcentral.com/api-reference/Revoke-Token,
 * https://developers.ringcentral.com/api-reference/User-Settings/readExtension):
 * - everything is on one server, https://platform.ringcentral.com; the
 *   developer sandbox is https://platform.devtest.ringcentral.com, named with
 *   `<NAME>_BASE_URL`, and the authorization, token, profile and revocation
 *   endpoints and the API move with it;
 * - `GET /restapi/oauth/authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri` (the app's OAuth redirect URI) and `state`, plus PKCE
 *   (`code_challenge`, S256). RingCentral's permissions ("app scopes") are set
 *   on the app, and a token gets them all, so no `scope` is sent
 *   (`<NAME>_SCOPE`, space-separated, may ask for fewer). The person signs in
 *   at RingCentral's login page and goes back with the code, or with
 *   `error=access_denied`;
 * - `POST /restapi/oauth/token`, form-encoded, the client authenticated with
 *   HTTP Basic, `base64(client_id:client_secret)` as they are. The answer is
 *   `access_token`, `token_type: "bearer"`, `expires_in` (3600: an hour),
 *   `refresh_token`, `refresh_token_expires_in` (604800: a week), `scope`
 *   (the app's permissions, space-separated), `owner_id` (the extension the
 *   token acts as, which /extension/~ below names too) and `endpoint_id`. A
 *   refresh token is good once: a refresh answers a new pair, ends the old
 *   access token, and the new refresh token lives a week from then, so the
 *   keep-alive sweep renews a connection nobody used in its last 42 hours.
 *   Refusals are RFC 6749 §5.2's names with RingCentral's own beside them
 *   (`{ error: "invalid_grant", errors: [{ errorCode: "OAU-211", … }],
 *   error_description }`), read as they are;
 * - the person is `GET /restapi/v1.0/account/~/extension/~` (the extension
 *   the token acts as; it needs the app's "Read Accounts" permission): `id`,
 *   the extension's internal id, a number that never changes (unlike the
 *   extension number), is the subject, kept as a string; `name` (else the
 *   contact's first and last names) the name; `contact.email` the e-mail,
 *   which RingCentral does not say is verified, so it is kept as not;
 *   `extensionNumber` and the account's `id` are kept beside them;
 * - the API is `/restapi/v1.0/…` on the same server, taking the token as
 *   Bearer; an ended access token is answered 401 (`TokenInvalid`, OAU-213),
 *   after which the connection is refreshed;
 * - `POST /restapi/oauth/revoke` with `token` in the form (the access or the
 *   refresh token) and the client as Basic ends the whole OAuth session, both
 *   tokens with it: one request, with the refresh token, is sent.
 * Not checked against a running RingCentral: whether PKCE is checked for a
 * client that also authenticates with its secret (the challenge is sent,
 * which RFC 7636 §4.5 has a server ignore), the answer to revoking a token
 * RingCentral no longer knows (a 200 is revoked; a 4xx once RingCentral
 * refused the refresh token is counted as revoked already, as the session is
 * gone), and whether an extension id is unique across accounts as well as
 * within one (RingCentral's ids are assigned platform-wide, so the id alone
 * is the subject).
 */
import { ProviderUnavailableError } from '../errors.js';
import { plainBasicAuthorization, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { joinedName, trimmedText } from './profile-text.js';

/** RingCentral's production server; the sandbox is `<NAME>_BASE_URL=https://platform.devtest.ringcentral.com`. */
const PRODUCTION = 'https://platform.ringcentral.com';

/** A RingCentral id: a whole number, sent as a JSON number (or, in some answers, as digits in a string). */
function idOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  return typeof value === 'string' && /^[1-9][0-9]{0,19}$/.test(value) ? value : undefined;
}

/**
 * The extension of /account/~/extension/~: its `id` as a string, `name` (else
 * the contact's names joined), the contact's e-mail (not verified), the
 * extension number and the account's id. An answer without an id names no
 * one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const extension = objectOf(body);
  const id = idOf(extension?.id);
  if (!extension || !id) return undefined;
  const contact = objectOf(extension.contact);
  const name = trimmedText(extension.name) ?? joinedName(contact?.firstName, contact?.lastName);
  const email = trimmedText(contact?.email);
  const extensionNumber = trimmedText(extension.extensionNumber);
  const accountId = idOf(objectOf(extension.account)?.id);
  return {
    id,
    ...(name ? { name } : {}),
    ...(email ? { email, email_verified: false } : {}),
    ...(extensionNumber ? { extension_number: extensionNumber } : {}),
    ...(accountId ? { account_id: accountId } : {}),
  };
}

/** Ends the OAuth session at /restapi/oauth/revoke: the refresh token (else the access token) in the form, the client as Basic. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('RingCentral revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { accept: 'application/json', authorization: plainBasicAuthorization(request.clientId, request.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: request.refreshToken ?? request.accessToken }).toString(),
  });
  const error = response.status >= 400 && response.status < 500 ? objectOf(await response.json().catch(() => undefined))?.error : undefined;
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  // A session RingCentral had ended already (the person removed the app, or the refresh token lapsed): nothing is left to end.
  if (response.status >= 400 && response.status < 500 && response.status !== 401 && request.refreshTokenRefused) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `RingCentral answered HTTP ${response.status}${typeof error === 'string' ? ` (${error})` : ''} to the token revocation.`);
}

export const ringcentral: ProviderPreset = {
  displayName: 'RingCentral',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const server = baseUrl ? withoutTrailingSlash(baseUrl) : PRODUCTION;
    return {
      endpoints: {
        authorizationEndpoint: `${server}/restapi/oauth/authorize`,
        tokenEndpoint: `${server}/restapi/oauth/token`,
        userinfoEndpoint: `${server}/restapi/v1.0/account/~/extension/~`,
        revocationEndpoint: `${server}/restapi/oauth/revoke`,
      },
      scope: '',
      apiBaseUrl: server,
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      subjectClaim: 'id',
      claimNames: { name: 'name', email: 'email' },
      hooks: { profileClaims, revoke },
    };
  },
};
