/**
 * An emulator of Wrike's OAuth (login.wrike.com's /oauth2/authorize/v4 and
 * /oauth2/token) and of the part of a data centre's API ({host}/api/v4) a
 * connection touches, written from Wrike's documentation:
 * - Authorize (https://developers.wrike.com/oauth-20-authorization): only
 *   the authorization code flow, `GET /oauth2/authorize/v4` with `client_id`
 *   and `response_type=code`, and optionally `redirect_uri`, `state` and
 *   `scope`, here comma-separated, each one of Wrike's scopes
 *   (https://developers.wrike.com/overview). A refused request goes back to
 *   the redirect URI with RFC 6749's `error`; a person who declines is
 *   `access_denied`.
 * - Token (https://developers.wrike.com/oauth-20-authorization):
 *   `POST /oauth2/token`, a form with `client_id` and `client_secret`
 *   beside the code (or the refresh token); the answer is `access_token`,
 *   `refresh_token`, `token_type: "bearer"`, `expires_in` (3600) and `host`,
 *   the person's data centre, where their API is: this emulator's own host,
 *   unless a test makes the answers name another. Each refresh answers a new
 *   refresh token and the used one is refused (not on Wrike's pages: see the
 *   preset). Refusals are RFC 6749 §5.2's JSON, `invalid_client` 401, the
 *   others 400 (Wrike does not document them).
 * - API (https://developers.wrike.com/overview): the token in the
 *   `Authorization` header; answers `kind` and `data`. `GET /contacts?me=true`
 *   (https://developers.wrike.com/reference/getcontactsempty) the requesting
 *   user's contact alone; `GET /tasks` the tasks the token may read. A token
 *   it does not take is 401, a method outside the token's scopes 403, with
 *   `error` and `errorDescription` (the wording is this emulator's).
 * Wrike documents no revocation endpoint, and none is emulated.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface WrikeUser {
  /** The contact id, e.g. `KUAJ25LC`. */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface WrikeEmulator extends EmulatorHandle<WrikeUser> {
  /** What the token answers name as `host` from now on (default: this emulator's own host). */
  setHost(host: string): void;
}

const ACCESS_TOKEN_TTL = 60 * 60;
const SCOPES = new Set(['Default', 'wsReadOnly', 'wsReadWrite', 'amReadOnlyWorkflow', 'amReadWriteWorkflow', 'amReadOnlyInvitation', 'amReadWriteInvitation', 'amReadOnlyGroup', 'amReadWriteGroup', 'amReadOnlyUser', 'amReadWriteUser']);
/** The scopes that may read contacts and tasks. */
const READERS = ['Default', 'wsReadOnly', 'wsReadWrite'];

const wrikeError = (status: number, error: string, errorDescription: string): EmulatorReply => json(status, { errorDescription, error });

export async function startWrikeEmulator(options: EmulatorOptions): Promise<WrikeEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<WrikeUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<WrikeUser>(server, grants);
  let host = new URL(server.origin).host;

  authorizationEndpoint(server, '/oauth2/authorize/v4', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid request',
    pkce: false,
    refuse: (query) => (requestedScopes(query, ',').some((scope) => !SCOPES.has(scope)) ? { error: 'invalid_scope' } : undefined),
    // The scopes asked for, comma-separated; without any, the token is Default's.
    request: (query) => ({ scope: requestedScopes(query, ',').join(' ') || 'Default' }),
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    answer: ({ tokens }) => {
      const { scope: _scope, ...members } = tokenMembers(tokens, '', 'bearer');
      return json(200, { ...members, host });
    },
  });

  /** The grant of the request's Bearer token when it holds one of the reading scopes; else Wrike's 401 or 403. */
  const authorized = (request: EmulatorRequest): Grant<WrikeUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return wrikeError(401, 'not_authorized', 'Access token is unknown or invalid');
    const granted = grant.scope.split(' ');
    if (!READERS.some((scope) => granted.includes(scope))) return wrikeError(403, 'not_allowed', 'Access token does not have the scope this method needs');
    return grant;
  };

  server.route('GET', '/api/v4/contacts', (request) => {
    server.count('contacts');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    if (request.url.searchParams.get('me') !== 'true') return wrikeError(400, 'invalid_request', 'Only me=true is emulated');
    const { id, firstName, lastName, email } = grant.user;
    return json(200, {
      kind: 'contacts',
      data: [{ id, firstName, lastName, type: 'Person', profiles: [{ accountId: 'IEAGIITR', email, role: 'User', external: false, admin: false, owner: true }], avatarUrl: `https://www.wrike.com/avatars/${id}.png`, timezone: 'Europe/London', locale: 'en', deleted: false, me: true }],
    });
  });

  server.route('GET', '/api/v4/tasks', (request) => {
    server.count('tasks');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    return json(200, { kind: 'tasks', data: [{ id: 'IEAGIITRKQAJ25LC', accountId: 'IEAGIITR', title: `Plan of ${grant.user.firstName}`, status: 'Active', importance: 'Normal', responsibleIds: [grant.user.id] }] });
  });

  return { ...controls.handle, setHost: (value) => void (host = value) };
}
