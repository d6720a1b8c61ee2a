import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import {
  describeProviderFailure,
  NotConnectedError,
  parseRetryAfter,
  ProviderUnavailableError,
  ReauthRequiredError,
  refusalCode,
  SignInError,
  TokenkeeperError,
  UnknownProviderError,
} from './errors.js';

/** How undici reports a failed request: `TypeError: fetch failed`, the system or TLS error as its cause. */
function fetchFailed(code: string, message = code): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

/** openid-client's error for an answer with an unexpected status: a ClientError whose cause is the Response. */
function notConform(response: Response): oidc.ClientError {
  return Object.assign(new oidc.ClientError('unexpected HTTP response status code', { cause: response }), { code: 'OAUTH_RESPONSE_IS_NOT_CONFORM' });
}

/** oauth4webapi's error for an answer that is not JSON where JSON was due (an HTML 404 page): its cause is the Response. */
function notJson(response: Response): oidc.ClientError {
  return Object.assign(new oidc.ClientError('"response" content-type must be application/json', { cause: response }), { code: 'OAUTH_RESPONSE_IS_NOT_JSON' });
}

function bodyError(status: number, error: string, headers: Record<string, string> = {}): oidc.ResponseBodyError {
  return new oidc.ResponseBodyError('server responded with an error in the response body', {
    cause: { error },
    response: new Response(JSON.stringify({ error }), { status, headers: { 'content-type': 'application/json', ...headers } }),
  });
}

const describe_ = (error: unknown) => describeProviderFailure('Acme', 'token refresh', error);

