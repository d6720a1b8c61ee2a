/**
 * An emulator of Strava's OAuth and the part of its API v3 the tests call,
 * written from Strava's authentication docs
 * (https://developers.strava.com/docs/authentication/):
 * - `GET /oauth/authorize` with `client_id`, `redirect_uri`,
 *   `response_type=code`, optional `approval_prompt` (`force` or `auto`) and
 *   `scope`, comma-delimited; the person may untick scopes (`untickNext`); the
 *   redirect back carries `code`, `scope` (the accepted ones, comma-joined)
 *   and `state`, or `error=access_denied`;
 * - `POST /oauth/token` with `client_id` and `client_secret` among the
 *   parameters (a form or the query, as Strava's examples send them, never
 *   HTTP Basic); the code exchange answers `token_type`, `expires_at`,
 *   `expires_in` (six hours), `refresh_token`, `access_token` and `athlete`,
 *   with no `scope`; a refresh answers the access token held when it has more
 *   than an hour left (the same refresh token with it), else a new access
 *   token and a new refresh token, the older refresh token then refused;
 * - `POST /oauth/deauthorize` with `access_token` ends every token of the
 *   grant; tokens it ended are answered 401.
 * - Errors are Strava's Fault, `{ message, errors: [{ resource, field, code }] }`
 *   (https://developers.strava.com/docs/reference/#api-models-Fault). The
 *   resources named (`AuthorizationCode`, `RefreshToken`, `Application`,
 *   `Athlete`) and the 401 "Authorization Error" for a client Strava does not
 *   know (https://communityhub.strava.com/developers-api-7/oauth-authorization-error-9697)
 *   are what Strava's users report, not documented; so is the answer to a
 *   scope that is not comma-delimited (here 400, naming the scope) and the
 *   body of a deauthorization (here the access token it was given).
 * - `GET /api/v3/athlete` (https://developers.strava.com/docs/reference/#api-Athletes-getLoggedInAthlete)
 *   answers the athlete; `GET /api/v3/athlete/activities` needs
 *   `activity:read` or `activity:read_all`.
 * The authorization page approves at once for signInAs()'s athlete.
 */
import { redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';

export interface StravaAthlete {
  id: number;
  username: string;
  firstname: string;
  lastname: string;
}

export interface StravaEmulator extends EmulatorHandle<StravaAthlete> {
  /** The person unticks these scopes at the next authorization. */
  untickNext(scopes: string[]): void;
}

const ACCESS_TOKEN_TTL = 6 * 3600;
/** A refresh returns the access token held while it has more than this many seconds to live. */
const REUSE_ABOVE = 3600;
const SCOPES = new Set(['read', 'read_all', 'profile:read_all', 'profile:write', 'activity:read', 'activity:read_all', 'activity:write']);

function fault(status: number, message: string, resource: string, field: string, code = 'invalid'): EmulatorReply {
  return json(status, { message, errors: [{ resource, field, code }] });
}

export async function startStravaEmulator(options: EmulatorOptions): Promise<StravaEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<StravaAthlete>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<StravaAthlete>(server, grants);
  /** Per grant: the access token held (and when it ends) and the one refresh token Strava takes. */
  const held = new Map<string, { accessToken: string; expiresAt: number; refreshToken: string }>();
  let unticked: string[] = [];

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return fault(400, 'Bad Request', 'Application', 'client_id');
    if (query.get('redirect_uri') !== options.redirectUri) return fault(400, 'Bad Request', 'Application', 'redirect_uri');
    if (query.get('response_type') !== 'code') return fault(400, 'Bad Request', 'Authorize', 'response_type');
    const approval = query.get('approval_prompt');
    if (approval !== null && approval !== 'auto' && approval !== 'force') return fault(400, 'Bad Request', 'Authorize', 'approval_prompt');
    const asked = (query.get('scope') ?? '').split(',');
    if (!asked.every((scope) => SCOPES.has(scope))) return fault(400, 'Bad Request', 'Authorize', 'scope');
    const reply = redirectBack(options.redirectUri, query);
    const athlete = controls.approver();
    const untick = unticked;
    unticked = [];
    if (!athlete) return reply({ error: 'access_denied' });
    const accepted = asked.filter((scope) => !untick.includes(scope));
    const code = grants.issueCode({ clientId: options.clientId, redirectUri: undefined, scope: accepted.join(','), codeChallenge: undefined, codeChallengeMethod: undefined, user: athlete });
    return reply({ code, scope: accepted.join(',') });
  });

  /** Strava's parameters: the form, else the query ("in query", as its reference lists them). */
  const parameter = (request: EmulatorRequest, name: string) => request.form().get(name) ?? request.url.searchParams.get(name);

  const summary = (athlete: StravaAthlete) => ({
    id: athlete.id,
    username: athlete.username,
    resource_state: 2,
    firstname: athlete.firstname,
    lastname: athlete.lastname,
    bio: '',
    city: 'San Francisco',
    state: 'California',
    country: 'United States',
    sex: 'F',
    premium: true,
    summit: true,
    created_at: '2017-11-14T02:30:05Z',
    updated_at: '2026-02-06T19:32:06Z',
    badge_type_id: 4,
    weight: 0,
    profile_medium: `https://dgalywyr863hv.cloudfront.net/pictures/athletes/${athlete.id}/medium.jpg`,
    profile: `https://dgalywyr863hv.cloudfront.net/pictures/athletes/${athlete.id}/large.jpg`,
    friend: null,
    follower: null,
  });

  const tokens = (grant: Grant<StravaAthlete>, withAthlete: boolean) => {
    const current = held.get(grant.id)!;
    return json(200, {
      token_type: 'Bearer',
      expires_at: current.expiresAt,
      expires_in: current.expiresAt - now(),
      refresh_token: current.refreshToken,
      access_token: current.accessToken,
      ...(withAthlete ? { athlete: summary(grant.user) } : {}),
    });
  };

  server.route('POST', '/oauth/token', (request) => {
    server.count('token_request');
    const status = controls.tokenFailure();
    if (status !== undefined) return json(status, { message: status === 503 ? 'Service Unavailable' : 'Internal Server Error', errors: [] });
    if (parameter(request, 'client_id') !== options.clientId || parameter(request, 'client_secret') !== options.clientSecret) {
      return fault(401, 'Authorization Error', 'Application', '');
    }
    const grantType = parameter(request, 'grant_type');
    if (grantType === 'refresh_token') {
      server.count('refresh_token');
      const presented = parameter(request, 'refresh_token') ?? '';
      const grant = grants.grantOfToken(presented);
      const current = grant && held.get(grant.id);
      if (!grant || grant.revoked || current?.refreshToken !== presented) return fault(400, 'Bad Request', 'RefreshToken', 'refresh_token');
      if (current.expiresAt - now() > REUSE_ABOVE) return tokens(grant, false);
      const refreshed = grants.refresh(presented, options.clientId);
      if (!refreshed.ok) return fault(400, 'Bad Request', 'RefreshToken', 'refresh_token');
      held.set(grant.id, { accessToken: refreshed.tokens.accessToken, expiresAt: now() + ACCESS_TOKEN_TTL, refreshToken: refreshed.tokens.refreshToken! });
      return tokens(grant, false);
    }
    if (grantType !== 'authorization_code') return fault(400, 'Bad Request', 'Application', 'grant_type');
    server.count('authorization_code');
    const redeemed = grants.redeemCode(parameter(request, 'code') ?? '', { clientId: options.clientId, redirectUri: null, codeVerifier: null });
    if (!redeemed.ok) return fault(400, 'Bad Request', 'AuthorizationCode', 'code');
    held.set(redeemed.grant.id, { accessToken: redeemed.tokens.accessToken, expiresAt: now() + ACCESS_TOKEN_TTL, refreshToken: redeemed.tokens.refreshToken! });
    return tokens(redeemed.grant, true);
  });

  server.route('POST', '/oauth/deauthorize', (request) => {
    server.count('deauthorize');
    const token = parameter(request, 'access_token') ?? request.bearer() ?? '';
    const grant = grants.grantOfAccessToken(token);
    if (!grant) return fault(401, 'Authorization Error', 'Athlete', 'access_token');
    grants.revokeGrant(grant.id);
    return json(200, { access_token: token });
  });

  /** The grant of the request's Bearer token, or Strava's 401. */
  const authorized = (request: EmulatorRequest): Grant<StravaAthlete> | EmulatorReply => {
    return grants.grantOfAccessToken(request.bearer() ?? '') ?? fault(401, 'Authorization Error', 'Athlete', 'access_token');
  };

  server.route('GET', '/api/v3/athlete', (request) => {
    server.count('athlete');
    const grant = authorized(request);
    if ('status' in grant) return grant;
    return json(200, { ...summary(grant.user), resource_state: 3, follower_count: 5, friend_count: 5, measurement_preference: 'meters', ftp: null, clubs: [], bikes: [], shoes: [] });
  });

  server.route('GET', '/api/v3/athlete/activities', (request) => {
    server.count('activities');
    const grant = authorized(request);
    if ('status' in grant) return grant;
    const scopes = grant.scope.split(',');
    if (!scopes.includes('activity:read') && !scopes.includes('activity:read_all')) return fault(401, 'Authorization Error', 'AccessToken', 'activity:read_permission', 'missing');
    return json(200, [{ resource_state: 2, athlete: { id: grant.user.id, resource_state: 1 }, name: 'Morning Run', distance: 10_000, moving_time: 2700, type: 'Run', sport_type: 'Run', id: 154_504_250_376 }]);
  });

  return {
    ...controls.handle,
    untickNext: (scopes) => {
      unticked = scopes;
    },
  };
}
