/**
 * An emulator of Feedly's Cloud API OAuth (cloud.feedly.com/v3/auth/auth,
 * /v3/auth/token, /v3/auth/logout) and of the part of its API a connection
 * touches, written from Feedly's developer documentation:
 * - Authorize: `GET /v3/auth/auth` with `response_type=code`, `client_id`,
 *   `redirect_uri` (exactly the registered one), `scope`
 *   (`https://cloud.feedly.com/subscriptions`) and `state`, sent back with
 *   the `code`, or with an error when the person does not approve
 *   (https://developer.feedly.com/v3/auth/; RFC 6749's `access_denied` here).
 * - Token: `POST /v3/auth/token` with `client_id` and `client_secret` among
 *   the parameters (read from a form, or JSON), for `authorization_code`
 *   (with `redirect_uri`) and `refresh_token`. The exchange answers `id`,
 *   `access_token`, `refresh_token`, `expires_in`, `token_type: "Bearer"`,
 *   `plan` and `state` (when one was sent); a refresh answers the same
 *   without a refresh token, the one refresh token serving every refresh
 *   (same page). Access tokens last a week, refresh tokens until ended
 *   (https://developer.feedly.com/v3/developer/), and a refresh with an
 *   ended one is a 401 "revoked refresh_token" (an unknown one "bad
 *   refresh_token"; same page; the JSON body around those words is this
 *   emulator's). Refusals of a code and of the client are RFC 6749 §5.2's
 *   (Feedly does not show them).
 * - `GET /v3/profile`: `id`, `email`, `givenName`, `familyName`, `fullName`,
 *   `locale` (https://developer.feedly.com/v3/profile/).
 * - API: `GET /v3/subscriptions`, the person's feeds
 *   (https://developer.feedly.com/v3/subscriptions/; the feed is this
 *   emulator's). An expired or ended token is a 401 "token expired"
 *   (https://developer.feedly.com/v3/developer/; its body is this
 *   emulator's).
 * - `POST /v3/auth/logout` with the access token ends the person's grant,
 *   its refresh token included (https://developer.feedly.com/v3/developer/);
 *   its path and its empty 200 are NetNewsWire's Feedly client's.
 * The person may log the application out elsewhere (`logoutElsewhere`),
 * which ends the grant. The authorization page approves at once for
 * signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, tokenEndpoint } from './kit/token-endpoint.js';

export interface FeedlyUser {
  /** The Feedly user id, a UUID. */
  id: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface FeedlyEmulator extends EmulatorHandle<FeedlyUser> {
  /** The person logs the application out elsewhere: every token of theirs stops working. */
  logoutElsewhere(user: FeedlyUser): void;
  /** The next /v3/profile request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The parameters of each token request, in order. */
  readonly tokenParameters: ReadonlyArray<URLSearchParams>;
}

/** A week: a regular access token's lifetime. */
const ACCESS_TOKEN_TTL = 604_800;

/** Feedly's 401, with the words its developer page gives. */
const feedlyError = (status: number, words: string): EmulatorReply => json(status, { errorCode: status, errorId: 'ap5int-sv2.2026120702.4521', errorMessage: words });

export async function startFeedlyEmulator(options: EmulatorOptions): Promise<FeedlyEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<FeedlyUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'static' });
  const controls = emulatorControls<FeedlyUser>(server, grants);
  const tokenParameters: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/v3/auth/auth', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/v3/auth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    parameters: jsonOrForm,
    authenticates: (request) => {
      const parameters = jsonOrForm(request);
      tokenParameters.push(parameters);
      return credentialsIn(parameters, { clientId: options.clientId, clientSecret: options.clientSecret });
    },
    pkce: false,
    errors: { refreshToken: (reason) => feedlyError(401, reason === 'revoked_grant' ? 'revoked refresh_token' : 'bad refresh_token') },
    answer: ({ grantType, grant, tokens, form }) => {
      const members = { id: grant.user.id, access_token: tokens.accessToken, expires_in: tokens.expiresIn, token_type: 'Bearer', plan: 'standard' };
      if (grantType === 'refresh_token') return json(200, members);
      const state = form.get('state');
      return json(200, { ...members, refresh_token: tokens.refreshToken, ...(state ? { state } : {}) });
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => feedlyError(401, 'token expired'));

  server.route('GET', '/v3/profile', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return feedlyError(status, 'internal error');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { id: user.id, email: user.email, givenName: user.givenName, familyName: user.familyName, fullName: `${user.givenName} ${user.familyName}`, locale: 'en', wave: '2026.49' });
  });

  server.route('GET', '/v3/subscriptions', (request) => {
    server.count('subscriptions');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, [
      {
        id: 'feed/https://blog.feedly.com/feed/',
        title: 'Feedly Blog',
        website: 'https://blog.feedly.com',
        categories: [{ id: `user/${grant.user.id}/category/tech`, label: 'tech' }],
        updated: 1_765_065_600_000,
      },
    ]);
  });

  server.route('POST', '/v3/auth/logout', (request) => {
    server.count('revoke');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    grants.revokeGrant(grant.id);
    return { status: 200, headers: {}, body: '' };
  });

  return {
    ...controls.handle,
    logoutElsewhere: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenParameters,
  };
}
