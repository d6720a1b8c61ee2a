/**
 * An emulator of Oura's OAuth (cloud.ouraring.com's /oauth/authorize,
 * api.ouraring.com's /oauth/token and /oauth/revoke) and of the part of API
 * v2 a connection touches, written from Oura's documentation
 * (https://cloud.ouraring.com/docs/authentication,
 * https://cloud.ouraring.com/docs/error-handling,
 * https://cloud.ouraring.com/v2/docs):
 * - Authorize: `GET /oauth/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri`, `state` and a space-separated `scope`; a
 *   scope it does not know is `invalid_scope`, a person who refuses is sent
 *   back with `error=access_denied`, and one who unticks scopes grants the
 *   others (`untickNext`).
 * - Token: `POST /oauth/token`, a form with the client (`client_id`,
 *   `client_secret`) and RFC 6749's grant parameters; the answer is
 *   `token_type: "bearer"`, `access_token`, `expires_in` (a day) and
 *   `refresh_token`. A refresh token can be used once: each refresh answers
 *   a new one and the used one is refused ("Token already used or
 *   revoked"). Refusals are RFC 6749's `error` with RFC 7807's `status`,
 *   `title` and `detail`.
 * - API: `GET /v2/usercollection/personal_info` (`id`, `age`, `weight`,
 *   `height`, `biological_sex`, and `email` under the `email` scope) and
 *   `GET /v2/usercollection/daily_sleep` (`daily`), the token as Bearer;
 *   401 for a token it does not take, 403 for a missing scope, as RFC 7807
 *   bodies.
 * - Revoke: `GET /oauth/revoke?access_token=…` ends the grant (its access
 *   and refresh tokens); 200 with an empty JSON object, 401 for a token it
 *   does not know.
 * The revocation's method, answers and reach, and the access token's
 * lifetime, are as Oura's clients use them, not checked against Oura's
 * pages (the preset says so too). The person may remove the app in their
 * Oura account (`removeApp`), which ends the grant. The authorization page
 * approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface OuraUser {
  /** The person's id, a UUID-like string. */
  id: string;
  email: string;
  age: number;
}

export interface OuraEmulator extends EmulatorHandle<OuraUser> {
  /** The person removes the app in their Oura account: every token of theirs stops working. */
  removeApp(user: OuraUser): void;
  /** The next person to authorize unticks these scopes. */
  untickNext(scopes: string[]): void;
  /** The next personal_info request fails with this HTTP status. */
  failNextPersonalInfo(status: number): void;
}

const ACCESS_TOKEN_TTL = 86_400;
const SCOPES = ['email', 'personal', 'daily', 'heartrate', 'workout', 'tag', 'session', 'spo2'];

/** RFC 7807's fields, with RFC 6749's `error` where the request was an OAuth one. */
const problem = (status: number, title: string, extra: Record<string, string> = {}): EmulatorReply => json(status, { status, title, ...extra }, { 'content-type': 'application/problem+json' });

export async function startOuraEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<OuraEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<OuraUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<OuraUser>(server, grants);
  let unticked: string[] = [];
  const personalInfoFailure = queuedFailure();

  /** The scopes asked for; every scope when none is named. */
  const asked = (query: URLSearchParams) => (query.get('scope') ?? SCOPES.join(' ')).split(' ').filter(Boolean);
  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => (asked(query).some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined),
    pkce: false,
    request: (query) => {
      const granted = asked(query).filter((scope) => !unticked.includes(scope));
      unticked = [];
      return { scope: granted.join(' ') };
    },
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => problem(status, 'Internal Server Error') },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    errors: {
      client: () => problem(401, 'Invalid client', { error: 'invalid_client' }),
      grantType: () => problem(400, 'Unsupported grant type', { error: 'unsupported_grant_type' }),
      refreshToken: (reason) => problem(400, reason === 'reused_token' || reason === 'revoked_grant' ? 'Token already used or revoked' : 'Invalid refresh token', { error: 'invalid_grant' }),
      code: () => problem(400, 'Invalid authorization code', { error: 'invalid_grant' }),
    },
    answer: ({ grant, tokens }) => json(200, { token_type: 'bearer', access_token: tokens.accessToken, expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken, scope: grant.scope }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => problem(401, 'Invalid access token', { detail: 'Access token not provided or is invalid.' }));
  const missingScope = (scope: string) => problem(403, 'Missing scopes', { detail: `The access token lacks the ${scope} scope.` });

  server.route('GET', '/v2/usercollection/personal_info', (request) => {
    server.count('personal_info');
    const status = personalInfoFailure.take();
    if (status !== undefined) return problem(status, 'Internal Server Error');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user, scope } = grant;
    const scopes = scope.split(' ');
    return json(200, {
      id: user.id,
      ...(scopes.includes('personal') ? { age: user.age, weight: 68.5, height: 1.72, biological_sex: 'female' } : {}),
      ...(scopes.includes('email') ? { email: user.email } : {}),
    });
  });

  server.route('GET', '/v2/usercollection/daily_sleep', (request) => {
    server.count('daily_sleep');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes('daily')) return missingScope('daily');
    const day = request.url.searchParams.get('start_date') ?? '2026-12-05';
    return json(200, { data: [{ id: '8f9a5221-639e-4a85-81cb-4065ef23f979', contributors: { deep_sleep: 57, efficiency: 98 }, day, score: 82, timestamp: `${day}T00:00:00+00:00` }], next_token: null });
  });

  server.route('GET', '/oauth/revoke', (request) => {
    server.count('revoke');
    const token = request.url.searchParams.get('access_token');
    const grant = token ? grants.grantOfAccessToken(token) : undefined;
    if (!grant) return problem(401, 'Invalid access token', { error: 'invalid_token' });
    grants.revokeGrant(grant.id);
    return json(200, {});
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    untickNext: (scopes) => {
      unticked = scopes;
    },
    failNextPersonalInfo: personalInfoFailure.queue,
  };
}
