/**
 * An emulator of Cal.com's OAuth (app.cal.com/auth/oauth2/authorize, api.cal.com/v2/auth/oauth2/token) and of the
 * part of API v2 a connection touches, written from Cal.com's pages (https://cal.com/docs/api-reference/v2/oauth,
 * https://cal.com/docs/api-reference/v2/oauth2/exchange-authorization-code-or-refresh-token-for-tokens,
 * https://cal.com/docs/api-reference/v2/me/get-my-profile):
 * - Authorize: `GET /auth/oauth2/authorize` with `client_id`, the registered `redirect_uri` and `state`; an unknown
 *   client or redirect URI is told on Cal.com's page. `scope` is required (its absence is told on the page too),
 *   names separated by spaces or commas: a name Cal.com does not know is sent back as `error=invalid_request`
 *   "Requested scope is not a recognized scope", one the client was not enabled for as `invalid_request`
 *   "Requested scope exceeds the client's registered scopes". `response_type` is not among the documented
 *   parameters, so it is not checked. Approved, a code comes back with the state.
 * - Token: `POST /v2/auth/oauth2/token`, JSON or a form, the client's id and secret in the body: no `client_id` is
 *   400 `invalid_request`, another client 401 `invalid_client`/`client_not_found`, a wrong secret 401
 *   `invalid_client`/`invalid_client_credentials`, another grant type 400 `invalid_request`; a spent or unknown code
 *   400 `invalid_grant`/`code_invalid_or_expired`, a refresh token it does not take 400
 *   `invalid_grant`/`invalid_refresh_token`. The answer: `access_token`, `refresh_token`, `token_type: "bearer"`,
 *   `expires_in` 1800 and `scope`; a refresh answers a new refresh token with the scopes first granted.
 * - API v2: `GET /v2/me` (needs `PROFILE_READ`) answers `{ status: "success", data }` with the person's `id`,
 *   `username`, `email`, `name`…; `GET /v2/event-types` (needs `EVENT_TYPE_READ`) the person's event types.
 * Made up here (Cal.com's pages do not say): the refresh token spent by a refresh keeps working (the 'reissued'
 * policy); the API's refusal bodies (`{ status: "error", error: { code, message } }`, 401 for a token it does not
 * take, 403 for a scope not granted); a denial sent back as `error=access_denied`. removeAccess() is the person
 * taking the app's access away. The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest, type EmulatorServer, type RouteHandler } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface CalcomUser {
  /** The user's number on Cal.com. */
  id: number;
  name: string;
  username: string;
  email: string;
}

export interface CalcomEmulator extends EmulatorHandle<CalcomUser> {
  /** The person takes the app's access away: every token of theirs stops working. */
  removeAccess(user: CalcomUser): void;
  /** The next /v2/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The parameters of each token request, in order, as Cal.com read them. */
  readonly tokenParameters: ReadonlyArray<URLSearchParams>;
}

/** Cal.com's access tokens last 30 minutes. */
export const CALCOM_ACCESS_TOKEN_SECONDS = 1800;
/** The scopes the emulated OAuth client was enabled for. */
export const CALCOM_CLIENT_SCOPES = ['PROFILE_READ', 'EVENT_TYPE_READ', 'BOOKING_READ'];
const KNOWN_SCOPES = new Set([...['EVENT_TYPE', 'BOOKING', 'SCHEDULE', 'APPS', 'PROFILE'].flatMap((area) => [`${area}_READ`, `${area}_WRITE`])]);

const scopesOf = (query: URLSearchParams) => requestedScopes(query, /[ ,]/);
const apiError = (status: number, code: string, message: string) => json(status, { status: 'error', timestamp: new Date().toISOString(), error: { code, message } });

export async function startCalcomEmulator(options: EmulatorOptions): Promise<CalcomEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<CalcomUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: CALCOM_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<CalcomUser>(server, grants);
  const tokenParameters: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  // Past the client and its redirect URI, a request without a scope is told on the page, not sent back.
  const scopeOnPage: EmulatorServer = Object.assign(Object.create(server) as EmulatorServer, {
    route: (method: string, path: string, handler: RouteHandler) =>
      server.route(method, path, (request) => {
        const query = request.url.searchParams;
        const known = query.get('client_id') === options.clientId && query.get('redirect_uri') === options.redirectUri;
        return known && scopesOf(query).length === 0 ? html(400, '<h1>scope parameter is required for this OAuth client</h1>') : handler(request);
      }),
  });
  authorizationEndpoint(scopeOnPage, '/auth/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'Client not found', redirectUri: 'Mismatched redirect URI' },
    responseType: false,
    pkce: false,
    refuse: (query) => {
      const scopes = scopesOf(query);
      if (!scopes.every((scope) => KNOWN_SCOPES.has(scope))) return { error: 'invalid_request', error_description: 'Requested scope is not a recognized scope' };
      if (!scopes.every((scope) => CALCOM_CLIENT_SCOPES.includes(scope))) return { error: 'invalid_request', error_description: "Requested scope exceeds the client's registered scopes" };
      return undefined;
    },
    request: (query) => ({ scope: scopesOf(query).join(' ') }),
  });

  tokenEndpoint(server, '/v2/auth/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    parameters: jsonOrForm,
    authenticates: (request): boolean | EmulatorReply => {
      const parameters = jsonOrForm(request);
      tokenParameters.push(parameters);
      const clientId = parameters.get('client_id');
      if (!clientId) return oauthError(400, 'invalid_request', 'client_id is required');
      if (clientId !== options.clientId) return oauthError(401, 'invalid_client', 'client_not_found');
      if (parameters.get('client_secret') !== options.clientSecret) return oauthError(401, 'invalid_client', 'invalid_client_credentials');
      return true;
    },
    pkce: false,
    errors: {
      grantType: () => oauthError(400, 'invalid_request', "grant_type must be 'authorization_code' or 'refresh_token'"),
      code: () => oauthError(400, 'invalid_grant', 'code_invalid_or_expired'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'invalid_refresh_token'),
    },
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'bearer')),
  });

  /** The grant of the request's token when it was given `scope`, else the API's refusal. */
  const apiGrant = (request: EmulatorRequest, scope: string) => {
    const grant = bearerGrant(grants, request, () => apiError(401, 'UnauthorizedException', 'Invalid Access Token.'));
    if (isGrant(grant) && !grant.scope.split(' ').includes(scope)) return apiError(403, 'ForbiddenException', `Insufficient scopes. Required: ${scope}`);
    return grant;
  };

  server.route('GET', '/v2/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return apiError(status, 'InternalServerErrorException', 'Internal server error');
    const grant = apiGrant(request, 'PROFILE_READ');
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      status: 'success',
      data: { id: user.id, username: user.username, email: user.email, name: user.name, avatarUrl: null, bio: null, timeFormat: 12, defaultScheduleId: 100 + user.id, weekStart: 'Sunday', timeZone: 'Europe/London', locale: 'en', organizationId: null },
    });
  });

  server.route('GET', '/v2/event-types', (request) => {
    server.count('event_types');
    const grant = apiGrant(request, 'EVENT_TYPE_READ');
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { status: 'success', data: [{ id: 9000 + user.id, lengthInMinutes: 30, title: '30 min', slug: '30min', ownerId: user.id, hidden: false }] });
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenParameters,
  };
}
