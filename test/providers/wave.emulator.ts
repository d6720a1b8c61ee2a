/**
 * An emulator of Wave's OAuth 2.0 (api.waveapps.com/oauth2) and of the part
 * of its GraphQL API (gql.waveapps.com/graphql/public) that a connection
 * touches, written from Wave's documentation
 * (https://developer.waveapps.com/hc/en-us/articles/360019493652-OAuth-Guide,
 * https://developer.waveapps.com/hc/en-us/articles/360032818132-OAuth-Scopes,
 * https://developer.waveapps.com/hc/en-us/articles/360018856751-Authentication,
 * https://developer.waveapps.com/hc/en-us/articles/360019968212-API-Reference):
 * - Authorize: `GET /oauth2/authorize/` with `client_id`,
 *   `response_type=code`, `scope` (required, space-delimited
 *   `resource:operation` names; a request without one is sent back
 *   `invalid_scope` as RFC 6749 §4.1.2.1 has it), `redirect_uri` and
 *   `state`; no PKCE. A user who denies is sent back with
 *   `error=access_denied` (RFC 6749 §4.1.2.1).
 * - Token: `POST /oauth2/token/`, the client's id and secret in the form.
 *   The answer is RFC 6749 §5.1's, `token_type: "Bearer"`, `expires_in`
 *   7200 and the scope; a refresh answers a new refresh token and the spent
 *   one stops (Wave not saying: the harder case for a client). Refusals are
 *   RFC 6749 §5.2's.
 * - Revoke: `POST /oauth2/token-revoke/`, the client's id and secret and
 *   `token` in the form; a refresh token ends its grant, an access token
 *   itself (RFC 7009 §2.1); 200.
 * - GraphQL: `POST /graphql/public` with JSON `{ query }` and the Bearer
 *   token; `user { … }` answers the fields asked of `id`, `firstName`,
 *   `lastName`, `defaultEmail`, `createdAt` and `modifiedAt` (`user:read`
 *   needed), `businesses { edges { node { id name } } }` the businesses
 *   (`business:read` needed); a token it does not take is 401 (assumed)
 *   with a GraphQL `errors` array.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface WaveUser {
  /** The user's GraphQL id. */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface WaveEmulator extends EmulatorHandle<WaveUser> {
  /** The next GraphQL `user` query fails with this HTTP status. */
  failNextProfile(status: number): void;
}

const ACCESS_TOKEN_TTL = 7200;
const BUSINESSES = [{ id: 'QnVzaW5lc3M6ZTIyZmVhODQtNDM1Zi00NjEx', name: 'Lovelace Analytical Engines' }];

export async function startWaveEmulator(options: EmulatorOptions): Promise<WaveEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<WaveUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<WaveUser>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/authorize/', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => (requestedScopes(query).length === 0 ? { error: 'invalid_scope' } : undefined),
  });

  tokenEndpoint(server, '/oauth2/token/', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  server.route('POST', '/oauth2/token-revoke/', (request) => {
    server.count('revoke');
    if (!formCredentials(request, options)) return oauthError(401, 'invalid_client');
    const token = request.form().get('token');
    if (!token) return oauthError(400, 'invalid_request');
    grants.revokeToken(token);
    return { status: 200, headers: {}, body: '' };
  });

  const graphqlError = (status: number, message: string, code: string): EmulatorReply => json(status, { data: null, errors: [{ message, extensions: { code } }] });
  /** The fields asked of an object in the query, e.g. `user { id firstName }` → ['id', 'firstName']. */
  const fieldsOf = (query: string, name: string): string[] | undefined => new RegExp(`\\b${name}\\s*\\{([^{}]*)\\}`).exec(query)?.[1]?.split(/[\s,]+/).filter(Boolean);

  server.route('POST', '/graphql/public', (request) => {
    server.count('graphql');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return graphqlError(401, 'Unauthorized', 'UNAUTHENTICATED');
    const body = request.json() as { query?: unknown } | undefined;
    if (!(request.headers['content-type'] ?? '').startsWith('application/json') || typeof body?.query !== 'string') return graphqlError(400, 'Must provide query string.', 'GRAPHQL_PARSE_FAILED');
    const scopes = grant.scope.split(' ');
    const granted = (resource: string) => scopes.includes(`${resource}:read`) || scopes.includes(`${resource}:*`);
    const data: Record<string, unknown> = {};
    const userFields = fieldsOf(body.query, 'user');
    if (userFields) {
      server.count('profile');
      const status = profileFailure.take();
      if (status !== undefined) return graphqlError(status, 'Internal server error', 'INTERNAL_SERVER_ERROR');
      if (!granted('user')) return graphqlError(200, 'Not authorized to access user.', 'FORBIDDEN');
      const { id, firstName, lastName, email } = grant.user;
      const user: Record<string, unknown> = { id, firstName, lastName, defaultEmail: email, createdAt: '2023-01-10T15:00:00Z', modifiedAt: '2026-10-01T09:00:00Z' };
      const unknown = userFields.find((field) => !(field in user));
      if (unknown) return graphqlError(400, `Cannot query field "${unknown}" on type "User".`, 'GRAPHQL_VALIDATION_FAILED');
      data.user = Object.fromEntries(userFields.map((field) => [field, user[field]]));
    }
    if (/\bbusinesses\b[^{]*\{\s*edges\s*\{\s*node\s*\{/.test(body.query)) {
      if (!granted('business')) return graphqlError(200, 'Not authorized to access businesses.', 'FORBIDDEN');
      data.businesses = { edges: BUSINESSES.map((node) => ({ node })) };
    }
    if (Object.keys(data).length === 0) return graphqlError(400, 'Query not supported by this emulator', 'GRAPHQL_VALIDATION_FAILED');
    return json(200, { data });
  });

  return {
    ...controls.handle,
    failNextProfile: profileFailure.queue,
  };
}
