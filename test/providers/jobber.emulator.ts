/**
 * An emulator of Jobber's OAuth 2.0 (api.getjobber.com/api/oauth/authorize, /api/oauth/token) and of its GraphQL API
 * (/api/graphql), written from Jobber's Developer Center
 * (https://developer.getjobber.com/docs/building_your_app/app_authorization/,
 * https://developer.getjobber.com/docs/building_your_app/refresh_token_rotation/,
 * https://developer.getjobber.com/docs/using_jobbers_api/api_queries_and_mutations,
 * https://developer.getjobber.com/docs/using_jobbers_api/api_versioning/,
 * https://developer.getjobber.com/docs/publishing_your_app/manage_app_button/,
 * https://developer.getjobber.com/docs/building_your_app/app_lifecycle):
 * - Authorize: `GET /api/oauth/authorize` with `client_id`, `redirect_uri`, `response_type=code` and `state`, no
 *   scope (the app's own scopes are granted); approved, a code comes back.
 * - Token: `POST /api/oauth/token`, the client in the form with the code and the redirect URI, or with the refresh
 *   token; JSON `access_token` (a JWT whose `exp` is its end, an hour on) and `refresh_token`, nothing else. Refresh
 *   Token Rotation is on: each refresh answers a new refresh token, and the spent one is refused.
 * - GraphQL: `POST /api/graphql`, JSON only, the token as Bearer (else a 401 "invalid_request") and an
 *   `X-JOBBER-GRAPHQL-VERSION`; the answer's `extensions.versioning.version` names it. The query's top-level `user`
 *   (the user who connected the app), `account` and `clients` are answered.
 * Made up here (Jobber's pages do not say, or not as stored): the endpoints' paths and parameters as integrations use
 * them, the pages for an unknown client or redirect URI, a declined authorization (`access_denied`), refusals as RFC
 * 6749 §5.2's bare `error`, the answers to a request without a version or with a body that is not JSON, the shape of
 * `user`'s name and e-mail. disconnectApp() is the admin disconnecting the app from the account. The authorization
 * page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { isJson, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { jwtAccessTokens } from './kit/jwt-access-tokens.js';
import { queuedFailure } from './kit/queued-failure.js';
import { createSigningKey } from './kit/signing.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface JobberUser {
  /** The user's encoded id. */
  id: string;
  firstName: string;
  lastName: string;
  /** The encoded id of the user's Jobber account. */
  accountId: string;
  accountName: string;
}

export interface JobberEmulator extends EmulatorHandle<JobberUser> {
  /** An admin disconnects the app from the account: every token of the account's stops working. */
  disconnectApp(user: JobberUser): void;
  /** The next GraphQL query for the `user` fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The `X-JOBBER-GRAPHQL-VERSION` of each GraphQL request, in order. */
  readonly versions: ReadonlyArray<string | undefined>;
}

/** Jobber's access tokens end an hour after they are issued (their `exp`). */
export const JOBBER_ACCESS_TOKEN_SECONDS = 3600;

export async function startJobberEmulator(options: EmulatorOptions): Promise<JobberEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<JobberUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: JOBBER_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const jwts = jwtAccessTokens(grants, await createSigningKey('RS256', options.now));
  const controls = emulatorControls<JobberUser>(server, jwts);
  const profileFailure = queuedFailure();
  const versions: Array<string | undefined> = [];

  authorizationEndpoint(server, '/api/oauth/authorize', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/api/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: async ({ grant, tokens }) => {
      const accessToken = await jwts.issue(tokens.accessToken, { sub: grant.user.id, account_id: grant.user.accountId, client_id: options.clientId }, JOBBER_ACCESS_TOKEN_SECONDS);
      return json(200, { access_token: accessToken, ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}) });
    },
  });

  server.route('POST', '/api/graphql', (request) => {
    server.count('graphql');
    const version = request.headers['x-jobber-graphql-version'];
    versions.push(typeof version === 'string' ? version : undefined);
    const grant = bearerGrant(jwts, request, () => json(401, { error: 'invalid_request', message: 'Invalid access token' }));
    if (!isGrant(grant)) return grant;
    if (!isJson(request)) return json(415, { errors: [{ message: 'Content type must be application/json' }] });
    if (typeof version !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(version)) return json(400, { errors: [{ message: 'An X-JOBBER-GRAPHQL-VERSION header is required' }] });
    const query = String(Object(request.json()).query ?? '');
    const { user } = grant;
    const data: Record<string, unknown> = {};
    if (/\buser\b/.test(query)) {
      const status = profileFailure.take();
      if (status !== undefined) return json(status, { errors: [{ message: 'Internal server error' }] });
      data.user = { id: user.id, name: { first: user.firstName, last: user.lastName, full: `${user.firstName} ${user.lastName}` }, email: { raw: `${user.firstName.toLowerCase()}@lawnco.example` } };
    }
    if (/\baccount\b/.test(query)) data.account = { id: user.accountId, name: user.accountName };
    if (/\bclients\b/.test(query)) data.clients = { nodes: [{ id: 'Z2lkOi8vSm9iYmVyL0NsaWVudC8xMDA=', firstName: 'Dana', lastName: 'Reyes' }], pageInfo: { hasNextPage: false, endCursor: 'MQ' } };
    return json(200, { data, extensions: { versioning: { version } } });
  });

  return {
    ...controls.handle,
    disconnectApp: (user) => grants.revokeGrantsOf((someone) => someone.accountId === user.accountId),
    failNextProfile: profileFailure.queue,
    versions,
  };
}
