import * as oidc from 'openid-client';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/**
 * The error family of Tokenkeeper. Every error that crosses a layer carries a
 * stable `code`, the HTTP `status` it should become, and its `cause`, so that
 * `invalid_grant` and a network failure can be told apart downstream.
 *
 * @example
 * try {
 *   await tokenkeeper.fetch(userId, 'github', '/user');
 * } catch (error) {
 *   if (!(error instanceof TokenkeeperError)) throw error;
 *   res.status(error.status).json({ error: error.code, message: error.message });
 * }
 */
export class TokenkeeperError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** The provider's own `error` value, when it sent one: data for the log and the caller, never our code. */
  readonly providerError: string | null;
  /** Fields the answer carries beside `error` and `message`, for the caller to act on (the service API's `reconnect_url`). */
  readonly details: Readonly<Record<string, string>> | null;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; providerError?: string | null; details?: Readonly<Record<string, string>> }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.providerError = options?.providerError ?? null;
    this.details = options?.details ?? null;
  }
}

/**
 * The provider name is not registered.
 *
 * @example
 * try {
 *   await tokenkeeper.signIn.start(req.params.provider, { redirectUri });
 * } catch (error) {
 *   if (error instanceof UnknownProviderError) return res.status(404).send('No such provider');
 *   throw error;
 * }
 */
export class UnknownProviderError extends TokenkeeperError {
  constructor(provider: string) {
    super('unknown_provider', `No provider named "${provider}" is configured.`);
  }
}

/**
 * A sign-in callback that cannot be accepted: bad state, an `error` from the provider, a rejected code.
 *
 * @example
 * try {
 *   await tokenkeeper.signIn.finish('github', req.originalUrl, transaction);
 * } catch (error) {
 *   // access_denied: the person cancelled at the provider; the message says so and can be shown.
 *   if (error instanceof SignInError) return res.status(error.status).render('sign-in', { error: error.message });
 *   throw error;
 * }
 */
export class SignInError extends TokenkeeperError {
  /**
   * The provider's `error_description`, when it sent one (Okta's "User is not assigned to the client application."):
   * for the log, never for people. On a refused authorization it came in the callback's address, which anyone can
   * write, so it is kept to RFC 6749's characters for it and 300 of them.
   */
  readonly providerErrorDescription: string | null;

  constructor(code: SignInErrorCode, message: string, options?: { cause?: unknown; providerError?: string | null; providerErrorDescription?: string | null }) {
    super(code, message, options);
    this.providerErrorDescription = options?.providerErrorDescription ?? null;
  }
}

export type SignInErrorCode = 'invalid_state' | 'invalid_callback' | 'access_denied' | 'authorization_error' | 'invalid_grant' | 'transaction_mismatch';

/**
 * The user has no tokens for this provider (never connected, or disconnected).
 *
 * @example
 * try {
 *   await tokenkeeper.getAccessToken(userId, 'github');
 * } catch (error) {
 *   if (error instanceof NotConnectedError) return res.redirect('/connect/github');
 *   throw error;
 * }
 */
export class NotConnectedError extends TokenkeeperError {
  constructor(provider: string) {
    super('not_connected', `You have not connected ${provider}. Sign in with it first.`);
  }
}

/**
 * The provider no longer accepts the stored grant (`invalid_grant` on
 * refresh, or an expired token with no refresh token): only a new sign-in helps.
 *
 * @example
 * try {
 *   await tokenkeeper.fetch(userId, 'google', '/drive/v3/files');
 * } catch (error) {
 *   if (error instanceof ReauthRequiredError) return res.redirect('/auth/google'); // sign in with Google again
 *   throw error;
 * }
 */
export class ReauthRequiredError extends TokenkeeperError {
  constructor(provider: string, options?: { cause?: unknown }) {
    super('needs_reauth', `Your ${provider} connection has expired. Sign in with ${provider} again.`, options);
  }
}

export type ProviderFaultCode = Extract<ErrorCode, `provider_${string}`>;

/**
 * The provider could not be reached, was too slow, or answered something we cannot use.
 *
 * @example
 * try {
 *   await tokenkeeper.refresh(userId, 'github');
 * } catch (error) {
 *   if (error instanceof ProviderUnavailableError) {
 *     // provider_timeout, provider_unreachable, provider_unavailable…: the tokens are kept; try again later.
 *     return res.status(error.status).set('retry-after', String(error.retryAfterSeconds ?? 30)).end();
 *   }
 *   throw error;
 * }
 */
