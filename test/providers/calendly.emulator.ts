/**
 * An emulator of Calendly's OAuth apps (auth.calendly.com/oauth) and of the
 * part of its API v2 (api.calendly.com) a connection touches, written from
 * Calendly's documentation
 * (https://developer.calendly.com/docs/authentication/how-to-access-calendly-data-on-behalf-of-authenticated-users,
 * https://developer.calendly.com/docs/authentication/scopes,
 * https://developer.calendly.com/refresh-token-rotation-guide):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `response_type=code`,
 *   `redirect_uri`, `state`, `scope` (space-separated, from Calendly's
 *   catalog) and a PKCE challenge; a scope it does not know is
 *   `invalid_scope`, a user who denies is sent back with
 *   `error=access_denied`. Codes live 10 minutes.
 * - Token: `POST /oauth/token`, a form, the client as HTTP Basic or as
 *   `client_id` and `client_secret` in the form. The answer has
 *   `access_token`, `token_type: "Bearer"`, `expires_in: 7200`,
 *   `refresh_token`, `scope`, `created_at`, `owner` (the user's URI) and
 *   `organization` (its organization's URI). Refresh tokens are single-use:
 *   each refresh answers a new one, and the used one is refused from then
 *   on. Refusals are `{ error, error_description }`; their descriptions are
 *   not documented.
 * - Revoke: `POST /oauth/revoke`, a form with `client_id`, `client_secret`
 *   and `token`; 200, 400 `invalid_request` without a token, 403 for a
 *   client it does not know (the body of that 403 is not documented beyond
 *   `error` and `error_description`). A refresh token revoked ends its
 *   grant here, an access token only itself (Calendly does not say); a
 *   token already revoked is answered 200, as RFC 7009 §2.2 has it.
 * - `GET /users/me` (scope `users:read`) answers `{ resource: { uri, name,
 *   slug, email, scheduling_url, timezone, avatar_url, created_at,
 *   updated_at, current_organization, resource_type: "User" } }`;
 *   `GET /event_types?user=…` (`event_types:read`) the user's event types
 *   as `{ collection, pagination }`. A token it does not take is 401, a
 *   scope not granted 403, both as `{ title, message }`.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { authenticatesAs, credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, isForm, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface CalendlyUser {
  /** The user's uuid, the last segment of its URI. */
  uuid: string;
  name: string;
  email: string;
  /** The uuid of the organization the user is in. */
  organization: string;
}

export interface CalendlyEmulator extends EmulatorHandle<CalendlyUser> {
  /** The user's URI as Calendly names it. */
  uriOf(user: CalendlyUser): string;
  /** A refresh at Calendly itself, as another copy of the token would make it. */
  refreshAtCalendly(refreshToken: string): Promise<Response>;
}

const API = 'https://api.calendly.com';
const ACCESS_TOKEN_TTL = 7200;
const CODE_TTL = 600;
const SCOPES = [
  'activity_log:read',
  'availability:read',
  'availability:write',
  'event_types:read',
  'event_types:write',
  'locations:read',
  'meetings:read',
  'meetings:write',
  'organizations:read',
  'organizations:write',
  'routing_forms:read',
  'scheduled_events:read',
  'scheduled_events:write',
  'shares:write',
  'users:read',
  'webhooks:read',
  'webhooks:write',
];

