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
 * - the exchange for a long-lived token (`ig_exchange_token`), its renewal
 *   (`ig_refresh_token`) and Graph's errors, as kit/meta-user-tokens.ts
 *   serves them.
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
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { metaUserTokenRoutes } from './kit/meta-user-tokens.js';

export interface InstagramUser {
  /** The app-scoped id, `id` in the Graph API and `user_id` of the code exchange. */
  appScopedId: string;
  /** The professional account's id, `user_id` of /me. */
  accountId: string;
  username: string;
  name: string;
}

export interface InstagramEmulatorOptions extends EmulatorOptions {
  /** The code exchange answers as Meta's docs show it, `{ data: [{ …, permissions: "a,b" }] }`. */
  wrappedCodeAnswer?: boolean;
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
const SHORT_LIVED_TTL = 3_600;
const SCOPES = ['instagram_business_basic', 'instagram_business_content_publish', 'instagram_business_manage_messages', 'instagram_business_manage_comments', 'instagram_business_manage_insights'];

export async function startInstagramEmulator(options: InstagramEmulatorOptions): Promise<InstagramEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<InstagramUser>({ now, accessTokenTtl: SHORT_LIVED_TTL, refreshPolicy: 'none', codeTtl: 600 });
  const controls = emulatorControls<InstagramUser>(server, grants);
  const tokens = metaUserTokenRoutes(server, grants, { clientSecret: options.clientSecret, exchangeGrant: 'ig_exchange_token', refreshGrant: 'ig_refresh_token', exceptionType: 'IGApiException', now });
  const { caller } = tokens;

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
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.accountId === user.accountId),
    secondsLeft: (accessToken) => grants.accessTokenSecondsLeft(accessToken),
    isLongLived: tokens.isLongLived,
    failNextRenewal: tokens.failNextRenewal,
  };
}
