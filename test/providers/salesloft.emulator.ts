/**
 * An emulator of Salesloft's authorization server (accounts.salesloft.com's
 * /oauth/authorize and /oauth/token) and of the part of its REST API v2
 * (api.salesloft.com/v2) a connection touches, written from Salesloft's OAuth
 * page (https://developers.salesloft.com/docs/platform/api-basics/oauth-authentication/)
 * and its example client (https://github.com/SalesLoft/api-example):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `redirect_uri` (the
 *   application's; another is shown on Salesloft's page) and
 *   `response_type=code`; no scope is read: the grant gets the scopes chosen
 *   on the application. The person is sent back with `code`, `context` (the
 *   team's) and `scope`, and `state` when one was sent. No PKCE is read. A
 *   person who denies the application is `access_denied`.
 * - Token: `POST /oauth/token`, a form with `client_id`, `client_secret` and
 *   `grant_type`, `authorization_code` with the code and `redirect_uri`, or
 *   `refresh_token` with the refresh token. The answer is `access_token`,
 *   `token_type`, `expires_in` (7200: 2 hours), `refresh_token`, `scope` and
 *   `created_at`. Each refresh answers a new refresh token, which the example
 *   client keeps in place of the old; the used one is refused (the strict
 *   reading). Refusals are RFC 6749 §5.2's `error` with its description:
 *   `invalid_grant` (400), `invalid_client` (401).
 * - API (under /v2): `GET /v2/me` answers the token's user in `data` (`id`,
 *   `guid`, `name`, `first_name`, `last_name`, `email`, `team`);
 *   `GET /v2/people` the team's people in `data` with `metadata.paging`; a
 *   token it does not take is 401.
 * The lifetimes, the answer's members beyond the tokens and `expires_in`, the
 * shape of `/v2/me` and the API's 401 body are not on the pages searched:
 * they are taken as the preset's head comment says. No revocation endpoint
 * is documented, so none is served. The person may remove the application
 * in Salesloft (`removeApp`), which ends its grants.
 * The authorization page approves at once for signInAs()'s user.
 */
import { redirectBack } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface SalesloftUser {
  /** The user's id, an integer. */
  id: number;
  /** The user's globally unique id. */
  guid: string;
  firstName: string;
  lastName: string;
  email: string;
  /** The team's id. */
  teamId: number;
}

export interface SalesloftEmulatorOptions extends EmulatorOptions {
  /** The scopes chosen on the application, which every grant gets (default `people:read users:read`). */
  appScopes?: string;
}

export interface SalesloftEmulator extends EmulatorHandle<SalesloftUser> {
  /** The person removes the application in Salesloft: every token of theirs stops working. */
  removeApp(user: SalesloftUser): void;
  /** The form of each token request answered with tokens, in order. */
  readonly tokenForms: ReadonlyArray<Record<string, string>>;
}

const ACCESS_TOKEN_TTL = 2 * 60 * 60;

export async function startSalesloftEmulator(options: SalesloftEmulatorOptions): Promise<SalesloftEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SalesloftUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<SalesloftUser>(server, grants);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const appScopes = options.appScopes ?? 'people:read users:read';
  const tokenForms: Array<Record<string, string>> = [];

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(401, '<h1>Client authentication failed due to unknown client.</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>The redirect uri included is not valid.</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const user = controls.approver();
    if (!user) return reply(describedError('access_denied'));
    const code = grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: appScopes, codeChallenge: undefined, codeChallengeMethod: undefined, user });
    return reply({ code, context: `/teams/${user.teamId}`, scope: appScopes });
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates: (request: EmulatorRequest) => formCredentials(request, options),
    errors: {
      client: () => json(401, describedError('invalid_client')),
      refreshToken: () => json(400, describedError('invalid_grant')),
      code: () => json(400, describedError('invalid_grant')),
    },
    answer: ({ grant, tokens, form }) => {
      tokenForms.push(Object.fromEntries(form));
      return json(200, { ...tokenMembers(tokens, grant.scope, 'Bearer'), created_at: now() });
    },
  });

  const authorized = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { error: 'Not Authorized' }));

  server.route('GET', '/v2/me', (request) => {
    server.count('me');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      data: {
        id: user.id,
        guid: user.guid,
        name: `${user.firstName} ${user.lastName}`,
        first_name: user.firstName,
        last_name: user.lastName,
        email: user.email,
        team: { id: user.teamId, _href: 'https://api.salesloft.com/v2/team' },
      },
    });
  });

  server.route('GET', '/v2/people', (request) => {
    server.count('people');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    const perPage = Number(request.url.searchParams.get('per_page') ?? '25');
    const people = [
      { id: 9001, first_name: 'Ada', last_name: 'Prospect', email_address: 'ada@prospect.example', owner: { id: grant.user.id } },
      { id: 9002, first_name: 'Alan', last_name: 'Prospect', email_address: 'alan@prospect.example', owner: { id: grant.user.id } },
    ].slice(0, perPage);
    return json(200, { metadata: { filtering: {}, paging: { per_page: perPage, current_page: 1, next_page: null, prev_page: null }, sorting: { sort_by: 'updated_at', sort_direction: 'DESC NULLS LAST' } }, data: people });
  });

  return {
    ...controls.handle,
    tokenForms,
    removeApp: (user) => {
      for (const grant of grants.allGrants()) if (grant.user.guid === user.guid) grants.revokeGrant(grant.id);
    },
  };
}
