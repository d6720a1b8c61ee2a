/**
 * An emulator of one Zendesk account's OAuth server and of the part of its
 * Support API a connection touches (`https://{subdomain}.zendesk.com`),
 * written from Zendesk's documentation:
 * - Authorize (https://support.zendesk.com/hc/en-us/articles/4408845965210,
 *   https://developer.zendesk.com/api-reference/ticketing/oauth/grant_type_tokens/):
 *   `GET /oauth/authorizations/new` with `response_type=code`, `client_id`,
 *   `redirect_uri` (the one registered), `state`, an optional PKCE challenge
 *   and `scope`, space-separated: `read`, `write`, or `<resource>:read` /
 *   `<resource>:write` (e.g. `users:read`, `tickets:write`); another is
 *   `invalid_scope` here. A person who declines is sent back with
 *   `error=access_denied` and its description.
 * - Token (https://developer.zendesk.com/api-reference/ticketing/oauth/grant_type_tokens/):
 *   `POST /oauth/tokens` with its parameters as JSON (a form is refused
 *   here: JSON is what the reference asks for), the client's `client_id` and
 *   `client_secret` among them. A code lives 120 seconds. The answer has
 *   `access_token`, `token_type: "bearer"`, `scope`, `refresh_token` and
 *   `expires_in` (30 minutes, the default TTL), RFC 6749 §5.1's member, which
 *   is an assumption, as the answer's members beyond the first three are not
 *   listed; `refresh_token_expires_in`, a request parameter there, is not
 *   answered, so only the preset's 30 days keep an unused connection alive.
 *   Refresh tokens last 30 days, the default TTL. A refresh
 *   answers a new pair and the previous pair (access token and refresh
 *   token) stops working
 *   (https://support.zendesk.com/hc/en-us/articles/9182123625370);
 *   `expiringTokens: false` is an older client, whose tokens do not expire
 *   and get no refresh token (the web app tutorial's "access tokens don't
 *   expire"). Refusals are `{ error, error_description }`, `invalid_grant`
 *   with the description Zendesk's help shows
 *   (https://support.zendesk.com/hc/en-us/articles/4408831387930); the
 *   `invalid_client` answer for a wrong secret is not documented.
 * - `GET /api/v2/users/me.json` (https://developer.zendesk.com/api-reference/ticketing/users/users/)
 *   answers `{ user: { id, url, name, email, role, verified, … } }`;
 *   `GET /api/v2/tickets.json` (https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#list-tickets)
 *   `{ tickets, next_page, previous_page, count }`, with `read` or
 *   `tickets:read`, and 403 `{ error: "Forbidden", description }` without.
 *   A token the API does not take is 401 `{ error: "invalid_token",
 *   error_description }` here, RFC 6750 §3.1's, which Zendesk does not show.
 * - Revoke (https://developer.zendesk.com/documentation/api-basics/authentication/revoking-oauth-token):
 *   `DELETE /api/v2/oauth/tokens/current.json` with the token as Bearer
 *   answers 204 and the token stops working, its refresh token too (which
 *   Zendesk does not say); a token it does not take is a 401.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, isJson, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant, type IssuedTokens } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, tokenEndpoint } from './kit/token-endpoint.js';

export interface ZendeskUser {
  id: number;
  name: string;
  email: string;
  role: 'admin' | 'agent' | 'end-user';
}

export interface ZendeskEmulatorOptions extends EmulatorOptions {
  /** False: an older client, whose access tokens never expire and come with no refresh token. Default true. */
  expiringTokens?: boolean;
}

export interface ZendeskEmulator extends EmulatorHandle<ZendeskUser> {
  /** The person's grant is ended at Zendesk (an admin revoking the token, the person removing the app): none of its tokens works. */
  revokeGrant(token: string): void;
  /** The next users/me request fails with this HTTP status. */
  failNextUserRequest(status: number): void;
}

const ACCESS_TOKEN_TTL = 30 * 60;
const REFRESH_TOKEN_TTL = 30 * 86_400;
const SCOPE = /^(read|write|[a-z_]+:(read|write))$/;
const INVALID_GRANT = 'The provided access grant is invalid, expired, or revoked (e.g. invalid assertion, expired authorization token, bad end-user password credentials, or mismatching authorization code and redirection URI).';

