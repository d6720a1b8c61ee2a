/**
 * An emulator of Kick's OAuth 2.1 server (id.kick.com) and of the part of the Kick Dev API (api.kick.com) a
 * connection touches, written from Kick's developer docs (https://github.com/KickEngineering/KickDevDocs:
 * getting-started/generating-tokens-oauth2-flow.md, scopes/scopes.md, apis/users.md):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `response_type=code`, `redirect_uri`, `state`, `scope`,
 *   `code_challenge` and `code_challenge_method=S256`, each required: a request without one is answered 400
 *   `{ "error": "Invalid request" }`. A person who refuses goes back with `error=access_denied` (RFC 6749
 *   §4.1.2.1; Kick's pages show no refusal).
 * - Token: `POST /oauth/token`, a form with `client_id` and `client_secret`; the code exchange checks
 *   `redirect_uri` and the PKCE `code_verifier`. Both grants answer `access_token`, `token_type`, `refresh_token`,
 *   `expires_in` and `scope`: a refresh gives a new pair, and the refresh token used keeps working (Kick made
 *   refresh tokens reusable). Every refusal, a wrong client secret too, is 400 `{ "error": "Invalid request" }`,
 *   the one refusal Kick documents. The two-hour lifetime is this emulator's; Kick's example leaves it blank.
 *   A client-credentials grant with the client in the form answers an app access token (`access_token`,
 *   `token_type`, `expires_in`; no refresh token): the page names App Access Tokens and the Client Credentials
 *   flow, and a report on Kick's docs tracker (KickEngineering/KickDevDocs#383) shows one granted. failAppTokens()
 *   makes the grant answer 503, as an outage would.
 * - `GET /public/v1/users` (Bearer, `user:read`) answers `{ data: [{ user_id, name, email, profile_picture }],
 *   message: "OK" }`: without `id` the token's own user, with `id` those of the ids known. A token it does not
 *   take is a 401.
 * - `POST /oauth/revoke?token=…&token_hint_type=…` revokes the token and the grant it belongs to, answering 200
 *   `OK`; 400 without a token. removeApp() is the person removing the app at Kick: its tokens end.
 * The authorization page approves at once for signInAs()'s person.
 */
import { randomBytes } from 'node:crypto';
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface KickUser {
  userId: number;
  /** The Kick username. */
  name: string;
  email: string;
}

export interface KickEmulator extends EmulatorHandle<KickUser> {
  /** The person removes the app at Kick: none of its tokens works. */
  removeApp(user: KickUser): void;
  /** Client-credentials grants answer 503 (true) or app tokens again (false). */
  failAppTokens(failing: boolean): void;
  /** The query of each revocation request, in order. */
  readonly revocations: readonly URLSearchParams[];
}

const ACCESS_TOKEN_TTL = 7200;
const SCOPES = ['user:read', 'channel:read', 'channel:write', 'chat:write', 'streamkey:read', 'events:subscribe', 'moderation:ban', 'moderation:chat_message:manage', 'kicks:read'];
const INVALID_REQUEST = () => json(400, { error: 'Invalid request' });
const UNAUTHORIZED = () => json(401, { data: {}, message: 'Unauthorized' });

export async function startKickEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<KickEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<KickUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'reissued' });
  const controls = emulatorControls<KickUser>(server, grants);
  const revocations: URLSearchParams[] = [];
  let appTokensFail = false;

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    const required = ['state', 'scope', 'code_challenge'].every((name) => (query.get(name) ?? '') !== '');
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri || query.get('response_type') !== 'code' || !required || query.get('code_challenge_method') !== 'S256') {
      return INVALID_REQUEST();
    }
    if (requestedScopes(query).some((scope) => !SCOPES.includes(scope))) return INVALID_REQUEST();
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied the request' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    errors: { client: INVALID_REQUEST, grantType: INVALID_REQUEST, code: INVALID_REQUEST, refreshToken: INVALID_REQUEST },
    clientCredentials: () =>
      appTokensFail ? json(503, { message: 'Service Unavailable' }) : json(200, { access_token: `app-${randomBytes(24).toString('base64url')}`, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL }),
    answer: ({ grant, tokens }) =>
      json(200, { access_token: tokens.accessToken, token_type: 'Bearer', refresh_token: tokens.refreshToken, expires_in: tokens.expiresIn, scope: grant.scope }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, UNAUTHORIZED);
  const asKickUser = (user: KickUser) => ({ user_id: user.userId, name: user.name, email: user.email, profile_picture: `https://files.kick.com/images/user/${user.userId}/profile_image/fullsize.webp` });

  server.route('GET', '/public/v1/users', (request) => {
    server.count('users');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes('user:read')) return json(403, { data: {}, message: 'Forbidden' });
    const ids = request.url.searchParams.getAll('id').map(Number);
    const known = [...new Map(grants.allGrants().map((g) => [g.user.userId, g.user])).values()];
    const users = ids.length === 0 ? [grant.user] : known.filter((user) => ids.includes(user.userId));
    return json(200, { data: users.map(asKickUser), message: 'OK' });
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    const query = request.url.searchParams;
    revocations.push(query);
    const token = query.get('token');
    if (!token) return INVALID_REQUEST();
    const grant = grants.grantOfToken(token);
    if (grant) grants.revokeGrant(grant.id);
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'OK' };
  });

  return {
    ...controls.handle,
    revocations,
    failAppTokens: (failing) => {
      appTokensFail = failing;
    },
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.userId === user.userId),
  };
}
