/**
 * An emulator of monday.com's OAuth 2.1 for monday apps (auth.monday.com)
 * and of the part of its GraphQL API (api.monday.com/v2) that a connection
 * touches, written from monday's documentation
 * (https://developer.monday.com/apps/docs/oauth-2-1,
 * https://developer.monday.com/apps/docs/migrating-to-the-new-oauth-flow,
 * monday's migration guide for apps,
 * https://github.com/mondaycom/agentic-monday/blob/main/plugins-official/monday-api/skills/monday-oauth-migrate/SKILL.md,
 * and https://developer.monday.com/api-reference/docs/basics):
 * - Authorize: `GET /oauth2/authorize` with `client_id`, `redirect_uri`,
 *   `state`, space-separated `scope` (each one the app is set up for, or
 *   `invalid_scope`) and a PKCE S256 challenge, which OAuth 2.1 requires
 *   (one without it is refused, `invalid_request`). A user who declines is
 *   sent back with `error=access_denied`.
 * - Token: `POST /oauth_ms/oauth/token`, its parameters in a form or, as
 *   monday's examples show them, a JSON body; the client in it
 *   (`client_secret_post`) or as Basic. The answer is `access_token` (a JWT
 *   whose `exp` ends it; its lifetime is not documented: an hour here),
 *   `refresh_token`, `token_type: "Bearer"` and `scope`, with no
 *   `expires_in` unless `answerExpiresIn` is set. Each refresh answers a
 *   new pair and the used refresh token stops working ("always replace
 *   both"; whether the old one keeps working for a while is not
 *   documented). Refusals are RFC 6749 §5.2's `{ error, error_description }`
 *   (monday does not document them).
 * - Revoke: `POST /oauth_ms/oauth/revoke`, a JSON body `{ token, client_id,
 *   client_secret, token_type_hint }`, answered `{ success: true }`; the
 *   grant of the token ends (access and refresh tokens). A token it does not
 *   know is answered 200 too, as RFC 7009 §2.2 has it (not documented).
 * - GraphQL: `POST /v2` with a JSON `{ query }` and the access token in
 *   `Authorization` (as Bearer, or alone as monday's own examples send a
 *   personal token). `me { … }` answers the fields asked of `id`, `name`,
 *   `email`, `is_verified` and `account { id name slug }` (needs `me:read`);
 *   `boards { id name }` the account's boards (needs `boards:read`). A
 *   scope the token lacks is `{ data: { me: null }, errors: [{ message,
 *   extensions: { code, status_code: 403 } }] }` as monday's changelog shows
 *   errors (https://developer.monday.com/api-reference/changelog/breaking-change-updated-user-unauthorized-error-code);
 *   a token it does not take is HTTP 401 with an `errors[]` whose shape is
 *   not documented. `API-Version` (`YYYY-MM`) is recorded; another value is
 *   a 400 with `errors[]`.
 * - Uninstalling the app (uninstall()) ends every grant of that user: the
 *   tokens stop working, as monday says a token lasts until the user
 *   uninstalls the app.
 * The authorization page approves at once for signInAs()'s user.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, isJson, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { jsonOrForm, oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface MondayUser {
  /** The user's id, digits as a string. */
  id: string;
  name: string;
  email: string;
  /** Whether the user confirmed their e-mail (`is_verified`). */
  isVerified: boolean;
  account: { id: string; name: string; slug: string };
}

export interface MondayEmulatorOptions extends EmulatorOptions {
  /** The scopes the app is set up for (default `me:read boards:read boards:write`). */
  appScopes?: string[];
  /** Answer `expires_in` beside the tokens (monday's examples show none). */
  answerExpiresIn?: boolean;
}

export interface MondayEmulator extends EmulatorHandle<MondayUser> {
  /** The user uninstalls the app: every token of theirs stops working. */
  uninstall(user: MondayUser): void;
}

const ACCESS_TOKEN_TTL = 3600;
const BOARDS = [{ id: '1234567890', name: 'Roadmap' }];

