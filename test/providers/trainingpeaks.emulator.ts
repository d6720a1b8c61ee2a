/**
 * An emulator of TrainingPeaks' OAuth 2.0 (oauth.trainingpeaks.com: /OAuth/Authorize, /oauth/token,
 * /oauth/deauthorize) and of the part of its Partner API a connection touches (api.trainingpeaks.com), both on one
 * origin here, written from TrainingPeaks' Partner API wiki (https://github.com/TrainingPeaks/PartnersAPI/wiki/OAuth,
 * https://github.com/TrainingPeaks/PartnersAPI/wiki, https://github.com/TrainingPeaks/PartnersAPI/wiki/Coach-Get-Athletes):
 * - Authorize: `GET /OAuth/Authorize` with `response_type=code`, `client_id`, `redirect_uri` and space-separated
 *   scopes; an unknown scope, or `athlete:profile` beside `coach:athletes`, is `invalid_scope`.
 * - Token: `POST /oauth/token`, a URL-encoded form with `client_id` and `client_secret`, for `authorization_code`
 *   (with the `redirect_uri` the authorization named) and `refresh_token`; JSON with `access_token`,
 *   `token_type: "bearer"`, `expires_in` (600), `refresh_token` and `scope`. Each refresh answers a new refresh
 *   token and the old one keeps working (the 'reissued' policy). Refusals are RFC 6749 §5.2's.
 * - API: the token as Bearer. `GET /v1/athlete/profile` (scope `athlete:profile`) answers the athlete record
 *   (`Id`, `FirstName`, `LastName`, `Email`, `TimeZone`, `IsPremium`…); `GET /v2/workouts/:start/:end` (scope
 *   `workouts:read`) the athlete's workouts in those days. A token it does not take is a 401, a token short of the
 *   scope a 403.
 * - `POST /oauth/deauthorize` with the access token as Bearer ends the grant and answers 200 with no body.
 * Made up here (the wiki does not say): the 401 body (ASP.NET's "Authorization has been denied for this request."),
 * the 403 body, the workouts' members beyond their ids and days, and a declined authorization (`access_denied`).
 * removeAccess() is the person removing the application in their TrainingPeaks settings. The authorization page
 * approves at once for signInAs()'s athlete.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface TrainingPeaksAthlete {
  /** The athlete's id, a number. */
  id: number;
  firstName: string;
  lastName: string;
  email: string;
}

export interface TrainingPeaksEmulator extends EmulatorHandle<TrainingPeaksAthlete> {
  /** The athlete removes the application in TrainingPeaks: every token of theirs stops working. */
  removeAccess(athlete: TrainingPeaksAthlete): void;
  /** The next /v1/athlete/profile request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The Authorization header of each deauthorization, in order. */
  readonly deauthorizations: ReadonlyArray<string | undefined>;
}

/** The lifetime the wiki gives TrainingPeaks' access tokens, in seconds. */
export const TRAININGPEAKS_ACCESS_TOKEN_SECONDS = 600;

const SCOPES = new Set(['athlete:profile', 'coach:athletes', 'workouts:read', 'workouts:plan', 'workouts:details', 'workouts:wod', 'file:write', 'events:read', 'events:write', 'metrics:read', 'metrics:write', 'nutrition:read', 'nutrition:write']);

function refusedScope(query: URLSearchParams): Record<string, string> | undefined {
  const asked = (query.get('scope') ?? '').split(' ').filter(Boolean);
  const known = asked.length > 0 && asked.every((scope) => SCOPES.has(scope));
  return known && !(asked.includes('athlete:profile') && asked.includes('coach:athletes')) ? undefined : { error: 'invalid_scope' };
}

const denied = () => json(401, { Message: 'Authorization has been denied for this request.' });

export async function startTrainingPeaksEmulator(options: EmulatorOptions): Promise<TrainingPeaksEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<TrainingPeaksAthlete>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: TRAININGPEAKS_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<TrainingPeaksAthlete>(server, grants);
  const deauthorizations: Array<string | undefined> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/OAuth/Authorize', { client: options, grants, approver: controls.approver, pkce: false, refuse: refusedScope });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'bearer')),
  });

  /** The grant of the request's token when it has `scope`; a 401 or 403 otherwise. */
  const apiGrant = (request: EmulatorRequest, scope: string) => {
    const grant = bearerGrant(grants, request, denied);
    if (isGrant(grant) && !grant.scope.split(' ').includes(scope)) return json(403, { Message: `The token lacks the ${scope} scope.` });
    return grant;
  };

  server.route('GET', '/v1/athlete/profile', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { Message: 'An error has occurred.' });
    const grant = apiGrant(request, 'athlete:profile');
    if (!isGrant(grant)) return grant;
    const athlete = grant.user;
    return json(200, { Id: athlete.id, FirstName: athlete.firstName, LastName: athlete.lastName, Email: athlete.email, TimeZone: 'America/Denver', BirthMonth: '1980-10', Sex: 'f', CoachedBy: null, Weight: 61.2, IsPremium: true, PreferredUnits: 'Metric' });
  });

  server.route('GET', '/v2/workouts/:start/:end', (request) => {
    server.count('workouts');
    const grant = apiGrant(request, 'workouts:read');
    if (!isGrant(grant)) return grant;
    return json(200, [{ Id: 100200300, AthleteId: grant.user.id, WorkoutDay: `${request.params.start}T00:00:00`, WorkoutType: 'run', Title: 'Easy run', Completed: true }]);
  });

  server.route('POST', '/oauth/deauthorize', (request) => {
    server.count('revoke');
    deauthorizations.push(request.headers.authorization);
    const grant = bearerGrant(grants, request, denied);
    if (!isGrant(grant)) return grant;
    grants.revokeGrant(grant.id);
    return { status: 200, headers: {}, body: '' };
  });

  return {
    ...controls.handle,
    removeAccess: (athlete) => grants.revokeGrantsOf((someone) => someone.id === athlete.id),
    failNextProfile: profileFailure.queue,
    deauthorizations,
  };
}
