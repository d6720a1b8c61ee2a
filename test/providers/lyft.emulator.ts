/**
 * An emulator of Lyft's OAuth (api.lyft.com/oauth/authorize, /oauth/token, /oauth/revoke_refresh_token) and of the
 * part of API v1 a connection touches, written from Lyft's authentication page
 * (https://developer.lyft.com/docs/authentication) and its API definition
 * (https://github.com/lyft/lyft-django-sample/blob/master/lyft-api.yml):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `response_type=code`, `scope` (space-separated, each one of
 *   `public`, `rides.read`, `offline`, `rides.request`, `profile`) and `state`; approved, a code comes back.
 * - Token: `POST /oauth/token` with the client by HTTP Basic (refused otherwise) and a JSON body; 1-hour access
 *   tokens, and a refresh token only when `offline` was granted.
 * - API v1: the token as Bearer; `GET /v1/profile` (scope `profile`) the Profile (`id`, `first_name`, `last_name`),
 *   `GET /v1/rides` (scope `rides.read`) `{ ride_history }`; a refusal is `{ error, error_description }`.
 * Made up here (Lyft's pages at hand do not say): the code exchange's and refresh's parameters as the client
 * credentials' (`grant_type` and `code` or `refresh_token`; a form read too), the answers' members, a refresh keeping
 * the refresh token, the 401 and 403 bodies, a declined authorization as `access_denied`, and
 * `POST /oauth/revoke_refresh_token` (Basic, `{ token }` as JSON; 200) ending the grant. revokeApp() is the person
 * removing the app from their Lyft account. The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface LyftUser {
  /** The user's id, a string of digits. */
  id: string;
  firstName: string;
  lastName: string;
}

export interface LyftEmulator extends EmulatorHandle<LyftUser> {
  /** The person removes the app from their Lyft account: every token of theirs stops working. */
  revokeApp(user: LyftUser): void;
  /** The next /v1/profile request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The parameters of each token request, in order, as Lyft read them. */
  readonly tokenRequests: ReadonlyArray<URLSearchParams>;
  /** The JSON body of each revocation, in order. */
  readonly revocations: ReadonlyArray<unknown>;
}

export const LYFT_ACCESS_TOKEN_SECONDS = 3600;
const SCOPES = new Set(['public', 'rides.read', 'offline', 'rides.request', 'profile']);

export async function startLyftEmulator(options: EmulatorOptions): Promise<LyftEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<LyftUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: LYFT_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static' });
  const controls = emulatorControls<LyftUser>(server, grants);
  const client = { clientId: options.clientId, clientSecret: options.clientSecret ?? '' };
  const tokenRequests: URLSearchParams[] = [];
  const revocations: unknown[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => ((query.get('scope') ?? '').split(' ').every((scope) => SCOPES.has(scope)) ? undefined : { error: 'invalid_scope' }),
  });

  const offline = (grant: Grant<LyftUser>) => grant.scope.split(' ').includes('offline');

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    parameters: jsonOrForm,
    authenticates: (request) => {
      tokenRequests.push(jsonOrForm(request));
      return basicAsSent(request, client);
    },
    answer: ({ grant, tokens }) => json(200, tokenMembers({ ...tokens, refreshToken: offline(grant) ? tokens.refreshToken : undefined }, grant.scope, 'Bearer')),
  });

  server.route('POST', '/oauth/revoke_refresh_token', (request) => {
    server.count('revoke');
    const body = request.json();
    revocations.push(body);
    if (!basicAsSent(request, client)) return oauthError(401, 'invalid_client');
    const token = (body as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token === '') return oauthError(400, 'invalid_request');
    grants.revokeToken(token);
    return { status: 200 };
  });

  /** The grant of a Bearer token Lyft takes with this scope, or its 401 or 403. */
  const apiGrant = (request: EmulatorRequest, scope: string) => {
    const grant = bearerGrant(grants, request, () => json(401, { error: 'invalid_token', error_description: 'The access token is invalid or has expired' }));
    if (isGrant(grant) && !grant.scope.split(' ').includes(scope)) return json(403, { error: 'insufficient_scope', error_description: `The ${scope} scope is required` });
    return grant;
  };

  server.route('GET', '/v1/profile', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'internal_error' });
    const grant = apiGrant(request, 'profile');
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { id: user.id, first_name: user.firstName, last_name: user.lastName, has_taken_a_ride: true });
  });

  server.route('GET', '/v1/rides', (request) => {
    server.count('rides');
    const grant = apiGrant(request, 'rides.read');
    if (!isGrant(grant)) return grant;
    return json(200, { ride_history: [{ ride_id: '123456789', status: 'droppedOff', ride_type: 'lyft', passenger: { first_name: grant.user.firstName }, requested_at: '2026-11-24T23:26:25+00:00' }] });
  });

  return {
    ...controls.handle,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenRequests,
    revocations,
  };
}