export async function startMondayEmulator(options: MondayEmulatorOptions): Promise<MondayEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<MondayUser>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating', prefixes: { access: 'mat_', refresh: 'mrt_' } });
  const appScopes = options.appScopes ?? ['me:read', 'boards:read', 'boards:write'];

  // The access token is a JWT carrying the grant store's own token as `jti`, signed with a key of this emulator.
  const key = randomBytes(32);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signature = (signed: string) => createHmac('sha256', key).update(signed).digest();
  const jwtOf = (opaque: string, grant: Grant<MondayUser>): string => {
    const issuedAt = now();
    const signed = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ uid: Number(grant.user.id), actid: Number(grant.user.account.id), scp: grant.scope, iat: issuedAt, exp: issuedAt + ACCESS_TOKEN_TTL, jti: opaque })}`;
    return `${signed}.${signature(signed).toString('base64url')}`;
  };
  /** The grant store's token a JWT of this emulator carries, or '' for anything else. */
  const opaqueOf = (accessToken: string): string => {
    const [header, payload, sent] = accessToken.split('.');
    if (!header || !payload || !sent) return '';
    const expected = signature(`${header}.${payload}`);
    const given = Buffer.from(sent, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return '';
    const { jti } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: unknown };
    return typeof jti === 'string' ? jti : '';
  };
  const grantOfAccessToken = (accessToken: string) => grants.grantOfAccessToken(opaqueOf(accessToken));
  const controls = emulatorControls<MondayUser>(server, { grantOfAccessToken });

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      if (!query.get('code_challenge') || query.get('code_challenge_method') !== 'S256') return { error: 'invalid_request', error_description: 'PKCE code_challenge with S256 is required' };
      const asked = requestedScopes(query);
      return asked.length === 0 || asked.some((scope) => !appScopes.includes(scope)) ? { error: 'invalid_scope', error_description: 'The requested scope is invalid' } : undefined;
    },
    denied: { error: 'access_denied', error_description: 'The user denied the request' },
  });

  /** The client in the parameters (form or JSON) or as Basic. */
  const isClient = (request: EmulatorRequest): boolean => {
    const basic = request.basicAuth();
    const parameters = jsonOrForm(request);
    return (basic?.username ?? parameters.get('client_id')) === options.clientId && (basic?.password ?? parameters.get('client_secret')) === options.clientSecret;
  };

  tokenEndpoint(server, '/oauth_ms/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Internal Server Error</h1>') },
    authenticates: isClient,
    parameters: jsonOrForm,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed'),
      grantType: () => oauthError(400, 'unsupported_grant_type', 'The grant type is not supported'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'The refresh token is invalid or has been revoked'),
      code: () => oauthError(400, 'invalid_grant', 'The authorization code is invalid or has expired'),
    },
    answer: ({ grant, tokens }) =>
      json(200, {
        access_token: jwtOf(tokens.accessToken, grant),
        refresh_token: tokens.refreshToken,
        token_type: 'Bearer',
        scope: grant.scope,
        ...(options.answerExpiresIn ? { expires_in: ACCESS_TOKEN_TTL } : {}),
      }),
  });

  server.route('POST', '/oauth_ms/oauth/revoke', (request) => {
    server.count('revoke');
    const body = request.json() as Record<string, unknown> | undefined;
    if (!isJson(request) || !body || typeof body.token !== 'string') return oauthError(400, 'invalid_request', 'token is required');
    if (body.client_id !== options.clientId || body.client_secret !== options.clientSecret) return oauthError(401, 'invalid_client', 'Client authentication failed');
    const grant = grants.grantOfToken(body.token) ?? grants.grantOfToken(opaqueOf(body.token));
    if (grant) grants.revokeGrant(grant.id);
    return json(200, { success: true });
  });

  const apiErrors = (status: number, message: string, code: string, data: Record<string, unknown> | undefined = undefined): EmulatorReply =>
    json(status, { ...(data ? { data } : {}), errors: [{ message, extensions: { code, status_code: status === 200 ? 403 : status } }] });
  /** The fields asked of an object in the query, e.g. `me { id name }` → ['id', 'name'] (nested selections dropped). */
  const fieldsOf = (query: string, name: string): string[] | undefined => {
    const start = new RegExp(`\\b${name}\\s*\\{`).exec(query);
    if (!start) return undefined;
    let depth = 0;
    let body = '';
    for (const char of query.slice(start.index + start[0].length - 1)) {
      if (char === '{') depth += 1;
      else if (char === '}') depth -= 1;
      if (depth === 0) break;
      if (depth === 1 && char !== '{' && char !== '}') body += char;
    }
    return body.split(/[\s,]+/).filter(Boolean);
  };

  server.route('POST', '/v2', (request) => {
    server.count('graphql');
    const authorization = request.headers.authorization ?? '';
    const grant = grantOfAccessToken(request.bearer() ?? authorization);
    if (!grant) return apiErrors(401, 'Not Authenticated', 'UNAUTHORIZED');
    const version = request.headers['api-version'];
    if (version !== undefined && !/^\d{4}-(01|04|07|10)$/.test(String(version))) return apiErrors(400, `Invalid API version: ${String(version)}`, 'InvalidVersionException');
    const body = request.json() as { query?: unknown } | undefined;
    if (!isJson(request) || typeof body?.query !== 'string') return apiErrors(400, 'No query string was present', 'BAD_REQUEST');
    const scopes = grant.scope.split(' ');
    const data: Record<string, unknown> = {};
    const meFields = fieldsOf(body.query, 'me');
    if (meFields) {
      if (!scopes.includes('me:read')) return apiErrors(200, 'Required scopes: me:read', 'missingRequiredPermissions', { me: null });
      const { id, name, email, isVerified, account } = grant.user;
      const me: Record<string, unknown> = { id, name, email, is_verified: isVerified, account, enabled: true };
      const unknown = meFields.find((field) => !(field in me));
      if (unknown) return apiErrors(200, `Field '${unknown}' doesn't exist on type 'User'`, 'GRAPHQL_VALIDATION_FAILED', { me: null });
      data.me = Object.fromEntries(meFields.map((field) => [field, me[field]]));
    }
    if (fieldsOf(body.query, 'boards')) {
      if (!scopes.includes('boards:read')) return apiErrors(200, 'Required scopes: boards:read', 'missingRequiredPermissions', { boards: null });
      data.boards = BOARDS;
    }
    if (Object.keys(data).length === 0) return apiErrors(200, 'Query not supported by this emulator', 'GRAPHQL_VALIDATION_FAILED');
    return json(200, { data, extensions: { request_id: randomBytes(8).toString('hex') } });
  });

  return {
    ...controls.handle,
    uninstall: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
