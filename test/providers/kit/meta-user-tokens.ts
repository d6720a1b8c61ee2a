/**
 * The user access tokens of Meta's APIs that issue no refresh token (the Instagram API with Instagram Login, the
 * Threads API), as their emulators share them, from Meta's docs:
 * - `GET /access_token?grant_type=<exchange grant>&client_secret&access_token`: a valid short-lived token for a
 *   long-lived one of 60 days, `{ access_token, token_type: "bearer", expires_in }`; the short-lived token keeps
 *   working until its hour ends
 *   (https://developers.facebook.com/docs/instagram-platform/reference/access_token,
 *   https://developers.facebook.com/docs/threads/get-started/long-lived-tokens/).
 * - `GET /refresh_access_token?grant_type=<refresh grant>&access_token`: a long-lived token "at least 24 hours old
 *   but [that] has not expired" for a new one valid 60 days from the refresh
 *   (https://developers.facebook.com/docs/instagram-platform/reference/refresh_access_token). A younger one, or a
 *   short-lived one, is refused here with code 100 (the body of that refusal is not shown by Meta); the token
 *   presented keeps working until its own end (not shown by Meta either).
 * - Errors are Graph's `{ error: { message, type, code, error_subcode, fbtrace_id } }`; a token that ended
 *   (expired, or the person removed the app) is OAuthException code 190, sent with HTTP 400
 *   (https://developers.facebook.com/docs/graph-api/guides/error-handling).
 * Each renewal is counted under its grant's name, a renewal proper also as `refresh_token`.
 */
import { isGrant } from './bearer-grant.js';
import { html, json, type EmulatorReply, type EmulatorRequest, type EmulatorServer } from './emulator-server.js';
import type { Grant, GrantStore } from './grants.js';
import { queuedFailure } from './queued-failure.js';

export const DAY = 86_400;
export const LONG_LIVED_TTL = 60 * DAY;

export interface GraphError {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
}

export function graphError(status: number, error: GraphError): EmulatorReply {
  return json(status, { error: { ...error, fbtrace_id: 'AxYz0123456789' } });
}

/** Code 190: the token ended (subcode 463, expired; 458, the person removed the app). */
export const tokenEnded = (subcode: number) => graphError(400, { message: 'Error validating access token: Session has expired or the user has removed the app.', type: 'OAuthException', code: 190, error_subcode: subcode });

export interface MetaUserTokenOptions {
  clientSecret: string;
  exchangeGrant: string;
  refreshGrant: string;
  /** The `type` of the API's own refusals (`IGApiException`). */
  exceptionType: string;
  now(): number;
}

export interface MetaUserTokens<User> {
  /** The grant behind the token a request presents (the `access_token` parameter or a Bearer header), or Graph's refusal. */
  caller(request: EmulatorRequest): Grant<User> | EmulatorReply;
  /** Whether a live token is a long-lived one (from an exchange or a refresh). */
  isLongLived(accessToken: string): boolean;
  /** The next request to /access_token or /refresh_access_token fails with this HTTP status and renews nothing. */
  failNextRenewal(status: number): void;
}

/** Serves the exchange and the renewal on `server` over `grants`' tokens. */
export function metaUserTokenRoutes<User>(server: EmulatorServer, grants: GrantStore<User>, options: MetaUserTokenOptions): MetaUserTokens<User> {
  const { now, exceptionType } = options;
  /** When each long-lived token was issued. */
  const longLived = new Map<string, number>();
  const renewalFailure = queuedFailure();
  const queuedRenewalFailure = () => {
    const status = renewalFailure.take();
    return status === undefined ? undefined : html(status, '<h1>Sorry, something went wrong.</h1>');
  };

  const caller = (request: EmulatorRequest): Grant<User> | EmulatorReply => {
    const accessToken = request.url.searchParams.get('access_token') ?? request.bearer();
    if (!accessToken) return graphError(400, { message: 'An active access token must be used to query information about the current user.', type: exceptionType, code: 2500 });
    const grant = grants.grantOfAccessToken(accessToken);
    if (!grant) return tokenEnded(grants.grantOfToken(accessToken)?.revoked ? 458 : 463);
    return grant;
  };

  const longLivedFor = (grant: Grant<User>) => {
    const accessToken = grants.issueAccessToken(grant.id, LONG_LIVED_TTL);
    longLived.set(accessToken, now());
    return json(200, { access_token: accessToken, token_type: 'bearer', expires_in: LONG_LIVED_TTL });
  };

  server.route('GET', '/access_token', (request) => {
    server.count(options.exchangeGrant);
    const failure = queuedRenewalFailure();
    if (failure) return failure;
    const query = request.url.searchParams;
    if (query.get('grant_type') !== options.exchangeGrant) return graphError(400, { message: 'Unsupported grant_type', type: exceptionType, code: 100 });
    if (query.get('client_secret') !== options.clientSecret) return graphError(400, { message: 'Error validating client secret.', type: 'OAuthException', code: 1 });
    const grant = caller(request);
    return isGrant(grant) ? longLivedFor(grant) : grant;
  });

  server.route('GET', '/refresh_access_token', (request) => {
    server.count(options.refreshGrant);
    const failure = queuedRenewalFailure();
    if (failure) return failure;
    const query = request.url.searchParams;
    if (query.get('grant_type') !== options.refreshGrant) return graphError(400, { message: 'Unsupported grant_type', type: exceptionType, code: 100 });
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const issuedAt = longLived.get(query.get('access_token') ?? request.bearer() ?? '');
    if (issuedAt === undefined) return graphError(400, { message: 'Only long-lived access tokens can be refreshed.', type: exceptionType, code: 100 });
    if (now() - issuedAt < DAY) return graphError(400, { message: 'The access token must be at least 24 hours old to be refreshed.', type: exceptionType, code: 100 });
    server.count('refresh_token');
    return longLivedFor(grant);
  });

  return {
    caller,
    isLongLived: (accessToken) => longLived.has(accessToken) && grants.grantOfAccessToken(accessToken) !== undefined,
    failNextRenewal: renewalFailure.queue,
  };
}
