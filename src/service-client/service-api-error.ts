/**
 * An error answer of Tokenkeeper's service API: `{ "error": "<code>",
 * "message": "…" }` with its HTTP status (README, "Errors"). Act on `code`:
 * `needs_reauth` (409) comes with `reconnectUrl`, a connect link to send the
 * person to; `not_connected` (404), the person never connected the
 * provider; `invalid_service_key` (401) is about the key, always;
 * `missing_permission` and `provider_not_allowed` (403) what it may do;
 * `too_many_requests` (429) and `provider_unavailable` (503) come with
 * `retryAfterSeconds`.
 *
 * @example
 * try {
 *   await tokenkeeper.accessToken(userId, 'github');
 * } catch (error) {
 *   if (error instanceof ServiceApiError && error.code === 'needs_reauth') sendReconnectEmail(userId, error.reconnectUrl!);
 *   else throw error;
 * }
 */
export class ServiceApiError extends Error {
  override readonly name = 'ServiceApiError';
  /** The HTTP status of the answer. */
  readonly status: number;
  /**
   * The server's error code (`needs_reauth`, `not_found`…), or `invalid_response` for an answer that was not the
   * service API's JSON (a proxy in front of it answering with its own page, say).
   */
  readonly code: string;
  /** `needs_reauth` only: a connect link (single use, 15 minutes) for the person to sign in with the provider again. */
  readonly reconnectUrl: string | undefined;
  /** From `Retry-After` (429, 503): seconds to wait before asking again. */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, code: string, message: string, details: { reconnectUrl?: string; retryAfterSeconds?: number } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.reconnectUrl = details.reconnectUrl;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/**
 * The service API gave no answer: the connection failed (`reason`
 * `network`: refused, reset, a name that does not resolve) or no answer came
 * within the client's `timeoutMs` (`timeout`). The server may or may not
 * have done what was asked: every call can be made again (a second
 * `disconnect` of a done one answers `not_connected`; a second
 * `createConnectLink`, another link). `cause` is fetch's own error.
 *
 * @example
 * try {
 *   await tokenkeeper.accessToken(userId, 'github');
 * } catch (error) {
 *   if (error instanceof ServiceApiConnectionError) console.warn(`Tokenkeeper unreachable (${error.reason}); will retry`);
 *   else throw error;
 * }
 */
export class ServiceApiConnectionError extends Error {
  override readonly name = 'ServiceApiConnectionError';
  readonly reason: 'network' | 'timeout';

  constructor(reason: 'network' | 'timeout', message: string, cause: unknown) {
    super(message, { cause });
    this.reason = reason;
  }
}
