/**
 * The user access tokens of Meta's APIs that issue no refresh token, the Instagram API with Instagram Login and the
 * Threads API, which handle them alike:
 * - the code exchange answers a short-lived token (1 hour) with the person's `user_id`, flat or (as Instagram's
 *   docs show it) wrapped in `data`, with the `permissions` granted where the API says them;
 * - the short-lived token is exchanged at once for a long-lived one of 60 days with `GET <origin>/access_token?
 *   grant_type=<exchange grant>&client_secret=…&access_token=…`, and a long-lived token at least 24 hours old
 *   that has not expired is renewed for another 60 days with `GET <origin>/refresh_access_token?grant_type=<refresh
 *   grant>&access_token=…`, on the API's unversioned origin
 *   (https://developers.facebook.com/docs/instagram-platform/reference/access_token,
 *   https://developers.facebook.com/docs/instagram-platform/reference/refresh_access_token,
 *   https://developers.facebook.com/docs/threads/get-started/long-lived-tokens/);
 * - errors are Graph's `{ error: { message, type, code, error_subcode } }`, code 190 a token that ended: expired,
 *   or the person removed the app (https://developers.facebook.com/docs/graph-api/guides/error-handling).
 * There is no refresh token: the live access token is what is presented, so a connection is renewed through the
 * renewAccessToken hook, before the token ends, and by the keep-alive sweep in its last week when nobody uses it;
 * a token that ended cannot be renewed, and only a new sign-in helps. A renewal refused otherwise (a token younger
 * than 24 hours) is a provider fault: the live token goes on being used.
 */
import { ProviderUnavailableError, parseRetryAfter } from '../errors.js';
import { AccessTokenRenewalRefused, readTokenEndpointBody, rebuiltAnswer, type AccessTokenRenewalRequest } from '../provider-hooks.js';
import { graphTokenRejected } from './facebook.js';
import { objectOf, withoutTrailingSlash } from './preset.js';

/** The short-lived token's documented life, for a code exchange answer that does not say it. */
const SHORT_LIVED_SECONDS = 3_600;

/** Messages about the app's own id or secret rather than the code. */
const CLIENT_REFUSED = /client secret|client_id|platform app|application id|app id|invalid application/i;

export interface MetaUserTokens {
  /** The API's display name, for messages. */
  displayName: string;
  /** The grant type of the exchange for a long-lived token (`ig_exchange_token`, `th_exchange_token`). */
  exchangeGrant: string;
  /** The grant type of a long-lived token's renewal (`ig_refresh_token`, `th_refresh_token`). */
  refreshGrant: string;
  /** The API base the renewals' origin is taken from when none is configured. */
  apiBaseUrl: string;
}

/** The error of a refused code exchange, in either shape it comes in: Instagram's `{ error_type, code, error_message }` or Graph's `{ error: { message, code } }`. */
function exchangeErrorOf(fields: Record<string, unknown> | undefined, displayName: string): { message: string; code: unknown } | undefined {
  const graph = objectOf(fields?.error);
  if (graph) return { message: typeof graph.message === 'string' ? graph.message : `${displayName} refused the request`, code: graph.code };
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
 * The tokenResponse and renewAccessToken hooks of one of these APIs. The first reads the code exchange's answer as
 * RFC 6749 §5.1's: unwrapped from `data` when it comes so, `bearer` and the hour it lives, the permissions as the
 * scope, `user_id` as a string (dropped when it came as a number too large to read exactly); its refusals as §5.2's
 * codes (the app's id or secret: 401 invalid_client; else the code: 400 invalid_grant). The second makes the
 * exchange at sign-in and the renewals afterwards.
 */
export function metaUserTokenHooks({ displayName, exchangeGrant, refreshGrant, apiBaseUrl }: MetaUserTokens) {
  async function tokenResponse(response: Response): Promise<Response> {
    const { text, fields } = await readTokenEndpointBody(response);
    if (response.status >= 500) return rebuiltAnswer(response, response.status, text);
    if (!response.ok) {
      const error = exchangeErrorOf(fields, displayName);
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

  /**
   * At sign-in, the code exchange's short-lived token for a long-lived one; afterwards, the long-lived token for a
   * new one. A token the API says ended (code 190) is the end of the connection; any other refusal, a failure or
   * nonsense is a provider fault.
   */
  async function renewAccessToken(request: AccessTokenRenewalRequest): Promise<Record<string, unknown> | undefined> {
    // The renewals are documented unversioned: the API base without its `/vNN.N`.
    const base = withoutTrailingSlash(request.apiBaseUrl ?? apiBaseUrl).replace(/\/v\d+(\.\d+)?$/, '');
    const url =
      request.stage === 'sign-in'
        ? `${base}/access_token?${new URLSearchParams({ grant_type: exchangeGrant, client_secret: request.clientSecret, access_token: request.accessToken }).toString()}`
        : `${base}/refresh_access_token?${new URLSearchParams({ grant_type: refreshGrant, access_token: request.accessToken }).toString()}`;
    const what = request.stage === 'sign-in' ? 'the exchange for a long-lived token' : 'the renewal of the access token';
    const response = await request.send(url, { method: 'GET', headers: { accept: 'application/json' } });
    if (response.status >= 500) {
      await response.body?.cancel().catch(() => {});
      throw new ProviderUnavailableError('provider_error', `${displayName} answered HTTP ${response.status} to ${what}.`, { retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')) });
    }
    if (!response.ok) {
      const ended = await graphTokenRejected(response.clone());
      const { fields } = await readTokenEndpointBody(response);
      const message = objectOf(fields?.error)?.message;
      if (ended) throw new AccessTokenRenewalRefused(typeof message === 'string' ? message : `${displayName} says the access token ended.`);
      throw new ProviderUnavailableError('provider_error', `${displayName} refused ${what} (HTTP ${response.status}${typeof message === 'string' ? `: ${message}` : ''}).`, {
        providerError: typeof message === 'string' ? message : null,
      });
    }
    const { fields } = await readTokenEndpointBody(response);
    if (!fields || typeof fields.access_token !== 'string' || fields.access_token === '') {
      throw new ProviderUnavailableError('provider_bad_response', `${displayName} answered ${what} without an access token.`);
    }
    return {
      access_token: fields.access_token,
      token_type: typeof fields.token_type === 'string' ? fields.token_type : 'bearer',
      ...(typeof fields.expires_in === 'number' && Number.isFinite(fields.expires_in) ? { expires_in: fields.expires_in } : {}),
    };
  }

  return { tokenResponse, renewAccessToken };
}
