/**
 * An emulator of Upwork's OAuth 2.0 (www.upwork.com) and of the part of its
 * GraphQL API (api.upwork.com/graphql) that a connection touches, written
 * from Upwork's pages:
 * - Authorize: `GET /ab/account-security/oauth2/authorize` with
 *   `response_type=code`, `client_id`, `redirect_uri` and `state`, as
 *   Upwork's Node.js library builds it
 *   (https://github.com/upwork/node-upwork-oauth2, lib/config.js); there is
 *   no scope parameter, the key's permissions being chosen in the API
 *   Center, and no PKCE. A user who denies is sent back with
 *   `error=access_denied` (RFC 6749 §4.1.2.1).
 * - Token: `POST /api/v3/oauth2/token`, a form, the client as HTTP Basic
 *   (what that library sends) or in the form. The answer is an access
 *   token living 86399 seconds, as the library's example gives it, and a
 *   refresh token, with `token_type: "Bearer"`. A refresh answers a new
 *   access token and keeps the refresh token (the library keeps the one it
 *   had); a refresh token left unused for two weeks ends ("you can refresh
 *   the token every two weeks or less",
 *   https://support.upwork.com/hc/en-us/articles/115015933448-API-authentication-and-security).
 *   Errors are RFC 6749 §5.2's bare JSON, Upwork documenting none.
 * - GraphQL: `POST /graphql` with a JSON `{ query }` and the Bearer token
 *   (https://www.upwork.com/developer/documentation/graphql/api/docs/index.html):
 *   `user { … }` answers the fields asked of `id`, `nid`, `rid`, `name` and
 *   `email` of the person the token is for, and `organization { id name }`
 *   their organization, under `data`; a field it does not know is a
 *   GraphQL `errors` entry. A token it does not take is answered 401 with an
 *   `errors` array (the status is not documented; RFC 6750 §3.1's).
 * Upwork documents no revocation: `removeApp` ends a person's grants, as
 * they would by taking the app's access away at Upwork.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface UpworkUser {
  /** The user's id, the subject. */
  id: string;
  /** The user's legacy nickname id and numeric reference id. */
  nid: string;
  rid: string;
  name: string;
  email: string;
}

export interface UpworkEmulator extends EmulatorHandle<UpworkUser> {
  /** The person takes the app's access away at Upwork: every grant of theirs ends. */
  removeApp(user: UpworkUser): void;
}

const ACCESS_TOKEN_TTL = 86_399;
const REFRESH_TOKEN_IDLE_TTL = 14 * 86_400;

export async function startUpworkEmulator(options: EmulatorOptions): Promise<UpworkEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<UpworkUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'static',
    refreshTokenIdleTtl: REFRESH_TOKEN_IDLE_TTL,
    prefixes: { access: 'oauth2v2_', refresh: 'oauth2v2_r_' },
  });
  const controls = emulatorControls<UpworkUser>(server, grants);

  authorizationEndpoint(server, '/ab/account-security/oauth2/authorize', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/api/v3/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    pkce: false,
    answer: ({ tokens }) => json(200, tokenMembers(tokens, undefined, 'Bearer')),
  });

  const graphqlError = (status: number, message: string): EmulatorReply => json(status, { data: null, errors: [{ message }] });
  /** The fields asked of an object in the query, e.g. `user { id name }` → ['id', 'name']. */
  const fieldsOf = (query: string, name: string): string[] | undefined => new RegExp(`\\b${name}\\s*\\{([^{}]*)\\}`).exec(query)?.[1]?.split(/[\s,]+/).filter(Boolean);
  const picked = (type: string, object: Record<string, unknown>, fields: string[]): Record<string, unknown> | string => {
    const unknown = fields.find((field) => !(field in object));
    return unknown ? `Cannot query field "${unknown}" on type "${type}".` : Object.fromEntries(fields.map((field) => [field, object[field]]));
  };

  server.route('POST', '/graphql', (request) => {
    server.count('graphql');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return graphqlError(401, 'Authentication failed');
    const body = request.json() as { query?: unknown } | undefined;
    if (!(request.headers['content-type'] ?? '').startsWith('application/json') || typeof body?.query !== 'string') return graphqlError(400, 'Must provide query string.');
    const { id, nid, rid, name, email } = grant.user;
    const data: Record<string, unknown> = {};
    const asked: Array<[string, string, Record<string, unknown>]> = [
      ['user', 'User', { id, nid, rid, name, email }],
      ['organization', 'Organization', { id: `org-${rid}`, name: `${name}'s organization` }],
    ];
    for (const [member, type, object] of asked) {
      const fields = fieldsOf(body.query, member);
      if (!fields) continue;
      const answer = picked(type, object, fields);
      if (typeof answer === 'string') return graphqlError(400, answer);
      data[member] = answer;
    }
    if (Object.keys(data).length === 0) return graphqlError(400, 'Query not supported by this emulator');
    return json(200, { data });
  });

  return { ...controls.handle, removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id) };
}
