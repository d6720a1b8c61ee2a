/**
 * An emulator of the Instagram API with Instagram Login (Business Login for
 * Instagram, for professional accounts): the authorization window
 * (www.instagram.com), the code exchange (api.instagram.com) and the part of
 * the Graph API at graph.instagram.com that sign-in, renewal and the proxies
 * touch, on one origin, written from Meta's docs:
 * - `GET /oauth/authorize` with `client_id`, `redirect_uri` (the one
 *   registered), `response_type=code`, `state` and `scope`, "a
 *   comma-separated list, or URL-encoded space-separated list" that must hold
 *   `instagram_business_basic`
 *   (https://developers.facebook.com/docs/instagram-platform/reference/oauth-authorize,
 *   https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login);
 *   a person who cancels goes back with `error=access_denied`,
 *   `error_reason=user_denied` (as Facebook Login does; not shown for
 *   Instagram). PKCE is not checked (Meta does not document it here).
 * - `POST /oauth/access_token`, a form with `client_id`, `client_secret`,
 *   `grant_type=authorization_code`, `redirect_uri` and `code`: a short-lived
 *   token (1 hour), the Instagram-scoped `user_id` and the `permissions`
 *   granted (Business Login, step 2). The docs show the answer wrapped as
 *   `{ data: [{ access_token, user_id, permissions }] }` with the
 *   permissions comma-separated; the flat `{ access_token, user_id,
 *   permissions: [...] }` apps see is the default here, `wrappedCodeAnswer`
 *   gives the documented one. Refusals are `{ error_type, code,
 *   error_message }` (as commonly seen; not shown by Meta).
 * - `GET /access_token?grant_type=ig_exchange_token&client_secret&access_token`:
 *   a valid short-lived token for a long-lived one of 60 days, `{
 *   access_token, token_type: "bearer", expires_in }`
 *   (https://developers.facebook.com/docs/instagram-platform/reference/access_token);
 *   the short-lived token keeps working until its hour ends.
 * - `GET /refresh_access_token?grant_type=ig_refresh_token&access_token`: a
 *   long-lived token "at least 24 hours old but [that] has not expired" for a
 *   new one valid 60 days from the refresh
 *   (https://developers.facebook.com/docs/instagram-platform/reference/refresh_access_token).
 *   A younger one, or a short-lived one, is refused here with code 100 (the
 *   body of that refusal is not shown by Meta); the token presented keeps
 *   working until its own end (not shown by Meta either).
 * - errors are `{ error: { message, type, code, error_subcode, fbtrace_id } }`;
 *   a token that ended (expired, or the person removed the app) is
 *   OAuthException code 190, sent with HTTP 400
 *   (https://developers.facebook.com/docs/graph-api/guides/error-handling).
 * - `GET /v26.0/me?fields=user_id,username,name`: `id` the app-scoped id,
 *   `user_id` the professional account's id, `username`, `name`
 *   (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/get-started,
 *   https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user);
 *   `GET /v26.0/me/media` the account's media. The token as the
 *   `access_token` parameter or a Bearer header.
 * - removeApp() is the person removing the app from their account: every
 *   token of theirs stops working (code 190, subcode 458). There is no
 *   revocation endpoint.
 * failNextTokenRequest() fails the next code exchange, failNextRenewal() the
 * next exchange or refresh at graph.instagram.com. The window approves at
 * once for signInAs()'s person; the clock is `now`.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';

export interface InstagramUser {
  /** The app-scoped id, `id` in the Graph API and `user_id` of the code exchange. */
  appScopedId: string;
  /** The professional account's id, `user_id` of /me. */
  accountId: string;
  username: string;
  name: string;
}

export interface InstagramEmulatorOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** The code exchange answers as Meta's docs show it, `{ data: [{ …, permissions: "a,b" }] }`. */
  wrappedCodeAnswer?: boolean;
  /** Epoch seconds (default: the real clock). */
  now?: () => number;
}

export interface InstagramEmulator extends EmulatorHandle<InstagramUser> {
  /** The person removes the app from their Instagram account: none of its tokens works (code 190). */
  removeApp(user: InstagramUser): void;
  /** Seconds a live token has left; undefined when it is not live. */
  secondsLeft(accessToken: string): number | null | undefined;
  /** Whether a live token is a long-lived one (from an exchange or a refresh). */
  isLongLived(accessToken: string): boolean;
  /** The next request to /access_token or /refresh_access_token fails with this HTTP status and renews nothing. */
  failNextRenewal(status: number): void;
}

export const GRAPH_VERSION = 'v26.0';
const HOUR = 3_600;
const DAY = 86_400;
const SHORT_LIVED_TTL = HOUR;
const LONG_LIVED_TTL = 60 * DAY;
const SCOPES = ['instagram_business_basic', 'instagram_business_content_publish', 'instagram_business_manage_messages', 'instagram_business_manage_comments', 'instagram_business_manage_insights'];

interface GraphError {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
}

function graphError(status: number, error: GraphError): EmulatorReply {
  return json(status, { error: { ...error, fbtrace_id: 'AxYz0123456789' } });
}

const tokenEnded = (subcode: number) => graphError(400, { message: 'Error validating access token: Session has expired or the user has removed the app.', type: 'OAuthException', code: 190, error_subcode: subcode });