export class ProviderUnavailableError extends TokenkeeperError {
  /** From the provider's Retry-After (RFC 9110 §10.2.3), when it sent one: how long to leave it alone. */
  readonly retryAfterSeconds: number | null;

  constructor(code: ProviderFaultCode, message: string, options?: { cause?: unknown; retryAfterSeconds?: number | null; providerError?: string | null }) {
    super(code, message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds ?? null;
  }
}

/** Retry-After as seconds from now: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // An HTTP-date names its month (RFC 9110 §5.6.7); Date.parse alone would also read "-5" or "1.5" as dates.
  if (!/[A-Za-z]{3}/.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/** The provider's HTTP response somewhere in an openid-client error, if any. */
function upstreamResponse(chain: unknown[]): Response | undefined {
  for (const item of chain) {
    if (item instanceof Response) return item;
    const response = (item as { response?: unknown } | null)?.response;
    if (response instanceof Response) return response;
  }
  return undefined;
}

const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
]);

/** An error and the errors it was caused by, outermost first (openid-client wraps oauth4webapi's, which wraps undici's…). */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 8) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * An answer openid-client refused, by its HTTP status: the status is often
 * the whole story (a 404 from a wrong URL), so it is always named.
 */
function describeAnswer(provider: string, step: string, response: Response, code: string | undefined, error: unknown): ProviderUnavailableError {
  const { status } = response;
  if (status >= 500) {
    return new ProviderUnavailableError('provider_error', `${provider} failed the ${step} (HTTP ${status}).`, { cause: error });
  }
  const location = response.headers.get('location');
  if (status >= 300 && status < 400 && location) {
    // Redirects are never followed to a provider; saying where it pointed lets the operator configure that URL.
    return new ProviderUnavailableError('provider_bad_response', `${provider} answered the ${step} with HTTP ${status}, a redirect to ${location.slice(0, 300)}, which is not followed; configure that URL instead.`, { cause: error });
  }
  // An unexpected status says it all; otherwise what was wrong with the body comes after it.
  if (code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') {
    return new ProviderUnavailableError('provider_bad_response', `${provider} answered the ${step} with HTTP ${status}.`, { cause: error });
  }
  const reason = code === 'OAUTH_RESPONSE_IS_NOT_JSON' ? 'not JSON' : (code ?? 'invalid response');
  const answered = status >= 200 && status < 300 ? `HTTP ${status}, which failed validation (${reason})` : `HTTP ${status} (${reason})`;
  return new ProviderUnavailableError('provider_bad_response', `${provider} answered the ${step} with ${answered}.`, { cause: error });
}

/**
 * A provider's `error` (or `error_description`) as it may be shown and logged: RFC 6749 §4.1.2.1 and §5.2 allow
 * printable ASCII without `"` and `\`, and error codes are short. Anything else is cut to `limit` characters and its
 * other characters replaced: a hostile provider, or whoever wrote a callback's address, chooses it.
 */
export function providerValueShown(value: string, limit = 64): string {
  const allowed = value.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?');
  return allowed.length > limit ? `${allowed.slice(0, limit)}…` : allowed;
}

/**
 * The RFC 6749 §5.2 (or RFC 7009 §2.2.1) error code a provider refused a request with: the `error` of its
 * JSON body, or, where the answer also carried a `WWW-Authenticate` challenge, the challenge's `error`
 * parameter. Doorkeeper, the OAuth server of GitLab and Mastodon, sends that challenge with every refusal
 * (a 400 `invalid_grant` too), and openid-client then reads no body. Undefined for any other failure.
 */
export function refusalCode(error: unknown): string | undefined {
  if (error instanceof oidc.ResponseBodyError) return error.error;
  if (error instanceof oidc.WWWAuthenticateChallengeError) return error.cause.find((challenge) => challenge.parameters.error !== undefined)?.parameters.error;
  return undefined;
}

/**
 * Turns a failure of a request to the provider into a TokenkeeperError:
 * transport faults and answers that fail validation become 502/503/504, and
 * a refusal (a JSON `error` body) keeps the provider's own value as
 * `providerError` (callers map `invalid_grant` before asking). Anything else
 * is not the provider's doing and is thrown again as it is.
 */
