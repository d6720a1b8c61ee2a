/**
 * An emulator of start.gg's OAuth (start.gg/oauth/authorize, api.start.gg/oauth/access_token and
 * api.start.gg/oauth/refresh) and of the part of its GraphQL API (api.start.gg/gql/alpha) a connection touches, on
 * one host, written from start.gg's developer docs (https://developer.start.gg/docs/oauth/oauth-overview,
 * https://developer.start.gg/docs/oauth/scopes, https://developer.start.gg/docs/oauth/example-oauth-flow,
 * https://developer.start.gg/docs/sending-requests, https://developer.start.gg/reference/user.doc.html):
 * - Authorize: `GET /oauth/authorize` with `response_type=code`, `client_id`, `redirect_uri` and `scope`, scopes
 *   separated by spaces among `user.identity`, `user.email`, `tournament.manager` and `tournament.reporter`.
 * - Token: `POST /oauth/access_token`, a JSON body of `grant_type=authorization_code`, `client_id`, `client_secret`,
 *   `code`, `redirect_uri` and `scope`, the scopes asked for. The answer is `access_token`, `token_type: "Bearer"`,
 *   `expires_in: 604800` and `refresh_token`, with no `scope`.
 * - Refresh: `POST /oauth/refresh`, a JSON body of `grant_type=refresh_token`, `refresh_token`, `scope` ("the same
 *   scopes as before"), `client_id`, `client_secret` and `redirect_uri` ("the same redirect uri from before"); the
 *   answer is the token answer's.
 * - API: `POST /gql/alpha` with a JSON body `{ query }` and the token as Bearer; `currentUser` (behind
 *   `user.identity`) answers the person's `id` (a number), `name`, `slug`, `email` (behind `user.email`) and
 *   `player { gamerTag }`; `tournament(slug:)` answers a tournament's `id` and `name`.
 * What start.gg's pages do not say is chosen here and said so, as the preset says it: `state` comes back with the
 * code; no PKCE is read; a token request without its `scope`, or a refresh with another scope or redirect URI, is
 * 400 `invalid_request` or `invalid_scope`, a refresh sent to the token URL 400 `unsupported_grant_type`, and every
 * other refusal RFC 6749 §5.2's; each refresh answers a new refresh token and ends the used one (the strictest
 * reading, so a client that keeps the newest works either way); the API answers a token it does not take with 401
 * and start.gg's `{ success: false, message }`. start.gg documents no revocation: the person may remove the app
 * (`removeApp`), which ends the grant. The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { isJson, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface StartggUser {
  /** The user's id, a number. */
  id: number;
  /** The public name; null when the person publishes none. */
  name: string | null;
  email: string;
  gamerTag: string;
  slug: string;
}

export interface StartggEmulator extends EmulatorHandle<StartggUser> {
  /** The person removes the app from their start.gg account: every token of theirs stops working. */
  removeApp(user: StartggUser): void;
  /** The next GraphQL request fails with this HTTP status. */
  failNextGraphql(status: number): void;
  /** The JSON body of each token and refresh request, in order. */
  readonly tokenBodies: ReadonlyArray<Record<string, unknown>>;
}

const ACCESS_TOKEN_TTL = 604_800;
const SCOPES = ['user.identity', 'user.email', 'tournament.manager', 'tournament.reporter'];
const TOURNAMENTS: Record<string, { id: number; name: string }> = { 'genesis-9': { id: 485_262, name: 'Genesis 9' } };

/** The JSON body's string members; a body that is not a JSON object has none. */
function jsonParameters(request: EmulatorRequest): URLSearchParams {
  const body = isJson(request) ? request.json() : undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return new URLSearchParams();
  return new URLSearchParams(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Whether two scope lists name the same scopes, whatever their order. */
const sameScopes = (a: string, b: string) => a.split(' ').filter(Boolean).sort().join(' ') === b.split(' ').filter(Boolean).sort().join(' ');

export async function startStartggEmulator(options: EmulatorOptions): Promise<StartggEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<StartggUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<StartggUser>(server, grants);
  const tokenBodies: Array<Record<string, unknown>> = [];
  const graphqlFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      const asked = requestedScopes(query);
      return asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined;
    },
  });

  /** The scope a token request must carry: present, and the grant's. */
  const scopeRefusal = (sent: string | null, granted: string | undefined): EmulatorReply | undefined => {
    if (!sent) return oauthError(400, 'invalid_request', 'The request is missing a required parameter: scope.');
    return granted === undefined || sameScopes(sent, granted) ? undefined : oauthError(400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed.');
  };
  const answer = ({ tokens }: { tokens: Parameters<typeof tokenMembers>[0] }) => json(200, tokenMembers(tokens, undefined, 'Bearer'));
  const common = {
    client: options,
    grants,
    screen: (request: EmulatorRequest) => {
      const body = isJson(request) ? request.json() : undefined;
      tokenBodies.push(body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {});
      return undefined;
    },
    failure: { queued: controls.tokenFailure },
    parameters: jsonParameters,
    authenticates: (request: EmulatorRequest) => credentialsIn(jsonParameters(request), options),
    pkce: false,
  };

  tokenEndpoint(server, '/oauth/access_token', {
    ...common,
    refuseRefresh: () => oauthError(400, 'unsupported_grant_type'),
    refuseCode: (parameters) => scopeRefusal(parameters.get('scope'), undefined),
    answer: (issued) => scopeRefusal(issued.form.get('scope'), issued.grant.scope) ?? answer(issued),
  });

  tokenEndpoint(server, '/oauth/refresh', {
    ...common,
    counter: 'refresh_request',
    refuseCode: () => oauthError(400, 'unsupported_grant_type'),
    refuseRefresh: (presented, parameters) => {
      if (parameters.get('redirect_uri') !== options.redirectUri) return oauthError(400, 'invalid_request', 'The request is missing a required parameter: redirect_uri.');
      return scopeRefusal(parameters.get('scope'), grants.grantOfToken(presented)?.scope);
    },
    answer,
  });

  server.route('POST', '/gql/alpha', (request) => {
    server.count('graphql');
    const status = graphqlFailure.take();
    if (status !== undefined) return json(status, { success: false, message: 'Internal server error' });
    const grant = bearerGrant(grants, request, () => json(401, { success: false, message: 'Invalid authentication token' }));
    if (!isGrant(grant)) return grant;
    const body = isJson(request) ? (request.json() as { query?: unknown } | undefined) : undefined;
    if (typeof body?.query !== 'string') return json(400, { errors: [{ message: 'Must provide query string.' }] });
    const scopes = grant.scope.split(' ');
    const data: Record<string, unknown> = {};
    const errors: Array<{ message: string }> = [];
    if (/\bcurrentUser\b/.test(body.query)) {
      const { id, name, email, gamerTag, slug } = grant.user;
      if (scopes.includes('user.identity')) data.currentUser = { id, name, slug, email: scopes.includes('user.email') ? email : null, player: { gamerTag } };
      else {
        data.currentUser = null;
        errors.push({ message: 'Your token does not have the user.identity scope' });
      }
    }
    const slug = /\btournament\s*\(\s*slug:\s*"([^"]+)"/.exec(body.query)?.[1];
    if (slug !== undefined) data.tournament = TOURNAMENTS[slug] ?? null;
    if (Object.keys(data).length === 0) return json(400, { errors: [{ message: 'Query not supported by this emulator' }] });
    return json(200, errors.length > 0 ? { data, errors } : { data });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextGraphql: graphqlFailure.queue,
    tokenBodies,
  };
}
