/**
 * An emulator of Miro's OAuth for REST API apps (miro.com/oauth,
 * api.miro.com/v1/oauth) and of the part of its REST API (api.miro.com)
 * that a connection touches, written from Miro's documentation
 * (https://developers.miro.com/docs/getting-started-with-oauth,
 * https://developers.miro.com/reference/oauth-20-authorization-v2):
 * - Authorize: `GET /oauth/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri`, `state` and an optional `team_id`; no
 *   scope: the grant has the permissions ticked on the app (a `scope` sent
 *   anyway is ignored here, as is a PKCE challenge, which Miro does not
 *   document). A user who declines goes back with RFC 6749's
 *   `access_denied` (Miro does not document its answer).
 * - Token: `POST /v1/oauth/token`, its parameters in the query (as the
 *   reference's console sends them) or the form body (as it recommends),
 *   the client in them. A code is good once, for 10 minutes. The answer is
 *   `user_id`, `scope`, `team_id` (a number past 2^53, as Miro's examples
 *   write it), `access_token`, `token_type: "bearer"` and, for an app with
 *   expiring tokens, `expires_in` (an hour) and `refresh_token` (60 days);
 *   a refresh answers a new pair, and the old access token and refresh
 *   token stop working
 *   (https://developers.miro.com/reference/get-new-access-token-using-refresh-token).
 *   Without expiring tokens (`expiringTokens: false`) the token has no end
 *   and there is no refresh token. Refusals are RFC 6749 §5.2's
 *   `{ error, error_description }` here (not documented).
 * - `GET /v1/oauth-token` (the token as Bearer or `access_token` in the
 *   query) answers the token's context: `type`, `scopes`, `team`,
 *   `organization`, `user` and `createdBy`
 *   (https://developers.miro.com/reference/get-access-token-context).
 *   `GET /v2/boards` lists the team's boards behind `boards:read`. Errors are
 *   `{ status, code, message, type: "error" }`: `tokenNotProvided` without a
 *   token; for a token it does not take, `invalidToken` with 401 (not
 *   documented), and `insufficientPermissions` 403 for a scope it lacks.
 * - Revoke: `POST /v2/oauth/revoke` with a JSON body `{ accessToken,
 *   clientId, clientSecret }` ends the access token and its refresh token
 *   (https://developers.miro.com/reference/revoke-token-v2): 204 here; a
 *   token it does not know is a 400 `invalidToken` and a wrong client a 401
 *   (neither documented).
 * - uninstall() is the app removed from the person's team: their tokens
 *   stop working.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, isJson, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface MiroUser {
  /** The user's id, digits as a string. */
  id: string;
  name: string;
  /** The team the app is installed for; its id is a number past 2^53, kept as digits. */
  team: { id: string; name: string };
}

export interface MiroEmulatorOptions extends EmulatorOptions {
  /** The app's permissions (default `boards:read boards:write identity:read team:read`). */
  appScopes?: string[];
  /** The app was created with expiring tokens (default true). */
  expiringTokens?: boolean;
}

export interface MiroEmulator extends EmulatorHandle<MiroUser> {
  /** The app is uninstalled from the user's team: their tokens stop working. */
  uninstall(user: MiroUser): void;
  /** The next /v1/oauth-token request fails with this HTTP status. */
  failNextTokenContext(status: number): void;
}

const ACCESS_TOKEN_TTL = 3599;
const REFRESH_TOKEN_TTL = 60 * 86_400;
const ORGANIZATION = { type: 'organization', name: 'Acme', id: '3458764500000000001' };

