/**
 * Stack Exchange (Stack Overflow and the other Stack Exchange sites; API v2.3, for an application registered on
 * Stack Apps, its OAuth domain the app's). Plain OAuth 2.0 with explicit endpoints: no discovery, no ID token, no
 * refresh tokens. From Stack Exchange's pages:
 * - the authorization code grant ("explicit flow"): `https://stackoverflow.com/oauth` with `client_id`, `scope`,
 *   `redirect_uri` (under the application's registered domain) and `state`; the person approves and is sent back
 *   with `code` and `state`; then a form POST (`client_id`, `client_secret`, `code`, the same `redirect_uri`) to
 *   `https://stackoverflow.com/oauth/access_token/json`, which answers JSON `access_token` and `expires` (seconds),
 *   or an error with HTTP 400. `expires` is absent when the scope includes `no_expiry`, which Stack Exchange
 *   strongly advises against unless an app truly needs perpetual access (https://api.stackexchange.com/docs/authentication).
 *   The answer has no `token_type` and says `expires`, not `expires_in`: the tokenResponse hook rewrites it as RFC
 *   6749 §5.1 has it (Bearer; a form-encoded answer, as `/oauth/access_token` without `/json` gives, is read too);
 * - the scopes are `read_inbox`, `no_expiry`, `write_access` and `private_info` (same page); none is needed to read
 *   who signed in, so none is asked by default: each access token then ends (its `expires_on_date` a day on in the
 *   examples of https://api.stackexchange.com/docs/types/access-token) and, with no refresh token, the person signs
 *   in again. `STACKEXCHANGE_SCOPE=no_expiry` makes tokens that never end;
 * - since June 2025 the authorization code grant also takes PKCE, which Stack Apps recommends
 *   ("OAuth Authorization Code with PKCE (recommended)", https://stackapps.com/help/api-authentication): the
 *   preset sends an S256 challenge and the verifier at the exchange, beside the client secret;
 * - from June 2026 the API takes the access token (and an app's key) only as `Authorization: Bearer`, refusing the
 *   `access_token` and `key` query parameters, and no key is needed beside an access token
 *   (https://meta.stackexchange.com/questions/417382/we-re-changing-the-authentication-scheme-for-stack-exchange-api-v2-x):
 *   the proxy sends the token as Bearer, as it does for every API;
 * - the person is `GET https://api.stackexchange.com/2.3/me?site=stackoverflow`, answered in the common wrapper
 *   `{ items: [user], has_more, quota_max, quota_remaining }`; of the user (https://api.stackexchange.com/docs/types/user),
 *   `account_id`, the account an access token is issued to (https://api.stackexchange.com/docs/types/access-token),
 *   is the subject, never the site's `user_id`; `display_name` is only the name, with `link` and `profile_image`.
 *   Strings come from the default, safe filter "inline-able into HTML" (https://api.stackexchange.com/docs/filters),
 *   so the name's HTML entities are decoded. Stack Exchange gives no e-mail;
 * - an API error is HTTP 400 for every error, the reason in the wrapper's `error_id`, `error_name` and
 *   `error_message`: 401 `access_token_required`, 402 `invalid_access_token`, 403 `access_denied`, 406
 *   `access_token_compromised`, a token no longer believed secure (https://api.stackexchange.com/docs/error-handling);
 *   the tokenRejected hook reads 402 and 406 as a 401 is read, so the connection needs a new sign-in;
 * - `GET /2.3/access-tokens/{accessTokens}/invalidate` "immediately expires the access tokens passed", for an app
 *   discarding tokens it no longer needs (https://api.stackexchange.com/docs/invalidate-access-tokens); beside it,
 *   `GET /2.3/apps/{accessTokens}/de-authenticate` de-authenticates the application for the tokens' person, which
 *   disconnect calls, the token in the path (not a query parameter), answering the wrapper of access tokens.
 * Not checked against Stack Exchange's own pages: the PKCE details of the 2025 page beyond its recommending the
 * flow (RFC 7636's `code_challenge`, `code_challenge_method=S256` and `code_verifier` are assumed, with the client
 * secret still sent), whether the token endpoint takes `response_type` and `grant_type` (openid-client sends them;
 * neither is documented), the body of a refused code exchange (RFC 6749 §5.2's `error`, as the error-handling page
 * says the authentication errors are "defined by the OAuth 2.0 specification", is assumed), the exact lifetime of an
 * access token (the one answered is kept; a day in the access-token examples), that `account_id` is the same on every
 * site (Stack Exchange's network account; the pages read do not say so in words), that de-authenticate ends every
 * token of the grant (its own page was not read; invalidate's would end only the one), how it answers a token it no
 * longer knows (an `invalid_access_token` error is read as already revoked) and whether it takes the token without a
 * key, the error a request still using the `access_token` query parameter gets after June 2026, and a person with no
 * Stack Overflow profile (`/me?site=stackoverflow` then has no item, and the sign-in fails:
 * `STACKEXCHANGE_USERINFO_URL` names another site).
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** The HTML entities a safe filter writes (named `&amp; &lt; &gt; &quot; &apos;` and numeric ones), decoded. */
function decodedEntities(value: string): string {
  const named: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return value.replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/g, (entity, decimal?: string, hex?: string, name?: string) => {
    if (name) return named[name]!;
    const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex!, 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}

/**
 * The access token answer as RFC 6749 §5.1 has it: `expires` (seconds, a number in JSON, a string in a form) as
 * `expires_in`, `token_type: Bearer` added; no `expires` (a `no_expiry` token) stays without `expires_in`. Any
 * other answer (an error, a token type given) as it came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text: body, fields } = await readTokenEndpointBody(response);
  if (response.status !== 200 || typeof fields?.access_token !== 'string' || fields.token_type !== undefined) return rebuiltAnswer(response, response.status, body);
  const { expires, ...rest } = fields;
  const seconds = typeof expires === 'string' && /^\d+$/.test(expires) ? Number(expires) : expires;
  return rebuiltAnswer(response, 200, JSON.stringify({ ...rest, token_type: 'Bearer', ...(seconds === undefined ? {} : { expires_in: seconds }) }), 'application/json');
}

/**
 * The user of the wrapper's first item: `account_id` (a whole number), the name (entities decoded), the profile
 * page and the picture. A wrapper without an item of a whole-number account id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const items = objectOf(body)?.items;
  const user = Array.isArray(items) ? objectOf(items[0]) : undefined;
  const accountId = user?.account_id;
  if (typeof accountId !== 'number' || !Number.isSafeInteger(accountId) || accountId <= 0) return undefined;
  const displayName = trimmedText(user!.display_name);
  const name = displayName === undefined ? undefined : decodedEntities(displayName);
  const link = trimmedText(user!.link);
  const picture = trimmedText(user!.profile_image);
  return { account_id: accountId, ...(name ? { name } : {}), ...textMembers({ profile: link, picture }) };
}

/** The error names (and ids) of an access token Stack Exchange no longer takes: 402 `invalid_access_token`, 406 `access_token_compromised`. */
const TOKEN_REFUSALS: ReadonlyMap<string, number> = new Map([
  ['invalid_access_token', 402],
  ['access_token_compromised', 406],
]);

/** The error of an API answer's wrapper, when it names one. */
async function apiError(response: Response): Promise<{ id: unknown; name: unknown } | undefined> {
  const { fields } = await readTokenEndpointBody(response);
  return fields && (fields.error_id !== undefined || fields.error_name !== undefined) ? { id: fields.error_id, name: fields.error_name } : undefined;
}

/** Whether an API error names the access token refused (by its name, or by its id when the name is filtered out). */
function refusesToken(error: { id: unknown; name: unknown } | undefined): boolean {
  if (!error) return false;
  if (typeof error.name === 'string') return TOKEN_REFUSALS.has(error.name);
  return [...TOKEN_REFUSALS.values()].includes(error.id as number);
}

/** An API error (HTTP 400, or 401 should the Bearer scheme answer so) that says the access token is no longer taken. */
async function tokenRejected(response: Response): Promise<boolean> {
  if (response.status !== 400 && response.status !== 401) return false;
  return refusesToken(await apiError(response));
}

/** De-authenticates the application for the person with `GET /2.3/apps/{token}/de-authenticate`: every token of the grant ends. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('Stack Exchange de-authentication needs the API base URL');
  const response = await request.send(`${withoutTrailingSlash(request.apiBaseUrl)}/2.3/apps/${encodeURIComponent(request.accessToken)}/de-authenticate`, {
    method: 'GET',
    headers: { ...request.apiHeaders, accept: 'application/json' },
  });
  if (response.status === 200) {
    await response.body?.cancel().catch(() => {});
    return 'revoked';
  }
  // A live token refused: the person removed the application at Stack Exchange, or it was de-authenticated already.
  if (response.status === 400 && !request.accessTokenExpired && refusesToken(await apiError(response))) return 'already_revoked';
  await response.body?.cancel().catch(() => {});
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Stack Exchange answered HTTP ${response.status} to the de-authentication.`);
}

export const stackexchange: ProviderPreset = {
  displayName: 'Stack Exchange',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://stackoverflow.com/oauth',
      tokenEndpoint: 'https://stackoverflow.com/oauth/access_token/json',
      userinfoEndpoint: 'https://api.stackexchange.com/2.3/me?site=stackoverflow',
    },
    // None: reading who signed in needs none; `no_expiry`, `read_inbox`, `write_access`, `private_info` ask for more.
    scope: '',
    apiBaseUrl: 'https://api.stackexchange.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'account_id',
    hooks: { tokenResponse, profileClaims, tokenRejected, revoke },
  }),
};