export function describeProviderFailure(provider: string, step: string, error: unknown): TokenkeeperError {
  if (error instanceof TokenkeeperError) return error;
  const chain = causeChain(error);
  if (chain.some((e) => e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))) {
    return new ProviderUnavailableError('provider_timeout', `${provider} did not answer the ${step} in time.`, { cause: error });
  }
  // A server people named that is on a private or other non-public address (a publicAddressesOnly provider): never sent.
  const nonPublic = chain.find((e) => errorCode(e) === 'NON_PUBLIC_ADDRESS');
  if (nonPublic !== undefined) {
    return new ProviderUnavailableError('provider_unreachable', `The ${step} for ${provider} was not sent: ${(nonPublic as Error).message}.`, { cause: error });
  }
  const tlsCode = chain.map(errorCode).find((code) => code !== undefined && TLS_TRUST_CODES.has(code));
  if (tlsCode) {
    return new ProviderUnavailableError(
      'provider_untrusted_certificate',
      `The TLS certificate of ${provider} is not trusted (${tlsCode}); set CA_FILE to the CA bundle that signed it.`,
      { cause: error },
    );
  }
  const response = upstreamResponse(chain);
  // 429 (RFC 6585 §4: Discord's, Spotify's and Reddit's token endpoints limit so) is a wait too, not a refusal.
  if (response?.status === 503 || response?.status === 429) {
    const what = response.status === 503 ? 'is temporarily unavailable (HTTP 503)' : 'is limiting requests (HTTP 429)';
    return new ProviderUnavailableError('provider_unavailable', `${provider} ${what} for the ${step}.`, {
      cause: error,
      retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
    });
  }
  if (error instanceof oidc.ResponseBodyError) {
    if (error.status >= 500) {
      return new ProviderUnavailableError('provider_error', `${provider} failed the ${step} (HTTP ${error.status}).`, { cause: error });
    }
    const code = providerValueShown(error.error);
    return new ProviderUnavailableError('provider_error', `${provider} refused the ${step} (${code}).`, { cause: error, providerError: code });
  }
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    const challenge = refusalCode(error);
    const code = challenge === undefined ? null : providerValueShown(challenge);
    return new ProviderUnavailableError('provider_error', `${provider} refused the ${step} (${code ?? `HTTP ${error.response.status}`}).`, { cause: error, providerError: code });
  }
  if (error instanceof TypeError && chain.some((e) => errorCode(e) !== undefined || (e as Error).message === 'fetch failed')) {
    return new ProviderUnavailableError('provider_unreachable', `${provider} could not be reached for the ${step}.`, { cause: error });
  }
  // openid-client wraps our fetch's refusal of a large body in its own error: look along the chain.
  if (chain.some((e) => errorCode(e) === 'RESPONSE_TOO_LARGE')) {
    return new ProviderUnavailableError('provider_bad_response', `${provider} answered the ${step} with more than we read.`, { cause: error });
  }
  // An encrypted ID token or userinfo answer (JWE) the app holds no key for, or one encrypted to another key.
  if (chain.some((e) => (e as Error).message === 'JWE decryption is not configured')) {
    return new ProviderUnavailableError('provider_bad_response', `${provider} encrypted its answer to the ${step} (JWE), and no decryption key is configured for it (<NAME>_DECRYPTION_KEY_FILE).`, { cause: error });
  }
  if (chain.some((e) => errorCode(e) === 'OAUTH_DECRYPTION_FAILED')) {
    return new ProviderUnavailableError('provider_bad_response', `${provider} encrypted its answer to the ${step} (JWE) to a key other than the one configured (<NAME>_DECRYPTION_KEY_FILE), or with an algorithm it does not take: it could not be decrypted.`, { cause: error });
  }
  // openid-client's and oauth4webapi's validation (OAUTH_…), jose's checks of tokens and keys (ERR_J…).
  const code = errorCode(error);
  if (code?.startsWith('OAUTH_') || code?.startsWith('ERR_J') || error instanceof oidc.ClientError) {
    if (response) return describeAnswer(provider, step, response, code, error);
    return new ProviderUnavailableError('provider_bad_response', `${provider} gave an answer to the ${step} that failed validation (${code ?? 'invalid response'}).`, { cause: error });
  }
  // Not a provider's answer: our own fault, which the caller's error handler logs with its stack as a 500.
  throw error;
}
