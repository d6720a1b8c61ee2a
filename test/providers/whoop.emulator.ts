/**
 * An emulator of WHOOP's OAuth (api.prod.whoop.com's /oauth/oauth2/auth and
 * /oauth/oauth2/token) and of the part of the Developer API v2 a connection
 * touches, written from WHOOP's documentation
 * (https://developer.whoop.com/docs/developing/oauth,
 * https://developer.whoop.com/docs/tutorials/refresh-token-javascript,
 * https://developer.whoop.com/api):
 * - Authorize: `GET /oauth/oauth2/auth` with `response_type=code`,
 *   `client_id`, `redirect_uri`, a space-separated `scope` and `state`; a
 *   state shorter than 8 characters is sent back as `invalid_state`, a scope
 *   it does not know as `invalid_scope`, a person who refuses as
 *   `access_denied`. Only a grant with `offline` gets a refresh token.
 * - Token: `POST /oauth/oauth2/token`, a form with `client_id` and
 *   `client_secret` and RFC 6749's grant parameters; the answer is
 *   `access_token`, `expires_in` (3600), `refresh_token` (with `offline`),
 *   `scope` and `token_type: "bearer"`. A refresh may send `scope` (WHOOP's
 *   examples send `offline`), which must be among the scopes granted; the
 *   answer still names all of them. Each refresh answers a new refresh token
 *   and the used one is refused. Refusals are RFC 6749's.
 * - API (under /developer): `GET /v2/user/profile/basic` (`user_id`,
 *   `email`, `first_name`, `last_name`) behind `read:profile`, and
 *   `GET /v2/cycle` behind `read:cycles`, the token as Bearer; 401 for a
 *   token it does not take. `DELETE /v2/user/access` ends the grant (204).
 * The person may remove the app in their WHOOP account (`removeApp`), which
 * ends the grant. The authorization page approves at once for signInAs()'s user.
 */
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface WhoopUser {
  /** The WHOOP user id, an integer. */
  userId: number;
  email: string;
  firstName: string;
  lastName: string;
}

export interface WhoopEmulator extends EmulatorHandle<WhoopUser> {
  /** The person removes the app in their WHOOP account: every token of theirs stops working. */
  removeApp(user: WhoopUser): void;
  /** The next profile request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The `scope` each refresh sent, in order (null: none). */
  readonly refreshScopes: ReadonlyArray<string | null>;
}

const ACCESS_TOKEN_TTL = 3600;
const SCOPES = ['offline', 'read:recovery', 'read:cycles', 'read:workout', 'read:sleep', 'read:profile', 'read:body_measurement'];
const NOT_VALID = () => json(401, { message: 'Authorization was not valid' });

export async function startWhoopEmulator(options: EmulatorOptions): Promise<WhoopEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<WhoopUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<WhoopUser>(server, grants);
  const refreshScopes: Array<string | null> = [];
  const profileFailure = queuedFailure();

  server.route('GET', '/oauth/oauth2/auth', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>invalid_client</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>The redirect_uri does not match the registered one</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if ((query.get('state') ?? '').length < 8) {
      return reply({ error: 'invalid_state', error_description: 'The state is missing or does not have enough characters and is therefore considered too weak.' });
    }
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const asked = requestedScopes(query);
    if (asked.some((scope) => !SCOPES.includes(scope))) return reply({ error: 'invalid_scope' });
    const user = controls.approver();
    if (!user) return reply(describedError('access_denied'));
    return reply({
      code: grants.issueCode({
        clientId: options.clientId,
        redirectUri: options.redirectUri,
        scope: asked.join(' '),
        codeChallenge: undefined,
        codeChallengeMethod: undefined,
        user,
        refreshToken: asked.includes('offline'),
      }),
    });
  });

  tokenEndpoint(server, '/oauth/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    errors: { client: () => oauthError(401, 'invalid_client', 'Client authentication failed.') },
    refuseRefresh: (presented, form) => {
      const asked = form.get('scope');
      refreshScopes.push(asked);
      const granted = grants.grantOfToken(presented)?.scope.split(' ') ?? [];
      if (asked !== null && asked.split(' ').some((scope) => !granted.includes(scope))) return oauthError(400, 'invalid_scope');
      return undefined;
    },
    answer: ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        expires_in: tokens.expiresIn,
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        scope: grant.scope,
        token_type: 'bearer',
      }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, NOT_VALID);
  const hasScope = (grant: Grant<WhoopUser>, scope: string) => grant.scope.split(' ').includes(scope);

  server.route('GET', '/developer/v2/user/profile/basic', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { message: 'Server error occurred while making request' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!hasScope(grant, 'read:profile')) return NOT_VALID();
    const { user } = grant;
    return json(200, { user_id: user.userId, email: user.email, first_name: user.firstName, last_name: user.lastName });
  });

  server.route('GET', '/developer/v2/cycle', (request) => {
    server.count('cycle');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!hasScope(grant, 'read:cycles')) return NOT_VALID();
    const limit = Number(request.url.searchParams.get('limit') ?? '10');
    return json(200, {
      records: Array.from({ length: Math.min(limit, 2) }, (_, i) => ({
        id: 93845 + i,
        user_id: grant.user.userId,
        start: `2026-12-0${4 - i}T02:25:44.774Z`,
        end: `2026-12-0${5 - i}T02:25:44.774Z`,
        score_state: 'SCORED',
        score: { strain: 5.29, kilojoule: 8288.3, average_heart_rate: 68, max_heart_rate: 141 },
      })),
      next_token: null,
    });
  });

  server.route('DELETE', '/developer/v2/user/access', (request) => {
    server.count('revoke');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    grants.revokeGrant(grant.id);
    return { status: 204 };
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.userId === user.userId),
    failNextProfile: profileFailure.queue,
    refreshScopes,
  };
}
