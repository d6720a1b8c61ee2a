/**
 * An emulator of Zooniverse's Panoptes (signin.zooniverse.org): its OAuth
 * routes, those of the Doorkeeper library, and the part of its API a
 * connection touches, written from the Panoptes API reference
 * (https://zooniverse.github.io/panoptes/, #authentication, #headers,
 * #users, and its selected authentication routes,
 * https://github.com/zooniverse/panoptes/blob/master/docs/source/includes/_authentication_routes.md):
 * - Authorize: `GET /oauth/authorize` with `client_id` and `redirect_uri`
 *   (the application's, else an error page), `response_type=code` and
 *   `scope`, space-separated; a scope not ticked on the application
 *   (`user public` here) is sent back as `invalid_scope`, no scope is
 *   `public`. A person who declines comes back with `error=access_denied`.
 * - Token: `POST /oauth/token`, the client in the form (or HTTP Basic, as
 *   Doorkeeper reads it), the code bound to its redirect URI. The answer is
 *   `{ access_token, token_type: "Bearer", expires_in: 7200, refresh_token,
 *   scope, created_at }`; a refresh answers a new refresh token and ends the
 *   one spent (Doorkeeper's way, assumed). Refusals are Doorkeeper's RFC 6749
 *   §5.2 errors: 401 `invalid_client`, 400 `invalid_grant`.
 * - API under `/api`: a request without
 *   `Accept: application/vnd.api+json; version=1` is 404, as the reference
 *   warns; a token it does not take is 401 (status and body assumed).
 *   `GET /api/me` answers `{ users: [ the person ], links }`, the id as a
 *   string; `GET /api/projects` the projects, `{ projects, meta }`.
 * There is no revocation endpoint documented (Doorkeeper's `/oauth/revoke`
 * is not served). The authorization page approves at once for signInAs()'s
 * user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface ZooniverseUser {
  /** Panoptes's integer user id. */
  id: number;
  login: string;
  displayName: string;
  email: string;
  /** When the e-mail was confirmed; null: not yet. */
  confirmedAt: string | null;
}

export interface ZooniverseEmulator extends EmulatorHandle<ZooniverseUser> {
  /** The person revokes the application in their Zooniverse settings: its tokens stop working. */
  revokeApp(user: ZooniverseUser): void;
  /** The next /api/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as Panoptes read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** Panoptes's access tokens last 2 hours. */
export const ZOONIVERSE_ACCESS_TOKEN_SECONDS = 7200;
/** The Accept header every API request must carry. */
export const PANOPTES_ACCEPT = 'application/vnd.api+json; version=1';
/** The scopes ticked on the emulated application. */
const APPLICATION_SCOPES = ['user', 'public'];

export async function startZooniverseEmulator(options: EmulatorOptions): Promise<ZooniverseEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ZooniverseUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ZOONIVERSE_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<ZooniverseUser>(server, grants);
  const profileFailure = queuedFailure();
  const tokenForms: URLSearchParams[] = [];

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'The client identifier provided is invalid.', redirectUri: 'The redirect uri included is not valid.' },
    pkce: false,
    refuse: (query) => (requestedScopes(query).some((scope) => !APPLICATION_SCOPES.includes(scope)) ? { error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, or malformed.' } : undefined),
    denied: { error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.' },
    request: (query) => ({ scope: requestedScopes(query).join(' ') || 'public' }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, "<h1>We're sorry, but something went wrong.</h1>") },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return authenticatesAs(request, options);
    },
    pkce: false,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.'),
      code: () => oauthError(400, 'invalid_grant', 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.'),
    },
    answer: ({ grant, tokens }) => json(200, { ...tokenMembers(tokens, grant.scope, 'Bearer'), created_at: Math.floor(Date.now() / 1000) }),
  });

  /** The grant of an API request: 404 without Panoptes's Accept header, 401 without a token it takes. */
  const apiGrant = (request: EmulatorRequest) => {
    if (request.headers.accept !== PANOPTES_ACCEPT) return json(404, { errors: [{ message: 'Not Found' }] }) as EmulatorReply;
    return bearerGrant(grants, request, () => json(401, { errors: [{ message: 'You must be logged in to access this resource.' }] }));
  };

  server.route('GET', '/api/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { errors: [{ message: 'Internal Server Error' }] });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { id, login, displayName, email, confirmedAt } = grant.user;
    return json(200, {
      users: [{ id: String(id), login, display_name: displayName, credited_name: displayName, email, languages: [], created_at: '2016-04-18T19:12:22.343Z', updated_at: '2026-03-02T19:51:04.868Z', type: 'users', href: `/users/${id}`, zooniverse_id: `panoptes-${id}`, valid_email: true, confirmed_at: confirmedAt, banned: false, links: {} }],
      links: { 'users.projects': { href: '/projects?owner={users.login}', type: 'projects' } },
    });
  });

  server.route('GET', '/api/projects', (request) => {
    server.count('projects');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { projects: [{ id: '1', display_name: 'Galaxy Zoo', slug: 'zookeeper/galaxy-zoo', live: true }], meta: { projects: { page: 1, page_size: 20, count: 1 } } });
  });

  return {
    ...controls.handle,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
