/**
 * pCloud (an app made under "My Apps" in pCloud's developer pages, its
 * redirect URI set there). OAuth 2.0's code flow, with an API server per
 * data region. From pCloud's API docs:
 * - `GET https://my.pcloud.com/oauth2/authorize` with `client_id`,
 *   `response_type=code`, `redirect_uri` and `state`; no scope parameter
 *   (only `permissions`, for extra rights such as `manageshares`, none
 *   asked here) and no PKCE. The person comes back with `code`, `state`,
 *   `locationid` (1 the United States, 2 Europe) and `hostname`, the API
 *   server where that person's data lives and later API calls go
 *   (https://docs.pcloud.com/methods/oauth_2.0/authorize.html): the
 *   codeExchangeServer hook names that host, and a server among
 *   `<NAME>_REGIONAL_SERVERS` (default `https://api.pcloud.com` and
 *   `https://eapi.pcloud.com`) gets the code, the profile request and the
 *   connection's API calls; any other is refused with a clear 400 before
 *   the code (or the client's secret) goes anywhere;
 * - `oauth2_token` with `client_id`, `client_secret` and `code`, answering
 *   `{ result: 0, access_token, token_type: "bearer", uid }`: no
 *   `expires_in` and no refresh token
 *   (https://docs.pcloud.com/methods/oauth_2.0/oauth2_token.html). Like
 *   every pCloud method it answers a failure with HTTP 200, a non-zero
 *   `result` and an `error` text
 *   (https://docs.pcloud.com/methods/general/userinfo.html): the
 *   tokenResponse hook makes that RFC 6749 §5.2's refusal;
 * - `userinfo` (https://docs.pcloud.com/methods/general/userinfo.html):
 *   `userid`, the pCloud account's number, is the subject, with `email` and
 *   `emailverified`; a call pCloud does not authenticate is HTTP 200 with
 *   `result` 1000 ("Log in required.") or 2000 ("Log in failed."), read as
 *   the token refused (tokenRejected).
 * Not checked against pCloud's pages: how the OAuth token goes with a call
 * (the `access_token` query parameter, as pCloud's own JavaScript SDK sends
 * it, https://github.com/pCloud/pcloud-sdk-js, `src/client/createClient.js`);
 * that `oauth2_token` is called on the person's `hostname` too (the
 * authorize page says later API calls go there; the page of `oauth2_token`
 * names api.pcloud.com); the error codes of `oauth2_token` (its page lists
 * none: a text naming `client_id` or `client_secret` is read as
 * `invalid_client`, a 1xxx code as `invalid_request`, 5000 as a server
 * error, any other as `invalid_grant`) and 2094 ("Invalid 'access_token'
 * provided.", as integrations report it) for a token the API does not take;
 * that user ids are unique across both regions (one account system, so the
 * id is not qualified by its host); how long a token lasts (none is
 * documented: it is kept until it is refused). pCloud documents no
 * revocation of an OAuth token: disconnect forgets it here.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/** pCloud's API servers, one per data region (https://docs.pcloud.com/methods/oauth_2.0/authorize.html). */
const API_SERVERS = ['https://api.pcloud.com', 'https://eapi.pcloud.com'];

/** The `result` codes of a call pCloud did not authenticate: 1000 "Log in required.", 2000 "Log in failed.", 2094 "Invalid 'access_token' provided.". */
const NOT_LOGGED_IN = new Set([1000, 2000, 2094]);

/** The server the callback's `hostname` names, a host alone (checked against the regional servers before any use). */
function codeExchangeServer(parameters: URLSearchParams): string | undefined {
  const hostname = parameters.get('hostname');
  return hostname === null || hostname === '' ? undefined : hostname.toLowerCase();
}

/** The RFC 6749 §5.2 error a failed `oauth2_token` stands for, from its `result` code and `error` text. */
function refusalOf(result: number, text: string): { status: number; error: string } {
  if (/client_(id|secret)/.test(text)) return { status: 401, error: 'invalid_client' };
  if (result >= 5000) return { status: 500, error: 'server_error' };
  if (result >= 1000 && result < 2000) return { status: 400, error: 'invalid_request' };
  return { status: 400, error: 'invalid_grant' };
}

/** A failure answered with HTTP 200 and a non-zero `result` as RFC 6749 §5.2's refusal; a success as it is. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  const result = fields?.result;
  if (response.status !== 200 || typeof result !== 'number' || result === 0) return rebuiltAnswer(response, response.status, text);
  const said = typeof fields?.error === 'string' ? fields.error : '';
  const { status, error } = refusalOf(result, said);
  return rebuiltAnswer(response, status, JSON.stringify({ error, error_description: `${result}: ${said}`.trim() }), 'application/json');
}

/** The account of `userinfo`: `userid` (a number), with the e-mail and whether pCloud verified it; no one without an id or with a failure's `result`. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  if (!user || (user.result !== undefined && user.result !== 0)) return undefined;
  const id = user.userid;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const email = trimmedText(user.email);
  return { userid: String(id), ...(email ? { email, email_verified: user.emailverified === true } : {}) };
}

/** Whether an API answer says the token is not taken: HTTP 200 with a `result` of a call not logged in. */
async function tokenRejected(response: Response): Promise<boolean> {
  if (response.status !== 200) return false;
  const { fields } = await readTokenEndpointBody(response);
  return typeof fields?.result === 'number' && NOT_LOGGED_IN.has(fields.result);
}

export const pcloud: ProviderPreset = {
  displayName: 'pCloud',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://my.pcloud.com/oauth2/authorize',
      tokenEndpoint: 'https://api.pcloud.com/oauth2_token',
      userinfoEndpoint: 'https://api.pcloud.com/userinfo',
    },
    regionalServers: API_SERVERS,
    // None: pCloud's authorization takes no scope; a token reaches the person's files.
    scope: '',
    pkce: false,
    apiBaseUrl: 'https://api.pcloud.com',
    connectionApiBase: { regionalServerPath: '' },
    accessTokenParameter: 'access_token',
    tokenEndpointAuthMethod: 'client_secret_post',
    successMayRejectToken: true,
    subjectClaim: 'userid',
    claimNames: { email: 'email' },
    hooks: { codeExchangeServer, tokenResponse, profileClaims, tokenRejected },
  }),
};