export async function startZendeskEmulator(options: ZendeskEmulatorOptions): Promise<ZendeskEmulator> {
  const server = await startEmulatorServer();
  const expiring = options.expiringTokens !== false;
  const grants = new GrantStore<ZendeskUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: expiring ? ACCESS_TOKEN_TTL : null,
    refreshPolicy: expiring ? 'rotating' : 'none',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
    codeTtl: 120,
  });
  const controls = emulatorControls<ZendeskUser>(server, grants);
  const userFailure = queuedFailure();
  /** Each grant's newest access token, deleted when a refresh answers the next. */
  const currentAccessToken = new Map<string, string>();

  authorizationEndpoint(server, '/oauth/authorizations/new', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid authorization request',
    refuse: (query) => {
      const asked = requestedScopes(query);
      return asked.length === 0 || asked.some((scope) => !SCOPE.test(scope)) ? describedError('invalid_scope') : undefined;
    },
    denied: { error: 'access_denied', error_description: 'The end-user or authorization server denied the request.' },
  });

  const answer = (tokens: IssuedTokens, scope: string): EmulatorReply =>
    json(200, {
      access_token: tokens.accessToken,
      token_type: 'bearer',
      scope,
      ...(tokens.refreshToken === undefined ? {} : { refresh_token: tokens.refreshToken }),
      ...(tokens.expiresIn === undefined ? {} : { expires_in: tokens.expiresIn }),
    });

  tokenEndpoint(server, '/oauth/tokens', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    // A JSON body, the client in it.
    authenticates: (request) => {
      const body = request.json();
      if (!isJson(request) || body === null || typeof body !== 'object') {
        return json(400, { error: 'invalid_request', error_description: 'The request must be formatted as JSON.' });
      }
      return credentialsIn(jsonOrForm(request), options);
    },
    parameters: jsonOrForm,
    errors: {
      client: () => json(401, describedError('invalid_client')),
      grantType: () => json(400, describedError('unsupported_grant_type')),
      refreshToken: () => json(400, { error: 'invalid_grant', error_description: INVALID_GRANT }),
      code: () => json(400, { error: 'invalid_grant', error_description: INVALID_GRANT }),
    },
    // A refresh ends the access token it replaces.
    answer: ({ grantType, grant, tokens }) => {
      const previous = currentAccessToken.get(grant.id);
      if (grantType === 'refresh_token' && previous !== undefined) grants.revokeAccessToken(previous);
      currentAccessToken.set(grant.id, tokens.accessToken);
      return answer(tokens, grant.scope);
    },
  });

  const invalidToken = (): EmulatorReply => json(401, { error: 'invalid_token', error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.' });
  /** The grant of the request's Bearer token, or the 401 Zendesk answers without one. */
  const apiGrant = (request: EmulatorRequest): Grant<ZendeskUser> | EmulatorReply => grants.grantOfAccessToken(request.bearer() ?? '') ?? invalidToken();
  const allows = (grant: Grant<ZendeskUser>, resource: string) => grant.scope.split(' ').some((scope) => scope === 'read' || scope === `${resource}:read`);
  const forbidden = (): EmulatorReply => json(403, { error: 'Forbidden', description: 'You do not have access to this page. Please contact the account owner of this help desk for further help.' });
  const userJson = (user: ZendeskUser) => ({
    id: user.id,
    url: `${server.origin}/api/v2/users/${user.id}.json`,
    name: user.name,
    email: user.email,
    created_at: '2024-03-11T09:30:00Z',
    time_zone: 'Europe/London',
    locale: 'en-US',
    role: user.role,
    verified: true,
    active: true,
  });

  server.route('GET', '/api/v2/users/me.json', (request) => {
    server.count('users_me');
    const status = userFailure.take();
    if (status !== undefined) return html(status, '<h1>Internal Server Error</h1>');
    const grant = apiGrant(request);
    if (!('user' in grant)) return grant;
    if (!allows(grant, 'users')) return forbidden();
    return json(200, { user: userJson(grant.user) });
  });

  server.route('GET', '/api/v2/tickets.json', (request) => {
    server.count('tickets');
    const grant = apiGrant(request);
    if (!('user' in grant)) return grant;
    if (!allows(grant, 'tickets')) return forbidden();
    const ticket = { id: 35_436, subject: `Help, ${grant.user.name.split(' ')[0]}'s printer is on fire!`, status: 'open', requester_id: 20_978_392, assignee_id: grant.user.id };
    return json(200, { tickets: [ticket], next_page: null, previous_page: null, count: 1 });
  });

  server.route('DELETE', '/api/v2/oauth/tokens/current.json', (request) => {
    server.count('revoke');
    const grant = apiGrant(request);
    if (!('user' in grant)) return grant;
    grants.revokeGrant(grant.id);
    return { status: 204 };
  });

  return {
    ...controls.handle,
    revokeGrant: (token) => {
      const grant = grants.grantOfToken(token);
      if (grant) grants.revokeGrant(grant.id);
    },
    failNextUserRequest: userFailure.queue,
  };
}
