/**
 * The Instagram API with Instagram Login (Business Login for Instagram), for
 * Instagram professional accounts (business and creator). Plain OAuth 2.0
 * with explicit endpoints: no discovery, no ID token, no refresh token. From
 * Meta's docs:
 * - the authorization window is `https://www.instagram.com/oauth/authorize`
 *   with `client_id` (the Instagram App ID), `redirect_uri`,
 *   `response_type=code`, `state` and `scope`, comma-separated (a
 *   space-separated list is taken too), which must hold
 *   `instagram_business_basic`; the older `business_*` scope names ended on
 *   January 27, 2025
 *   (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login,
 *   https://developers.facebook.com/docs/instagram-platform/reference/oauth-authorize);
 * - the code is exchanged at `https://api.instagram.com/oauth/access_token`
 *   with `client_id`, `client_secret`, `grant_type=authorization_code`,
 *   `redirect_uri` and `code` in the form, answering a short-lived token (1
 *   hour), the app user's Instagram-scoped `user_id` and the `permissions`
 *   granted; the docs show them wrapped as `{ data: [{ access_token,
 *   user_id, permissions }] }` (permissions comma-separated), apps see them
 *   flat (permissions an array): both are read, the permissions as the
 *   scope (business-login page above);
 * - the short-lived token is exchanged at once, at sign-in, with `GET
 *   https://graph.instagram.com/access_token?grant_type=ig_exchange_token&client_secret=…&access_token=…`
 *   for a long-lived one of 60 days
 *   (https://developers.facebook.com/docs/instagram-platform/reference/access_token);
 *   a long-lived token "at least 24 hours old but [that] has not expired" is
 *   renewed for another 60 days with `GET
 *   https://graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token&access_token=…`
 *   (https://developers.facebook.com/docs/instagram-platform/reference/refresh_access_token).
 *   There is no refresh token: the live access token is what is presented,
 *   so the connection is renewed through the renewAccessToken hook, before
 *   the token ends, and by the keep-alive sweep in its last week when nobody
 *   uses it; a token that ended cannot be renewed, and only a new sign-in
 *   helps. A renewal refused otherwise (a token younger than 24 hours) is a
 *   provider fault: the live token goes on being used;
 * - errors are Graph's `{ error: { message, type, code, error_subcode } }`;
 *   code 190 (sent with HTTP 400) means the token ended: expired, or the
 *   person removed the app. Such an answer from the API is read as a
 *   refused token, and from a renewal as the end of the connection
 *   (https://developers.facebook.com/docs/graph-api/guides/error-handling);
 * - the person is `GET https://graph.instagram.com/v26.0/me?fields=user_id,username,name`
 *   (https://developers.facebook.com/docs/instagram-platform/reference/me,
 *   https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/get-started):
 *   `id` is app-scoped (another app sees another id), `user_id` the
 *   professional account's own id, the one the Graph API's `/<IG_ID>` paths
 *   and Instagram's webhooks name the account by
 *   (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user).
 *   The subject is `user_id`: as immutable as `id`, and the id a host app
 *   meets everywhere else, so a webhook finds its person. The name is
 *   `name`, or the `username` when the account has no name; there is no
 *   e-mail;
 * - Meta documents no revocation for these tokens: disconnect deletes them
 *   here, and the person removes the app in Instagram's settings.
 * The API base is `https://graph.instagram.com/v26.0` (v26.0, the newest
 * version Meta lists); the renewals are made at its unversioned origin, as
 * documented.
 * Not checked against Meta's pages, which do not say them: the body of a
 * refused code exchange (`{ error_type, code, error_message }`, as apps
 * meet it, and Graph's shape are both read), the body of a refused renewal
 * other than code 190, whether a renewed token is a new string and whether
 * the one presented keeps working until its own end (the answer's token is
 * kept either way), whether graph.instagram.com takes the token as a Bearer
 * header (as graph.facebook.com does; it is sent so), and whether PKCE is
 * taken (the challenge is sent, which RFC 7636 §4.5 has a server ignore).
 */