export async function startInstagramEmulator(options: InstagramEmulatorOptions): Promise<InstagramEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<InstagramUser>({ now, accessTokenTtl: SHORT_LIVED_TTL, refreshPolicy: 'none', codeTtl: 600 });
  const controls = emulatorControls<InstagramUser>(server, grants);
  /** When each long-lived token was issued. */
  const longLived = new Map<string, number>();
  let renewalFailure: number | undefined;
  const queuedRenewalFailure = () => {
    const status = renewalFailure;
    renewalFailure = undefined;
    return status === undefined ? undefined : html(status, '<h1>Sorry, something went wrong.</h1>');
  };

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'Invalid platform app', redirectUri: 'Invalid redirect_uri' },
    refuse: (query) => {
      const asked = requestedScopes(query, /[\s,]+/);
      return !asked.includes('instagram_business_basic') || asked.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope', error_description: 'Invalid Scopes' } : undefined;
    },
    denied: { error: 'access_denied', error_reason: 'user_denied', error_description: 'The user denied your request.' },
    pkce: false,
    request: (query) => ({ scope: requestedScopes(query, /[\s,]+/).join(' ') }),
  });

  const exchangeRefusal = (message: string) => json(400, { error_type: 'OAuthException', code: 400, error_message: message });

  server.route('POST', '/oauth/access_token', (request) => {
    server.count('token_request');
    const failure = controls.tokenFailure();
    if (failure !== undefined) return html(failure, '<h1>Sorry, something went wrong.</h1>');
    const form = request.form();
    if (form.get('client_id') !== options.clientId) return exchangeRefusal('Invalid platform app');
    if (form.get('client_secret') !== options.clientSecret) return exchangeRefusal('Error validating client secret.');
    if (form.get('grant_type') !== 'authorization_code') return exchangeRefusal('Unsupported grant_type');
    server.count('authorization_code');
    const redeemed = grants.redeemCode(form.get('code') ?? '', { clientId: options.clientId, redirectUri: form.get('redirect_uri'), codeVerifier: null });
    if (!redeemed.ok) return exchangeRefusal(redeemed.reason === 'redirect_uri_mismatch' ? 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request' : 'Invalid authorization code');
    const { grant, tokens } = redeemed;
    const permissions = grant.scope.split(' ');
    if (options.wrappedCodeAnswer) return json(200, { data: [{ access_token: tokens.accessToken, user_id: grant.user.appScopedId, permissions: permissions.join(',') }] });
    return json(200, { access_token: tokens.accessToken, user_id: Number(grant.user.appScopedId), permissions });
  });

  /** The grant behind the token a request presents, or Graph's refusal. */
  const caller = (request: EmulatorRequest): Grant<InstagramUser> | EmulatorReply => {
    const accessToken = request.url.searchParams.get('access_token') ?? request.bearer();
    if (!accessToken) return graphError(400, { message: 'An active access token must be used to query information about the current user.', type: 'IGApiException', code: 2500 });
    const grant = grants.grantOfAccessToken(accessToken);
    if (!grant) return tokenEnded(grants.grantOfToken(accessToken)?.revoked ? 458 : 463);
    return grant;
  };

  server.route('GET', '/access_token', (request) => {
    server.count('ig_exchange_token');
    const failure = queuedRenewalFailure();
    if (failure) return failure;
    const query = request.url.searchParams;
    if (query.get('grant_type') !== 'ig_exchange_token') return graphError(400, { message: 'Unsupported grant_type', type: 'IGApiException', code: 100 });
    if (query.get('client_secret') !== options.clientSecret) return graphError(400, { message: 'Error validating client secret.', type: 'OAuthException', code: 1 });
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const accessToken = grants.issueAccessToken(grant.id, LONG_LIVED_TTL);
    longLived.set(accessToken, now());
    return json(200, { access_token: accessToken, token_type: 'bearer', expires_in: LONG_LIVED_TTL });
  });

  server.route('GET', '/refresh_access_token', (request) => {
    server.count('ig_refresh_token');
    const failure = queuedRenewalFailure();
    if (failure) return failure;
    const query = request.url.searchParams;
    if (query.get('grant_type') !== 'ig_refresh_token') return graphError(400, { message: 'Unsupported grant_type', type: 'IGApiException', code: 100 });
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const presented = query.get('access_token') ?? request.bearer() ?? '';
    const issuedAt = longLived.get(presented);
    if (issuedAt === undefined) return graphError(400, { message: 'Only long-lived access tokens can be refreshed.', type: 'IGApiException', code: 100 });
    if (now() - issuedAt < DAY) return graphError(400, { message: 'The access token must be at least 24 hours old to be refreshed.', type: 'IGApiException', code: 100 });
    server.count('refresh_token');
    const accessToken = grants.issueAccessToken(grant.id, LONG_LIVED_TTL);
    longLived.set(accessToken, now());
    return json(200, { access_token: accessToken, token_type: 'bearer', expires_in: LONG_LIVED_TTL });
  });

  server.route('GET', `/${GRAPH_VERSION}/me`, (request) => {
    server.count('me');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const fields = (request.url.searchParams.get('fields') ?? 'id').split(',');
    const { user } = grant;
    const all: Record<string, string> = { id: user.appScopedId, user_id: user.accountId, username: user.username, name: user.name, account_type: 'BUSINESS' };
    return json(200, Object.fromEntries(Object.entries(all).filter(([field]) => field === 'id' || fields.includes(field))));
  });

  server.route('GET', `/${GRAPH_VERSION}/me/media`, (request) => {
    server.count('media');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    return json(200, { data: [{ id: '17895695668004550', caption: `by ${grant.user.username}` }] });
  });

  return {
    ...controls.handle,
    removeApp: (user) => {
      for (const grant of grants.allGrants()) if (grant.user.accountId === user.accountId) grants.revokeGrant(grant.id);
    },
    secondsLeft: (accessToken) => grants.accessTokenSecondsLeft(accessToken),
    isLongLived: (accessToken) => longLived.has(accessToken) && grants.grantOfAccessToken(accessToken) !== undefined,
    failNextRenewal: (status) => {
      renewalFailure = status;
    },
  };
}