export async function startCalendlyEmulator(options: EmulatorOptions): Promise<CalendlyEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<CalendlyUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    codeTtl: CODE_TTL,
  });
  const controls = emulatorControls<CalendlyUser>(server, grants);
  // Resources are named by their URIs at Calendly's API, wherever the emulator runs: they are identifiers.
  const userUri = (user: CalendlyUser) => `${API}/users/${user.uuid}`;
  const organizationUri = (user: CalendlyUser) => `${API}/organizations/${user.organization}`;

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'Client authentication failed', redirectUri: 'The redirect uri included is not valid.' },
    refuse: (query) => (requestedScopes(query).some((scope) => !SCOPES.includes(scope)) ? describedError('invalid_scope') : undefined),
    denied: describedError('access_denied'),
  });

  const invalidClient = (): EmulatorReply => json(401, describedError('invalid_client'));

  const invalidGrant = (): EmulatorReply =>
    json(400, describedError('invalid_grant'));

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>We\u2019re sorry, but something went wrong.</h1>') },
    authenticates: (request) => (isForm(request) ? authenticatesAs(request, options) : json(400, { error: 'invalid_request', error_description: 'The request is missing a required parameter.' })),
    errors: {
      client: invalidClient,
      grantType: () => json(400, describedError('unsupported_grant_type')),
      refreshToken: invalidGrant,
      code: invalidGrant,
    },
    answer: ({ grant, tokens }) =>
      json(200, {
        ...tokenMembers(tokens, grant.scope, 'Bearer'),
        created_at: Math.floor(Date.now() / 1000),
        owner: userUri(grant.user),
        organization: organizationUri(grant.user),
      }),
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    if (!credentialsIn(form, options)) return json(403, { error: 'unauthorized_client', error_description: 'You are not authorized to revoke this token' });
    const token = form.get('token');
    if (!token) return json(400, { error: 'invalid_request', error_description: 'The request is missing a required parameter.' });
    const grant = grants.grantOfToken(token);
    if (grant && !grants.revokeAccessToken(token)) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  const apiError = (status: number, title: string, message: string): EmulatorReply => json(status, { title, message });
  /** The grant behind the request's Bearer token when it holds `scope`; else Calendly's 401 or 403. */
  const authorized = (request: EmulatorRequest, scope: string): Grant<CalendlyUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return apiError(401, 'Unauthenticated', 'The access token is invalid');
    const held = grant.scope.split(' ');
    const write = scope.replace(/:read$/, ':write');
    return held.includes(scope) || held.includes(write) ? grant : apiError(403, 'Permission Denied', `This action requires the ${scope} scope`);
  };

  server.route('GET', '/users/me', (request) => {
    server.count('users_me');
    const grant = authorized(request, 'users:read');
    if ('status' in grant) return grant;
    const user = grant.user;
    const slug = user.name.toLowerCase().replace(/[^a-z]+/g, '-');
    return json(200, {
      resource: {
        uri: userUri(user),
        name: user.name,
        slug,
        email: user.email,
        scheduling_url: `https://calendly.com/${slug}`,
        timezone: 'Europe/Lisbon',
        time_notation: '24h',
        avatar_url: null,
        created_at: '2024-02-01T10:00:00.000000Z',
        updated_at: '2026-11-30T09:00:00.000000Z',
        current_organization: organizationUri(user),
        resource_type: 'User',
        locale: 'en',
      },
    });
  });

  server.route('GET', '/event_types', (request) => {
    server.count('event_types');
    const grant = authorized(request, 'event_types:read');
    if ('status' in grant) return grant;
    const asked = request.url.searchParams.get('user');
    if (asked === null && request.url.searchParams.get('organization') === null) return apiError(400, 'Invalid Argument', 'The supplied parameters are invalid.');
    if (asked !== null && asked !== userUri(grant.user)) return apiError(403, 'Permission Denied', 'You do not have permission to access this resource.');
    const collection = [{ uri: `${API}/event_types/ETYPE0001`, name: '30 Minute Meeting', active: true, duration: 30, kind: 'solo', profile: { type: 'User', name: grant.user.name, owner: userUri(grant.user) } }];
    return json(200, { collection, pagination: { count: collection.length, next_page: null, previous_page: null, next_page_token: null, previous_page_token: null } });
  });

  return {
    ...controls.handle,
    uriOf: userUri,
    refreshAtCalendly: (refreshToken) =>
      fetch(`${server.origin}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: options.clientId, client_secret: options.clientSecret }),
      }),
  };
}