describe('describeProviderFailure', () => {
  it('a Tokenkeeper error is passed through as it is', () => {
    const original = new ReauthRequiredError('Acme');
    expect(describe_(original)).toBe(original);
  });

  it.each([
    ['a timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError')],
    ['an abort', new DOMException('This operation was aborted', 'AbortError')],
    ['a timeout deep in the cause chain', new TypeError('fetch failed', { cause: new DOMException('timed out', 'TimeoutError') })],
  ])('%s is provider_timeout (504)', (_name, error) => {
    const described = describe_(error);
    expect(described).toBeInstanceOf(ProviderUnavailableError);
    expect(described).toMatchObject({ code: 'provider_timeout', status: 504, message: 'Acme did not answer the token refresh in time.', cause: error });
  });

  it.each([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_UNTRUSTED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'CERT_HAS_EXPIRED',
  ])('the TLS failure %s is provider_untrusted_certificate (502), naming the code and CA_FILE', (code) => {
    expect(describe_(fetchFailed(code))).toMatchObject({
      code: 'provider_untrusted_certificate',
      status: 502,
      message: `The TLS certificate of Acme is not trusted (${code}); set CA_FILE to the CA bundle that signed it.`,
    });
  });

  it('a 503 is provider_unavailable with the Retry-After it sent, in seconds', () => {
    const described = describe_(bodyError(503, 'temporarily_unavailable', { 'retry-after': '30' }));
    expect(described).toBeInstanceOf(ProviderUnavailableError);
    expect(described).toMatchObject({ code: 'provider_unavailable', status: 503, retryAfterSeconds: 30, message: 'Acme is temporarily unavailable (HTTP 503) for the token refresh.' });
  });

  it('a 503 without a JSON body, and without Retry-After, is provider_unavailable with none', () => {
    expect(describe_(notConform(new Response('down', { status: 503 })))).toMatchObject({ code: 'provider_unavailable', status: 503, retryAfterSeconds: null });
  });

  it('a 429 (RFC 6585) is provider_unavailable too, with its Retry-After, whether or not its body is an RFC 6749 error', () => {
    // Discord's rate limit answer: its own JSON, no `error`.
    const limited = new Response('{"message":"You are being rate limited.","retry_after":64.57,"global":false}', { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '65' } });
    expect(describe_(notConform(limited))).toMatchObject({ code: 'provider_unavailable', status: 503, retryAfterSeconds: 65, message: 'Acme is limiting requests (HTTP 429) for the token refresh.' });
    expect(describe_(bodyError(429, 'slow_down'))).toMatchObject({ code: 'provider_unavailable', status: 503, retryAfterSeconds: null });
  });

  it('a 4xx error body is provider_error (502), the provider\'s own code kept as providerError, never ours', () => {
    const described = describe_(bodyError(400, 'unauthorized_client'));
    expect(described).toBeInstanceOf(ProviderUnavailableError);
    expect(described).toMatchObject({ code: 'provider_error', status: 502, providerError: 'unauthorized_client', message: 'Acme refused the token refresh (unauthorized_client).' });
  });

  it('a 5xx error body is provider_error (502)', () => {
    expect(describe_(bodyError(500, 'server_error'))).toMatchObject({ code: 'provider_error', status: 502, message: 'Acme failed the token refresh (HTTP 500).' });
  });

  it('a WWW-Authenticate challenge is provider_error (502), naming its error, kept as providerError, or else the status', () => {
    const challenged = (parameters: Record<string, string>) =>
      new oidc.WWWAuthenticateChallengeError('server responded with a challenge', {
        cause: [{ scheme: 'bearer', parameters }],
        response: new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer' } }),
      });
    expect(describe_(challenged({ error: 'invalid_token' }))).toMatchObject({ code: 'provider_error', status: 502, providerError: 'invalid_token', message: 'Acme refused the token refresh (invalid_token).' });
    expect(describe_(challenged({ realm: 'acme' }))).toMatchObject({ code: 'provider_error', status: 502, providerError: null, message: 'Acme refused the token refresh (HTTP 401).' });
  });

  it('refusalCode: the error of a JSON body, or of a WWW-Authenticate challenge (which openid-client reads instead of the body); nothing for other failures', () => {
    expect(refusalCode(bodyError(400, 'invalid_grant'))).toBe('invalid_grant');
    const challenges: oidc.WWWAuthenticateChallenge[] = [
      { scheme: 'bearer', parameters: { realm: 'Doorkeeper' } },
      { scheme: 'bearer', parameters: { error: 'invalid_grant' } },
    ];
    expect(refusalCode(new oidc.WWWAuthenticateChallengeError('challenge', { cause: challenges, response: new Response(null, { status: 400 }) }))).toBe('invalid_grant');
    expect(refusalCode(new oidc.WWWAuthenticateChallengeError('challenge', { cause: [challenges[0]!], response: new Response(null, { status: 400 }) }))).toBeUndefined();
    expect(refusalCode(fetchFailed('ECONNREFUSED'))).toBeUndefined();
  });

  it('fetch failed (connection refused, DNS) is provider_unreachable (503)', () => {
    expect(describe_(fetchFailed('ECONNREFUSED'))).toMatchObject({ code: 'provider_unreachable', status: 503, message: 'Acme could not be reached for the token refresh.' });
    expect(describe_(fetchFailed('ENOTFOUND'))).toMatchObject({ code: 'provider_unreachable' });
    expect(describe_(new TypeError('fetch failed'))).toMatchObject({ code: 'provider_unreachable' });
  });

  it('a TypeError that is no network failure (our bug) is thrown again as it is, for a logged 500, not blamed on the provider', () => {
    const bug = new TypeError('Cannot read properties of undefined');
    expect(() => describe_(bug)).toThrow(bug);
  });

  it('an unexpected 5xx status is provider_error (502), naming it', () => {
    expect(describe_(notConform(new Response('oops', { status: 502 })))).toMatchObject({ code: 'provider_error', status: 502, message: 'Acme failed the token refresh (HTTP 502).' });
  });

  it('a 3xx redirect is provider_bad_response naming where it points, since it is not followed', () => {
    const redirect = new Response(null, { status: 302, headers: { location: 'https://login.acme.test/oauth/token' } });
    expect(describe_(notConform(redirect))).toMatchObject({
      code: 'provider_bad_response',
      status: 502,
      message: 'Acme answered the token refresh with HTTP 302, a redirect to https://login.acme.test/oauth/token, which is not followed; configure that URL instead.',
    });
  });

  it('a redirect target is cut at 300 characters in the message', () => {
    const location = `https://login.acme.test/${'a'.repeat(400)}`;
    const message = describe_(notConform(new Response(null, { status: 301, headers: { location } }))).message;
    expect(message).toContain(location.slice(0, 300));
    expect(message).not.toContain(location.slice(0, 301));
  });

  it('another unexpected status (a 3xx without Location, a 404) is provider_bad_response naming it', () => {
    expect(describe_(notConform(new Response(null, { status: 304 })))).toMatchObject({ code: 'provider_bad_response', status: 502, message: 'Acme answered the token refresh with HTTP 304.' });
    expect(describe_(notConform(new Response('no', { status: 404 })))).toMatchObject({ code: 'provider_bad_response', message: 'Acme answered the token refresh with HTTP 404.' });
  });

  it('an answer that is not JSON names its status: a 4xx page, or a 2xx that failed validation', () => {
    const page = new Response('<html>Not Found</html>', { status: 404, headers: { 'content-type': 'text/html' } });
    expect(describe_(notJson(page))).toMatchObject({ code: 'provider_bad_response', status: 502, message: 'Acme answered the token refresh with HTTP 404 (not JSON).' });
    const ok = new Response('<html>Maintenance</html>', { status: 200, headers: { 'content-type': 'text/html' } });
    expect(describe_(notJson(ok))).toMatchObject({ code: 'provider_bad_response', message: 'Acme answered the token refresh with HTTP 200, which failed validation (not JSON).' });
  });

  it('another openid-client validation failure is provider_bad_response naming its code', () => {
    const error = Object.assign(new oidc.ClientError('unexpected JWT claim value encountered'), { code: 'OAUTH_JWT_CLAIM_COMPARISON' });
    expect(describe_(error)).toMatchObject({ code: 'provider_bad_response', status: 502, message: 'Acme gave an answer to the token refresh that failed validation (OAUTH_JWT_CLAIM_COMPARISON).' });
    expect(describe_(new oidc.ClientError('no code'))).toMatchObject({ message: 'Acme gave an answer to the token refresh that failed validation (invalid response).' });
  });

  it('an error that is not a provider\'s failure is thrown again as it is', () => {
    const unknown = new Error('something else');
    expect(() => describe_(unknown)).toThrow(unknown);
    expect(() => describe_('a string')).toThrow('a string');
  });

  it('a jose check of a token or key (ERR_J…) and an answer larger than we read are provider_bad_response', () => {
    const jose = Object.assign(new Error('signature verification failed'), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    expect(describe_(jose)).toMatchObject({ code: 'provider_bad_response', status: 502 });
    const large = Object.assign(new Error('too large'), { code: 'RESPONSE_TOO_LARGE' });
    expect(describe_(large)).toMatchObject({ code: 'provider_bad_response', message: 'Acme answered the token refresh with more than we read.' });
    // As openid-client hands it on: wrapped in its own error.
    const wrapped = new oidc.ClientError('something went wrong', { cause: large });
    expect(describe_(wrapped)).toMatchObject({ code: 'provider_bad_response', message: 'Acme answered the token refresh with more than we read.' });
  });
});

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  const at = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter(' 0 ')).toBe(0);
  });

  it('reads an HTTP date as the seconds until it, rounded up, and a past one as 0', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', at)).toBe(120);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', at + 500)).toBe(120);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', at)).toBe(0);
  });

  it('is null when absent or unreadable', () => {
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    // Date.parse alone reads these as dates in 2001: a negative or fractional delay is not an HTTP-date.
    expect(parseRetryAfter('-5')).toBeNull();
    expect(parseRetryAfter('1.5')).toBeNull();
    expect(parseRetryAfter('')).toBeNull();
  });
});

describe('the error family', () => {
  it('each error has its stable code, HTTP status and name', () => {
    expect(new UnknownProviderError('x')).toMatchObject({ code: 'unknown_provider', status: 404, name: 'UnknownProviderError' });
    expect(new NotConnectedError('Acme')).toMatchObject({ code: 'not_connected', status: 409, name: 'NotConnectedError' });
    expect(new ReauthRequiredError('Acme')).toMatchObject({ code: 'needs_reauth', status: 401, name: 'ReauthRequiredError' });
    expect(new SignInError('access_denied', 'no')).toMatchObject({ code: 'access_denied', status: 400 });
    expect(new ProviderUnavailableError('provider_unreachable', 'down')).toMatchObject({ status: 503, retryAfterSeconds: null });
    expect(new ProviderUnavailableError('provider_timeout', 'slow')).toBeInstanceOf(TokenkeeperError);
  });
});