export async function startMiroEmulator(options: MiroEmulatorOptions): Promise<MiroEmulator> {
  const server = await startEmulatorServer();
  const expiring = options.expiringTokens ?? true;
  const grants = new GrantStore<MiroUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: expiring ? ACCESS_TOKEN_TTL : null,
    refreshPolicy: expiring ? 'rotating' : 'none',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
    codeTtl: 600,
    prefixes: { access: 'eyJtaXJvLm9yaWdpbiI6ImV1MDEifQ_', refresh: 'eyJtaXJvLm9yaWdpbiI6ImV1MDEifQ_r' },
  });
  const controls = emulatorControls<MiroUser>(server, grants);
  const appScopes = options.appScopes ?? ['boards:read', 'boards:write', 'identity:read', 'team:read'];
  /** The access token each grant last had: a refresh ends it. */
  const lastAccessToken = new Map<string, string>();
  const contextFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'Invalid client id', redirectUri: 'Invalid redirect uri' },
    pkce: false,
    // The grant is the app's scopes, whatever is asked.
    request: () => ({ scope: appScopes.join(' ') }),
  });

  /** The query's parameters and the form body's together. */
  const parameters = (request: EmulatorRequest): URLSearchParams => {
    const merged = new URLSearchParams(request.url.searchParams);
    for (const [name, value] of request.form()) merged.set(name, value);
    return merged;
  };

  tokenEndpoint(server, '/v1/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Something went wrong</h1>') },
    authenticates: (request) => credentialsIn(parameters(request), options),
    parameters,
    pkce: false,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed'),
      grantType: () => oauthError(400, 'unsupported_grant_type', 'Unsupported grant type'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Invalid refresh token'),
      code: () => oauthError(400, 'invalid_grant', 'Invalid authorization code'),
    },
    answer: ({ grant, tokens }) => {
      const previous = lastAccessToken.get(grant.id);
      if (previous) grants.revokeAccessToken(previous);
      lastAccessToken.set(grant.id, tokens.accessToken);
      const members = [
        `"user_id":${JSON.stringify(grant.user.id)}`,
        `"scope":${JSON.stringify(grant.scope)}`,
        ...(expiring ? [`"expires_in":${ACCESS_TOKEN_TTL}`] : []),
        // Written as Miro's examples write it: a JSON number no double holds exactly.
        `"team_id":${grant.user.team.id}`,
        `"access_token":${JSON.stringify(tokens.accessToken)}`,
        ...(tokens.refreshToken ? [`"refresh_token":${JSON.stringify(tokens.refreshToken)}`] : []),
        `"token_type":"bearer"`,
      ];
      return { status: 200, headers: { 'content-type': 'application/json;charset=UTF-8' }, body: `{${members.join(',')}}` };
    },
  });

  const apiError = (status: number, code: string, message: string): EmulatorReply => json(status, { status, code, message, type: 'error' });
  /** The grant of the request's token (Bearer, or `access_token` in the query), or the API's error. */
  const apiGrant = (request: EmulatorRequest): Grant<MiroUser> | EmulatorReply => {
    const token = request.bearer() ?? request.url.searchParams.get('access_token');
    if (!token) return apiError(401, 'tokenNotProvided', 'No access token has been provided');
    return grants.grantOfAccessToken(token) ?? apiError(401, 'invalidToken', 'Invalid access token');
  };
  const userJson = (user: MiroUser) => ({ type: 'user', name: user.name, id: user.id });

  server.route('GET', '/v1/oauth-token', (request) => {
    server.count('token_context');
    const status = contextFailure.take();
    if (status !== undefined) return html(status, '<h1>Something went wrong</h1>');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      type: 'oauth',
      organization: ORGANIZATION,
      team: { type: 'team', name: grant.user.team.name, id: grant.user.team.id },
      createdBy: userJson(grant.user),
      user: userJson(grant.user),
      scopes: grant.scope.split(' '),
    });
  });

  server.route('GET', '/v2/boards', (request) => {
    server.count('boards');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes('boards:read')) return apiError(403, 'insufficientPermissions', 'Not enough permissions to perform this action');
    const data = [{ id: 'uXjVOD6LSME=', type: 'board', name: 'Retro', team: { id: grant.user.team.id, name: grant.user.team.name, type: 'team' } }];
    return json(200, { data, total: data.length, size: data.length, offset: 0, limit: 20, links: { self: `${server.origin}/v2/boards?limit=20&offset=0` }, type: 'list' });
  });

  server.route('POST', '/v2/oauth/revoke', (request) => {
    server.count('revoke');
    const body = request.json() as Record<string, unknown> | undefined;
    if (!isJson(request) || typeof body?.accessToken !== 'string') return apiError(400, 'invalidParameters', 'accessToken is required');
    if (body.clientId !== options.clientId || body.clientSecret !== options.clientSecret) return apiError(401, 'invalidClient', 'Invalid client credentials');
    const grant = grants.grantOfAccessToken(body.accessToken);
    if (!grant) return apiError(400, 'invalidToken', 'Invalid access token');
    grants.revokeGrant(grant.id);
    return { status: 204 };
  });

  return {
    ...controls.handle,
    uninstall: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextTokenContext: contextFailure.queue,
  };
}
