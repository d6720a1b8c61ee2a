/**
 * An emulator of Linear's OAuth2 applications (linear.app/oauth,
 * api.linear.app/oauth) and of the part of its GraphQL API
 * (api.linear.app/graphql) that a connection touches, written from Linear's
 * documentation (https://linear.app/developers/oauth-2-0-authentication,
 * https://linear.app/developers/graphql):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `redirect_uri`,
 *   `response_type=code`, `state`, an optional PKCE challenge (`plain` or
 *   `S256`), optional `actor` and `prompt=consent`, and `scope`, a
 *   comma-separated list of `read` (always granted), `write`,
 *   `issues:create`, `comments:create`, `timeSchedule:write` and `admin`:
 *   a space-joined list is one scope it does not know, `invalid_scope`. A
 *   user who denies is sent back with `error=access_denied`.
 * - Token: `POST /oauth/token`, a form (`application/x-www-form-urlencoded`,
 *   which Linear requires). The code exchange takes `client_id` and
 *   `client_secret` in the form (the secret optional with PKCE, and checked
 *   when sent); a refresh takes them in the form or as HTTP Basic. The answer
 *   has `access_token`, `token_type: "Bearer"`, `expires_in: 86399`, `scope`
 *   space-separated (an array of strings for apps made before December 1,
 *   2023: `legacyScopeArray`) and `refresh_token`; a refresh answers a new
 *   pair and, as Linear does not say the used one keeps working, the used
 *   one stops. Errors are `{ error, error_description }`; the descriptions
 *   are not documented, and "Token has been expired or revoked." for a
 *   refresh token it refuses is as Nango reports Linear's answer
 *   (https://nango.dev/blog/linear-oauth-refresh-token-invalid-grant).
 * - Revoke: `POST /oauth/revoke` with the access token as a Bearer token or
 *   the `access_token` form field, or a refresh token as the `refresh_token`
 *   form field; 200 when revoked, 400 when it cannot be (already revoked),
 *   401 when the token does not authenticate (one it never issued).
 * - GraphQL: `POST /graphql` with a JSON `{ query }` and the Bearer access
 *   token; `viewer { … }` answers the fields asked of `id`, `name`, `email`,
 *   `displayName` and `active` under `data`; `teams { nodes { id name } }`
 *   the workspace's teams. Errors are GraphQL's `errors` array; the HTTP
 *   status for a token it does not take is not documented: 401 here, as
 *   RFC 6750 §3.1 has it, with Linear's `AUTHENTICATION_ERROR` code.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';

export interface LinearUser {
  /** The user's UUID. */
  id: string;
  name: string;
  email: string;
}

export interface LinearEmulatorOptions extends EmulatorOptions {
  /** Answer `scope` as an array of strings, as Linear does for apps made before December 1, 2023. */
  legacyScopeArray?: boolean;
}

export type LinearEmulator = EmulatorHandle<LinearUser>;

const ACCESS_TOKEN_TTL = 86_399;
const SCOPES = ['read', 'write', 'issues:create', 'comments:create', 'timeSchedule:write', 'admin'];
const TEAMS = [{ id: '9cfb482a-81e3-4154-b5b9-2c805e70a02d', name: 'Engineering' }];

