/**
 * An emulator of Fitbit's OAuth (www.fitbit.com/oauth2/authorize,
 * api.fitbit.com/oauth2) and of the part of the Fitbit Web API
 * (api.fitbit.com) a connection touches, on one host, written from Fitbit's
 * documentation:
 * - Authorize (https://dev.fitbit.com/build/reference/web-api/authorization/authorize/):
 *   `GET /oauth2/authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri` (the one registered), `state`, a space-separated `scope`
 *   among Fitbit's (another is `invalid_scope` here) and a PKCE challenge,
 *   S256. The person may untick scopes on the consent page (`untick`); a
 *   person who declines goes back with `error=access_denied`.
 * - Token (https://dev.fitbit.com/build/reference/web-api/authorization/oauth2-token/,
 *   https://dev.fitbit.com/build/reference/web-api/authorization/refresh-token/):
 *   `POST /oauth2/token` with `Authorization: Basic` of the id and secret as
 *   they are, and the form. A code is good once, for 10 minutes. The answer
 *   is `access_token`, `expires_in` (28800), `refresh_token`, `scope` (the
 *   scopes granted), `token_type: "Bearer"` and `user_id`. A refresh answers
 *   a new pair; the refresh token used is not taken again. Refusals are
 *   `{ errors: [{ errorType, message }], success: false }`
 *   (https://dev.fitbit.com/build/reference/web-api/troubleshooting-guide/error-handling/):
 *   401 `invalid_client`, 400 `invalid_grant`.
 * - `GET /1/user/-/profile.json` (https://dev.fitbit.com/build/reference/web-api/user/get-profile/)
 *   answers `{ user: { encodedId, fullName, displayName, firstName,
 *   lastName, avatar, … } }` behind `profile`;
 *   `GET /1/user/-/activities/date/{date}.json` the day's summary behind
 *   `activity`. A token the API does not take is a 401 `invalid_token`, a
 *   scope the grant lacks a 403 `insufficient_scope`, in the same error shape.
 * - Revoke (https://dev.fitbit.com/build/reference/web-api/authorization/revoke-token/):
 *   `POST /oauth2/revoke` with the same Basic credentials and `token`, an
 *   access or a refresh token: all the person's tokens for the app end, 200;
 *   a token it does not know is a 200 too (RFC 7009 §2.2).
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface FitbitUser {
  /** The encoded id, six characters of A–Z and 0–9. */
  encodedId: string;
  fullName: string;
}

export interface FitbitEmulator extends EmulatorHandle<FitbitUser> {
  /** The next consent leaves these scopes unticked. */
  untickNext(scopes: string[]): void;
  /** The person removes the app in their Fitbit account settings: none of its tokens works. */
  removeInFitbit(user: FitbitUser): void;
}

const SCOPES = ['activity', 'cardio_fitness', 'electrocardiogram', 'heartrate', 'irregular_rhythm_notifications', 'location', 'nutrition', 'oxygen_saturation', 'profile', 'respiratory_rate', 'settings', 'sleep', 'social', 'temperature', 'weight'];

/** Fitbit's error body. */
function fitbitError(status: number, errorType: string, message: string): EmulatorReply {
  return json(status, { errors: [{ errorType, message }], success: false });
}

export async function startFitbitEmulator(options: EmulatorOptions): Promise<FitbitEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<FitbitUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: 28_800, refreshPolicy: 'rotating', refreshTokenTtl: null, codeTtl: 600 });
  const controls = emulatorControls<FitbitUser>(server, grants);
  let unticked: string[] = [];

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'The app you are trying to connect did not provide valid information to Fitbit.',
    refuse: (query) => {
      const asked = requestedScopes(query);
      if (asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope))) return { error: 'invalid_scope' };
      return query.has('code_challenge') && query.get('code_challenge_method') !== 'S256' ? { error: 'invalid_request' } : undefined;
    },
    request: (query) => {
      const granted = requestedScopes(query).filter((scope) => !unticked.includes(scope));
      unticked = [];
      return { scope: granted.join(' ') };
    },
  });

  const invalidGrant = (kind: string) => () => fitbitError(400, 'invalid_grant', `${kind} invalid. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.`);
  const invalidClient = () => fitbitError(401, 'invalid_client', 'Invalid authorization header. Client id invalid or secret mismatch. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.');

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Service Unavailable</h1>') },
    authenticates: (request) => basicAsSent(request, options),
    errors: {
      client: invalidClient,
      grantType: () => fitbitError(400, 'unsupported_grant_type', 'The grant type is not supported.'),
      refreshToken: invalidGrant('Refresh token'),
      code: invalidGrant('Authorization code'),
    },
    answer: ({ grant, tokens }) =>
      json(200, { access_token: tokens.accessToken, expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken, scope: grant.scope, token_type: 'Bearer', user_id: grant.user.encodedId }),
  });

  const apiGrant = (request: EmulatorRequest, scope: string): Grant<FitbitUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return fitbitError(401, 'invalid_token', 'Access token invalid. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.');
    if (!grant.scope.split(' ').includes(scope)) return fitbitError(403, 'insufficient_scope', `This application does not have permission to access ${scope} data.`);
    return grant;
  };

  server.route('GET', '/1/user/-/profile.json', (request) => {
    server.count('profile');
    const grant = apiGrant(request, 'profile');
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    const [firstName, ...rest] = user.fullName.split(' ');
    return json(200, {
      user: {
        encodedId: user.encodedId,
        fullName: user.fullName,
        displayName: `${firstName} ${rest.join(' ').charAt(0)}.`,
        firstName,
        lastName: rest.join(' '),
        avatar: 'https://static0.fitbit.com/images/profile/defaultProfile_100.png',
        memberSince: '2016-03-11',
        timezone: 'Europe/London',
      },
    });
  });

  server.route('GET', '/1/user/-/activities/date/:date', (request) => {
    server.count('activities');
    const grant = apiGrant(request, 'activity');
    if (!isGrant(grant)) return grant;
    if (!/^\d{4}-\d{2}-\d{2}\.json$/.test(request.params.date ?? '')) return fitbitError(400, 'validation', 'Invalid date.');
    return json(200, { activities: [], goals: { steps: 10_000 }, summary: { steps: 8_234, caloriesOut: 2_310 } });
  });

  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    if (!basicAsSent(request, options)) return invalidClient();
    const grant = grants.grantOfToken(request.form().get('token') ?? '');
    if (grant) grants.revokeGrantsOf((someone) => someone.encodedId === grant.user.encodedId);
    return json(200, {});
  });

  return {
    ...controls.handle,
    untickNext: (scopes) => {
      unticked = scopes;
    },
    removeInFitbit: (user) => grants.revokeGrantsOf((someone) => someone.encodedId === user.encodedId),
  };
}
