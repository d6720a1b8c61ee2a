/**
 * An emulator of the Threads API's authorization (threads.com) and of the part of graph.threads.com that sign-in,
 * renewal and the proxies touch, on one origin, written from Meta's Threads docs:
 * - `GET /oauth/authorize` with `client_id`, `redirect_uri` (the one registered), `response_type=code`, `state` and
 *   `scope`, comma- or space-separated, which must hold `threads_basic`
 *   (https://developers.facebook.com/documentation/threads/get-started/get-access-tokens-and-permissions); a scope
 *   it does not know is sent back as `invalid_scope`, and a person who cancels as `error=access_denied`,
 *   `error_reason=user_denied` (as Facebook Login does; not shown for Threads). PKCE is not checked.
 * - `POST /oauth/access_token`, a form with `client_id`, `client_secret`, `code`, `grant_type=authorization_code`
 *   and `redirect_uri`: `{ access_token, user_id }`, a short-lived token of one hour; a code lives an hour and is
 *   used once. Refusals are Graph's `{ error: { message, type, code } }` (their bodies are not shown by Meta).
 * - The exchange for a long-lived token (`th_exchange_token`), its renewal (`th_refresh_token`) and Graph's errors,
 *   as kit/meta-user-tokens.ts serves them
 *   (https://developers.facebook.com/docs/threads/get-started/long-lived-tokens/).
 * - `GET /v1.0/me?fields=…`: `id` (the Threads user id), `username`, `name`, `threads_profile_picture_url`,
 *   `threads_biography` (https://developers.facebook.com/documentation/threads/threads-profiles); `GET
 *   /v1.0/me/threads` the person's posts. The token as the `access_token` parameter or a Bearer header.
 * - removeApp() is the person removing the app in Threads' settings: every token of theirs stops working (code 190,
 *   subcode 458). There is no revocation endpoint.
 * failNextTokenRequest() fails the next code exchange, failNextRenewal() the next exchange or renewal. The window
 * approves at once for signInAs()'s person; the clock is `now`.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, startEmulatorServer, json } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { graphError, metaUserTokenRoutes } from './kit/meta-user-tokens.js';

export interface ThreadsUser {
  /** The Threads user id. */
  userId: string;
  username: string;
  name: string;
}

export interface ThreadsEmulator extends EmulatorHandle<ThreadsUser> {
  /** The person removes the app in Threads' settings: none of its tokens works (code 190). */
  removeApp(user: ThreadsUser): void;
  /** Whether a live token is a long-lived one (from an exchange or a renewal). */
  isLongLived(accessToken: string): boolean;
  /** The next request to /access_token or /refresh_access_token fails with this HTTP status and renews nothing. */
  failNextRenewal(status: number): void;
}

const SHORT_LIVED_TTL = 3_600;
const SCOPES = ['threads_basic', 'threads_content_publish', 'threads_read_replies', 'threads_manage_replies', 'threads_manage_insights'];
const exchangeRefusal = (message: string, code: number) => graphError(400, { message, type: 'OAuthException', code });

export async function startThreadsEmulator(options: EmulatorOptions): Promise<ThreadsEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<ThreadsUser>({ now, accessTokenTtl: SHORT_LIVED_TTL, refreshPolicy: 'none', codeTtl: 3_600 });
  const controls = emulatorControls<ThreadsUser>(server, grants);
  const tokens = metaUserTokenRoutes(server, grants, { clientSecret: options.clientSecret, exchangeGrant: 'th_exchange_token', refreshGrant: 'th_refresh_token', exceptionType: 'THApiException', now });

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const asked = requestedScopes(query, /[\s,]+/);
      return !asked.includes('threads_basic') || asked.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope', error_description: 'Invalid Scopes' } : undefined;
    },
    denied: { error: 'access_denied', error_reason: 'user_denied', error_description: 'The user denied your request.' },
    pkce: false,
    request: (query) => ({ scope: requestedScopes(query, /[\s,]+/).join(' ') }),
  });

  server.route('POST', '/oauth/access_token', (request) => {
    server.count('token_request');
    const failure = controls.tokenFailure();
    if (failure !== undefined) return html(failure, '<h1>Sorry, something went wrong.</h1>');
    const form = request.form();
    if (form.get('client_id') !== options.clientId) return exchangeRefusal('Invalid platform app', 101);
    if (form.get('client_secret') !== options.clientSecret) return exchangeRefusal('Error validating client secret.', 1);
    if (form.get('grant_type') !== 'authorization_code') return exchangeRefusal('Unsupported grant_type', 100);
    server.count('authorization_code');
    const redeemed = grants.redeemCode(form.get('code') ?? '', { clientId: options.clientId, redirectUri: form.get('redirect_uri'), codeVerifier: null });
    if (!redeemed.ok) return exchangeRefusal('Invalid authorization code', 100);
    return json(200, { access_token: redeemed.tokens.accessToken, user_id: Number(redeemed.grant.user.userId) });
  });

  server.route('GET', '/v1.0/me', (request) => {
    server.count('me');
    const grant = tokens.caller(request);
    if (!isGrant(grant)) return grant;
    const fields = (request.url.searchParams.get('fields') ?? 'id').split(',');
    const { user } = grant;
    const all: Record<string, string> = {
      id: user.userId,
      username: user.username,
      name: user.name,
      threads_profile_picture_url: `https://scontent.cdninstagram.com/v/t51.2885-19/${user.userId}.jpg`,
      threads_biography: `Posting as ${user.username}`,
    };
    return json(200, Object.fromEntries(Object.entries(all).filter(([field]) => field === 'id' || fields.includes(field))));
  });

  server.route('GET', '/v1.0/me/threads', (request) => {
    server.count('threads');
    const grant = tokens.caller(request);
    if (!isGrant(grant)) return grant;
    return json(200, { data: [{ id: '18050206876707110', text: `by ${grant.user.username}` }] });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.userId === user.userId),
    isLongLived: tokens.isLongLived,
    failNextRenewal: tokens.failNextRenewal,
  };
}
