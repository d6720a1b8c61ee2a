/**
 * An emulator of Trakt's OAuth (trakt.tv's /oauth/authorize, api.trakt.tv's /oauth/token and
 * /oauth/revoke) and of the part of the API v2 a connection touches, on one host, written from
 * Trakt's documentation (https://docs.trakt.tv/reference/authentication,
 * https://docs.trakt.tv/reference/postoauthtoken, https://docs.trakt.tv/reference/postoauthrevoke,
 * https://docs.trakt.tv/docs/required-headers, and the request and answer schemas of
 * https://github.com/trakt/trakt-api):
 * - Authorize: `GET /oauth/authorize` with `response_type=code`, `client_id`, `redirect_uri` (the
 *   app's, else an error page) and `state`; no scopes. A person who declines comes back with
 *   `error=access_denied`.
 * - Token: `POST /oauth/token`, a JSON body only, with `client_id` and `client_secret` and the grant's
 *   parameters (`code` and `redirect_uri`, or `refresh_token`). The answer is `access_token`,
 *   `token_type: "bearer"`, `expires_in` (604800: 7 days), `refresh_token`, `scope: "public"` and
 *   `created_at`. Each refresh answers a new refresh token and the spent one is refused. Every refusal
 *   is 400 with `{ error, error_description }`. A refresh must carry the app's `redirect_uri`, which
 *   Trakt lists among its parameters (else 400 `invalid_request`).
 * - API: `GET /users/settings` (`user`: `username`, `name`, `ids` with `slug` and `uuid`) and
 *   `GET /sync/last_activities`, each needing `trakt-api-key` (the client id) and
 *   `trakt-api-version: 2` (403 without a right key, 400 without the version: assumed) and the token
 *   as Bearer (401 otherwise).
 * - Revoke: `POST /oauth/revoke` with a JSON body of `token`, `client_id` and `client_secret` ends
 *   the grant, 200.
 * The person may revoke the app in their Trakt settings (`revokeApp`), which ends the grant. The
 * authorization page approves at once for signInAs()'s user.
 */
import { redirectBack } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface TraktUser {
  /** Trakt's globally unique user id. */
  uuid: string;
  username: string;
  name: string;
}

export interface TraktEmulator extends EmulatorHandle<TraktUser> {
  /** The person revokes the app in their Trakt settings: every token of theirs stops working. */
  revokeApp(user: TraktUser): void;
  /** The next /users/settings request fails with this HTTP status. */
  failNextSettings(status: number): void;
  /** The JSON body of each revocation, in order. */
  readonly revocations: ReadonlyArray<Record<string, unknown>>;
}

const ACCESS_TOKEN_TTL = 7 * 24 * 3600;

/** The JSON body's string members; a body that is not a JSON object has none. */
function jsonParameters(request: EmulatorRequest): URLSearchParams {
  const body = request.headers['content-type']?.startsWith('application/json') ? request.json() : undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return new URLSearchParams();
  return new URLSearchParams(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export async function startTraktEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<TraktEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<TraktUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<TraktUser>(server, grants);
  const revocations: Array<Record<string, unknown>> = [];
  const settingsFailure = queuedFailure();

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<h1>The redirect uri included is not valid.</h1>');
    }
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const user = controls.approver();
    if (!user) return reply(describedError('access_denied'));
    return reply({
      code: grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: 'public', codeChallenge: undefined, codeChallengeMethod: undefined, user }),
    });
  });

  const refusal = (error: string, description: string) => () => oauthError(400, error, description);
  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    parameters: jsonParameters,
    authenticates: (request) => credentialsIn(jsonParameters(request), options),
    pkce: false,
    refuseRefresh: (_presented, parameters) =>
      parameters.get('redirect_uri') === options.redirectUri ? undefined : oauthError(400, 'invalid_request', 'The request is missing a required parameter: redirect_uri.'),
    errors: {
      client: refusal('invalid_client', 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.'),
      grantType: refusal('unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.'),
      code: refusal('invalid_grant', 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.'),
      refreshToken: refusal('invalid_grant', 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.'),
    },
    answer: ({ tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'bearer',
        expires_in: tokens.expiresIn,
        refresh_token: tokens.refreshToken,
        scope: 'public',
        created_at: Math.floor(Date.now() / 1000),
      }),
  });

  /** Trakt's required headers, then the token. */
  const apiGrant = (request: EmulatorRequest) => {
    if (request.headers['trakt-api-key'] !== options.clientId) return json(403, { error: 'invalid API key or unapproved app' });
    if (request.headers['trakt-api-version'] !== '2') return json(400, { error: 'trakt-api-version 2 is required' });
    return bearerGrant(grants, request, () => json(401, { error: 'invalid_token', error_description: 'The access token is invalid' }));
  };

  server.route('GET', '/users/settings', (request) => {
    server.count('settings');
    const status = settingsFailure.take();
    if (status !== undefined) return json(status, { error: 'server error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      user: { username: user.username, private: false, name: user.name, vip: false, vip_ep: false, ids: { slug: user.username.toLowerCase(), uuid: user.uuid } },
      account: { timezone: 'Europe/London', date_format: 'dmy', time_24hr: true },
      permissions: { commenting: true, liking: true, following: true },
    });
  });

  server.route('GET', '/sync/last_activities', (request) => {
    server.count('last_activities');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { all: '2026-12-05T20:41:12.000Z', movies: { watched_at: '2026-12-05T20:41:12.000Z' }, episodes: { watched_at: '2026-12-04T21:02:09.000Z' } });
  });

  server.route('POST', '/oauth/revoke', (request): EmulatorReply => {
    server.count('revoke');
    const body = jsonParameters(request);
    revocations.push(Object.fromEntries(body));
    if (!credentialsIn(body, options)) return oauthError(401, 'invalid_client');
    const grant = grants.grantOfAccessToken(body.get('token') ?? '');
    if (grant) grants.revokeGrant(grant.id);
    return json(200, {});
  });

  return {
    ...controls.handle,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.uuid === user.uuid),
    failNextSettings: settingsFailure.queue,
    revocations,
  };
}
