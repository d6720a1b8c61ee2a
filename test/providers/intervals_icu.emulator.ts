/**
 * An emulator of Intervals.icu's OAuth and the part of its API the tests call, written from Intervals.icu's guide
 * "Intervals.icu OAuth support" (https://forum.intervals.icu/t/intervals-icu-oauth-support/2759):
 * - `GET /oauth/authorize` with `client_id`, `redirect_uri`, `scope` (comma-joined `AREA:READ`/`AREA:WRITE`) and
 *   `state`; `response_type` is not among its parameters, so it is not read. The person may leave scopes asked for
 *   ungranted (`untickNext`); the redirect back carries `code` and `state`, or `error=access_denied`. A client or
 *   redirect URI it does not know is told on its own page (not shown by the guide).
 * - `POST /api/oauth/token`, form data with `client_id`, `client_secret` and `code` (no `grant_type` or
 *   `redirect_uri` in the guide's example, so neither is required; a `grant_type` other than `authorization_code`
 *   is refused); the code is good for two minutes. The answer is `token_type` `Bearer`, `access_token`, `scope` (the
 *   scopes granted, comma-joined) and `athlete` `{ id, name }`. No expiry and no refresh token: the token lasts
 *   until the athlete revokes the app (`endAccess()`, the per-application revocation the guide speaks of) or it
 *   is disconnected. Refusals are RFC 6749 §5.2's (not shown by the guide).
 * - API (`/api/v1`, the token as Bearer, https://forum.intervals.icu/t/api-access-to-intervals-icu/609): athlete
 *   id `0` is the token's athlete; `GET /api/v1/athlete/0/activities` needs an `ACTIVITY` scope; a token it does
 *   not take is 401 `{ status, error }` (the shape of the 403 that thread quotes; the 401 is assumed).
 * - `DELETE /api/v1/disconnect-app` with the token as Bearer ends the grant (as Intervals.icu's client
 *   libraries read the guide; its answer here is an empty 200).
 * The authorization page approves at once for signInAs()'s athlete.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface IntervalsAthlete {
  /** The athlete id, as the token answer gives it (digits, as text). */
  id: string;
  name: string;
}

export interface IntervalsIcuEmulator extends EmulatorHandle<IntervalsAthlete> {
  /** The athlete leaves these scopes ungranted at the next authorization. */
  untickNext(scopes: string[]): void;
  /** The athlete revokes the app's access in their settings: every token of theirs stops working. */
  endAccess(athlete: IntervalsAthlete): void;
}

const CODE_TTL = 120;
const AREAS = new Set(['ACTIVITY', 'WELLNESS', 'CALENDAR', 'CHATS', 'LIBRARY', 'SETTINGS']);
const known = (scope: string) => {
  const [area, access, ...rest] = scope.split(':');
  return rest.length === 0 && AREAS.has(area!) && (access === 'READ' || access === 'WRITE');
};

const unauthorized = () => json(401, { status: 401, error: 'Unauthorized' });

export async function startIntervalsIcuEmulator(options: EmulatorOptions): Promise<IntervalsIcuEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<IntervalsAthlete>({ now: options.now, accessTokenTtl: null, refreshPolicy: 'none', codeTtl: CODE_TTL });
  const controls = emulatorControls<IntervalsAthlete>(server, grants);
  let unticked: string[] = [];

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    responseType: false,
    pkce: false,
    refuse: (query) => (requestedScopes(query, ',').every(known) ? undefined : { error: 'invalid_scope' }),
    request: (query) => {
      const untick = unticked;
      unticked = [];
      // The code is not bound to the redirect URI: the exchange does not send one.
      return { redirectUri: undefined, scope: requestedScopes(query, ',').filter((scope) => !untick.includes(scope)).join(',') };
    },
  });

  tokenEndpoint(server, '/api/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, { clientId: options.clientId, clientSecret: options.clientSecret }),
    parameters: (request) => {
      const form = request.form();
      if (!form.has('grant_type')) form.set('grant_type', 'authorization_code');
      return form;
    },
    pkce: false,
    answer: ({ grant, tokens }) => json(200, { token_type: 'Bearer', access_token: tokens.accessToken, scope: grant.scope, athlete: { id: grant.user.id, name: grant.user.name } }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/api/v1/athlete/0/activities', (request) => {
    server.count('activities');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(',').some((scope) => scope.startsWith('ACTIVITY:'))) return json(403, { status: 403, error: 'Access denied' });
    return json(200, [{ id: 'i81234567', icu_athlete_id: `i${grant.user.id}`, start_date_local: '2026-12-06T07:15:00', type: 'Ride', name: 'Morning Ride', moving_time: 3600, distance: 30_000 }]);
  });

  server.route('DELETE', '/api/v1/disconnect-app', (request) => {
    server.count('disconnect');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    grants.revokeGrant(grant.id);
    return { status: 200, headers: {}, body: '' };
  });

  return {
    ...controls.handle,
    untickNext: (scopes) => {
      unticked = scopes;
    },
    endAccess: (athlete) => grants.revokeGrantsOf((someone) => someone.id === athlete.id),
  };
}