export async function startLinearEmulator(options: LinearEmulatorOptions): Promise<LinearEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<LinearUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    prefixes: { access: 'lin_oauth_', refresh: 'lin_refresh_' },
  });
  const controls = emulatorControls<LinearUser>(server, grants);

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const asked = requestedScopes(query, ',');
      if (asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope))) return { error: 'invalid_scope', error_description: 'Invalid scope' };
      const actor = query.get('actor');
      return actor !== null && actor !== 'user' && actor !== 'app' ? { error: 'invalid_request', error_description: 'Invalid actor' } : undefined;
    },
    denied: { error: 'access_denied', error_description: 'The user denied the request' },
    // `read` is always granted.
    request: (query) => ({ scope: [...new Set(['read', ...requestedScopes(query, ',')])].join(' ') }),
  });

  const invalidClient = (): EmulatorReply => json(401, { error: 'invalid_client', error_description: 'Invalid client credentials' });
  const isForm = (request: EmulatorRequest) => (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

  server.route('POST', '/oauth/token', (request) => {
    server.count('token_request');
    const status = controls.tokenFailure();
    if (status !== undefined) return html(status, '<h1>Internal Server Error</h1>');
    if (!isForm(request)) return json(400, { error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded' });
    const form = request.form();
    const answer = (tokens: { accessToken: string; refreshToken: string | undefined }, scope: string) =>
      json(200, { access_token: tokens.accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL, scope: options.legacyScopeArray ? scope.split(' ') : scope, refresh_token: tokens.refreshToken });
    const grantType = form.get('grant_type');
    if (grantType === 'refresh_token') {
      server.count('refresh_token');
      if (!authenticatesAs(request, options)) return invalidClient();
      const refreshed = grants.refresh(form.get('refresh_token') ?? '', options.clientId);
      if (!refreshed.ok) return json(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      return answer(refreshed.tokens, refreshed.grant.scope);
    }
    if (grantType !== 'authorization_code') return json(400, { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' });
    server.count('authorization_code');
    // The code exchange takes the client in the form; with PKCE the secret may be left out, and is checked when sent.
    const secret = form.get('client_secret');
    if (form.get('client_id') !== options.clientId || (secret === null ? !form.has('code_verifier') : secret !== options.clientSecret)) return invalidClient();
    const redeemed = grants.redeemCode(form.get('code') ?? '', { clientId: options.clientId, redirectUri: form.get('redirect_uri'), codeVerifier: form.get('code_verifier') });
    if (!redeemed.ok) return json(400, { error: 'invalid_grant', error_description: 'Invalid authorization code' });
    return answer(redeemed.tokens, redeemed.grant.scope);
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    const form = isForm(request) ? request.form() : new URLSearchParams();
    const token = request.bearer() ?? form.get('access_token') ?? form.get('refresh_token');
    if (form.has('refresh_token')) server.count('revoke_refresh_token');
    const grant = token ? grants.grantOfToken(token) : undefined;
    if (!grant) return json(401, { error: 'invalid_token', error_description: 'Unable to authenticate with the token' });
    if (grant.revoked) return json(400, { error: 'invalid_request', error_description: 'Unable to revoke token' });
    grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  const graphqlError = (status: number, message: string, code: string): EmulatorReply => json(status, { errors: [{ message, extensions: { type: code.toLowerCase().replace(/_/g, ' '), code, userError: true } }] });
  /** The fields asked of an object in the query, e.g. `viewer { id name }` → ['id', 'name']. */
  const fieldsOf = (query: string, name: string): string[] | undefined => new RegExp(`\\b${name}\\s*\\{([^{}]*)\\}`).exec(query)?.[1]?.split(/[\s,]+/).filter(Boolean);

  server.route('POST', '/graphql', (request) => {
    server.count('graphql');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return graphqlError(401, 'Authentication required, not authenticated', 'AUTHENTICATION_ERROR');
    const body = request.json() as { query?: unknown } | undefined;
    if (!(request.headers['content-type'] ?? '').startsWith('application/json') || typeof body?.query !== 'string') return graphqlError(400, 'Must provide query string.', 'BAD_USER_INPUT');
    const data: Record<string, unknown> = {};
    const viewerFields = fieldsOf(body.query, 'viewer');
    if (viewerFields) {
      const { id, name, email } = grant.user;
      const viewer: Record<string, unknown> = { id, name, email, displayName: name.split(' ')[0]!.toLowerCase(), active: true };
      const unknown = viewerFields.find((field) => !(field in viewer));
      if (unknown) return graphqlError(400, `Cannot query field "${unknown}" on type "User".`, 'GRAPHQL_VALIDATION_FAILED');
      data.viewer = Object.fromEntries(viewerFields.map((field) => [field, viewer[field]]));
    }
    if (/\bteams\s*\{\s*nodes\s*\{/.test(body.query)) data.teams = { nodes: TEAMS };
    if (Object.keys(data).length === 0) return graphqlError(400, 'Query not supported by this emulator', 'GRAPHQL_VALIDATION_FAILED');
    return json(200, { data });
  });

  return controls.handle;
}