import { ProviderUnavailableError, parseRetryAfter } from '../errors.js';
import { AccessTokenRenewalRefused, readTokenEndpointBody, rebuiltAnswer, type AccessTokenRenewalRequest } from '../provider-hooks.js';
import { graphTokenRejected } from './facebook.js';
import { commaJoinedScope, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';

const GRAPH = 'https://graph.instagram.com/v26.0';
/** The short-lived token's documented life, for a code exchange answer that does not say it. */
const SHORT_LIVED_SECONDS = 3_600;

/** Messages about the app's own id or secret rather than the code. */
const CLIENT_REFUSED = /client secret|client_id|platform app|application id|app id|invalid application/i;

/** The error of a refused code exchange, in either shape it comes in: Instagram's `{ error_type, code, error_message }` or Graph's `{ error: { message, code } }`. */
function exchangeErrorOf(fields: Record<string, unknown> | undefined): { message: string; code: unknown } | undefined {
  const graph = objectOf(fields?.error);
  if (graph) return { message: typeof graph.message === 'string' ? graph.message : 'Instagram refused the request', code: graph.code };
  if (typeof fields?.error_message === 'string' || typeof fields?.error_type === 'string') {
    return { message: typeof fields.error_message === 'string' ? fields.error_message : String(fields.error_type), code: fields.code };
  }
  return undefined;
}

/** The permissions of a code exchange (a comma-separated string or an array) as RFC 6749 §3.3's space-separated scope. */
function scopeOf(permissions: unknown): string | undefined {
  const names = typeof permissions === 'string' ? permissions.split(',') : Array.isArray(permissions) ? permissions.filter((name): name is string => typeof name === 'string') : [];
  const scope = names.map((name) => name.trim()).filter(Boolean).join(' ');
  return scope === '' ? undefined : scope;
}

/**
 * The code exchange's answer as RFC 6749 §5.1's: unwrapped from `data` when
 * it comes so, `bearer` and the hour it lives, the permissions as the scope,
 * `user_id` as a string (dropped when it came as a number too large to
 * read exactly); its refusals as §5.2's codes (the app's id or
 * secret: 401 invalid_client; else the code: 400 invalid_grant).
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status >= 500) return rebuiltAnswer(response, response.status, text);
  if (!response.ok) {
    const error = exchangeErrorOf(fields);
    if (!error) return rebuiltAnswer(response, response.status, text);
    const client = CLIENT_REFUSED.test(error.message);
    const answer = { error: client ? 'invalid_client' : 'invalid_grant', error_description: `${error.message} (code ${String(error.code)})` };
    return rebuiltAnswer(response, client ? 401 : 400, JSON.stringify(answer), 'application/json');
  }
  const data = fields?.data;
  const token = Array.isArray(data) ? objectOf(data[0]) : fields;
  if (!token || typeof token.access_token !== 'string') return rebuiltAnswer(response, response.status, text);
  const scope = scopeOf(token.permissions);
  // A JSON number past 2^53 (Instagram's ids are 17 digits) was already rounded by the parse: it is dropped, not kept wrong.
  const userId = typeof token.user_id === 'string' || (typeof token.user_id === 'number' && Number.isSafeInteger(token.user_id)) ? String(token.user_id) : undefined;
  const answer = {
    access_token: token.access_token,
    token_type: typeof token.token_type === 'string' ? token.token_type : 'bearer',
    expires_in: typeof token.expires_in === 'number' ? token.expires_in : SHORT_LIVED_SECONDS,
    ...(scope ? { scope } : {}),
    ...(userId ? { user_id: userId } : {}),
  };
  return rebuiltAnswer(response, 200, JSON.stringify(answer), 'application/json');
}

/** The origin the renewal endpoints are on: the API base without its `/vNN.N` (they are documented unversioned). */
function renewalBase(apiBaseUrl: string | undefined): string {
  return withoutTrailingSlash(apiBaseUrl ?? GRAPH).replace(/\/v\d+(\.\d+)?$/, '');
}

/**
 * At sign-in, the code exchange's short-lived token for a long-lived one
 * (`ig_exchange_token`); afterwards, the long-lived token for a new one
 * (`ig_refresh_token`). A token Instagram says ended (code 190) is the end
 * of the connection; any other refusal, a failure or nonsense is a provider
 * fault.
 */
async function renewAccessToken(request: AccessTokenRenewalRequest): Promise<Record<string, unknown> | undefined> {
  const base = renewalBase(request.apiBaseUrl);
  const url =
    request.stage === 'sign-in'
      ? `${base}/access_token?${new URLSearchParams({ grant_type: 'ig_exchange_token', client_secret: request.clientSecret, access_token: request.accessToken }).toString()}`
      : `${base}/refresh_access_token?${new URLSearchParams({ grant_type: 'ig_refresh_token', access_token: request.accessToken }).toString()}`;
  const what = request.stage === 'sign-in' ? 'the exchange for a long-lived token' : 'the renewal of the access token';
  const response = await request.send(url, { method: 'GET', headers: { accept: 'application/json' } });
  if (response.status >= 500) {
    await response.body?.cancel().catch(() => {});
    throw new ProviderUnavailableError('provider_error', `Instagram answered HTTP ${response.status} to ${what}.`, { retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')) });
  }
  if (!response.ok) {
    if (await graphTokenRejected(response.clone())) {
      const { fields } = await readTokenEndpointBody(response);
      const message = objectOf(fields?.error)?.message;
      throw new AccessTokenRenewalRefused(typeof message === 'string' ? message : 'Instagram says the access token ended.');
    }
    const { fields } = await readTokenEndpointBody(response);
    const message = objectOf(fields?.error)?.message;
    throw new ProviderUnavailableError('provider_error', `Instagram refused ${what} (HTTP ${response.status}${typeof message === 'string' ? `: ${message}` : ''}).`, {
      providerError: typeof message === 'string' ? message : null,
    });
  }
  const { fields } = await readTokenEndpointBody(response);
  if (!fields || typeof fields.access_token !== 'string' || fields.access_token === '') {
    throw new ProviderUnavailableError('provider_bad_response', `Instagram answered ${what} without an access token.`);
  }
  return {
    access_token: fields.access_token,
    token_type: typeof fields.token_type === 'string' ? fields.token_type : 'bearer',
    ...(typeof fields.expires_in === 'number' && Number.isFinite(fields.expires_in) ? { expires_in: fields.expires_in } : {}),
  };
}

/** `/me` with the professional account's `user_id` as a string, and the username as the name when there is none; an answer without it names no one. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.user_id;
  if ((typeof id !== 'string' || !/^\d+$/.test(id)) && (typeof id !== 'number' || !Number.isSafeInteger(id))) return undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  const username = text(user!.username);
  const name = text(user!.name) || username;
  return {
    ...user,
    user_id: String(id),
    ...(name ? { name } : {}),
    ...(username ? { username } : {}),
  };
}

export const instagram: ProviderPreset = {
  displayName: 'Instagram',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.instagram.com/oauth/authorize',
      tokenEndpoint: 'https://api.instagram.com/oauth/access_token',
      userinfoEndpoint: `${GRAPH}/me?fields=user_id,username,name`,
    },
    scope: 'instagram_business_basic',
    apiBaseUrl: GRAPH,
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'user_id',
    claimNames: { name: 'name', preferredUsername: 'username' },
    hooks: { authorizationScope: commaJoinedScope, tokenResponse, tokenRejected: graphTokenRejected, profileClaims, renewAccessToken },
  }),
};
