/**
 * An emulator of one Databricks workspace, its OAuth endpoints and its REST APIs on the one host, written from
 * Databricks' pages (https://docs.databricks.com/aws/en/dev-tools/auth/oauth-u2m,
 * https://docs.databricks.com/aws/en/integrations/single-use-tokens, https://docs.databricks.com/api/workspace/currentuser):
 * - `GET /oidc/v1/authorize` with the app connection's `client_id` and redirect URL, `response_type=code`, `state`,
 *   a `scope` among the connection's (`all-apis`, `sql`, `offline_access`) and a PKCE challenge (S256), which it
 *   requires; `POST /oidc/v1/token` with the code and its verifier, answering an hour's access token and, with
 *   `offline_access`, a refresh token that is single-use: each refresh answers a new one, and the spent one is refused;
 * - `GET /api/2.0/preview/scim/v2/Me`, the Current User (`id`, `userName`, `displayName`, `name`, `emails`, `active`),
 *   and `GET /api/2.0/clusters/list`, the workspace's clusters, with the token as Bearer.
 * Made up here: the pages for an unknown client or redirect URL, the token endpoint's refusals (RFC 6749 §5.2's bare
 * errors; the client by HTTP Basic or in the form), the error sent back for a request without PKCE
 * (`invalid_request`), and the APIs' 401 to a token they do not take (`error_code`, `message`, Databricks' error shape).
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface DatabricksUser {
  /** The Databricks user ID. */
  id: string;
  givenName: string;
  familyName: string;
  /** The user name, an e-mail address. */
  userName: string;
}

export interface DatabricksEmulator extends EmulatorHandle<DatabricksUser> {
  /** An admin removes the user from the workspace: every token of theirs, refresh tokens included, stops working. */
  removeUser(user: DatabricksUser): void;
  /** The next /api/2.0/preview/scim/v2/Me request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

/** Databricks' access tokens last an hour. */
export const DATABRICKS_ACCESS_TOKEN_SECONDS = 3600;

const APP_CONNECTION_SCOPES = ['all-apis', 'sql', 'offline_access'];

const unauthenticated = () => json(401, { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' });

export async function startDatabricksEmulator(options: EmulatorOptions): Promise<DatabricksEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<DatabricksUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: DATABRICKS_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<DatabricksUser>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oidc/v1/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const scopes = requestedScopes(query);
      if (scopes.length === 0 || scopes.some((scope) => !APP_CONNECTION_SCOPES.includes(scope))) return { error: 'invalid_scope' };
      if (!query.get('code_challenge') || query.get('code_challenge_method') !== 'S256') return { error: 'invalid_request', error_description: 'PKCE is required' };
      return undefined;
    },
    request: (query) => ({ refreshToken: requestedScopes(query).includes('offline_access') }),
  });

  tokenEndpoint(server, '/oidc/v1/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthenticated);

  server.route('GET', '/api/2.0/preview/scim/v2/Me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error_code: 'INTERNAL_ERROR', message: 'Internal error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: user.id,
      userName: user.userName,
      displayName: `${user.givenName} ${user.familyName}`,
      name: { givenName: user.givenName, familyName: user.familyName },
      emails: [{ value: user.userName, type: 'work', primary: true }],
      active: true,
      groups: [{ display: 'users', type: 'direct', value: '561234567890123' }],
    });
  });

  server.route('GET', '/api/2.0/clusters/list', (request) => {
    server.count('clusters');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { clusters: [{ cluster_id: '1234-567890-abcde123', cluster_name: `${grant.user.givenName}'s cluster`, state: 'RUNNING' }] });
  });

  return {
    ...controls.handle,
    removeUser: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
  };
}
