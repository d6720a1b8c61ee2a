/**
 * An emulator of Patreon's OAuth server and of the part of its API v2 a
 * connection touches (`https://www.patreon.com`), written from Patreon's API
 * reference (https://docs.patreon.com/#oauth, https://docs.patreon.com/#apiv2-oauth):
 * - Authorize: `GET /oauth2/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (one registered), `scope` and `state`. Scopes
 *   are space-separated APIv2 scopes (`identity`, `identity[email]`,
 *   `identity.memberships`, `campaigns`, …); an APIv2 client asks for no
 *   APIv1 scope, and none is refused here as `invalid_scope`. PKCE is not
 *   documented, so a challenge is ignored. A person who declines is sent
 *   back with `error=access_denied`.
 * - Token: `POST /api/oauth2/token`, a form with the client's `client_id`
 *   and `client_secret` in it (Basic is not documented and not taken here).
 *   The answer is `{ access_token, refresh_token, expires_in, scope,
 *   token_type: "Bearer" }`, `expires_in` a month (2,678,400 seconds); each
 *   refresh answers a new refresh token, and the used one stops working
 *   (assumed, as Patreon calls both "single use"). Refusals are RFC 6749
 *   §5.2's, which Patreon does not show.
 * - `GET /api/oauth2/v2/identity` answers the token's user as a JSON:API
 *   document, `{ data: { id, type: "user", attributes }, links }`, with only
 *   the attributes `fields[user]` names, and `email` only under
 *   `identity[email]` (https://docs.patreon.com/#get-api-oauth2-v2-identity);
 *   `GET /api/oauth2/v2/campaigns` the user's campaigns under `campaigns`.
 *   A token it does not take is 401 (https://docs.patreon.com/#errors) with
 *   JSON:API `errors[]`, a missing scope 403.
 * - No revocation: the person removes the app in their Patreon settings
 *   (removeApp), which ends every token of it.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface PatreonUser {
  id: string;
  full_name: string;
  email: string;
  is_email_verified: boolean;
}

export interface PatreonEmulator extends EmulatorHandle<PatreonUser> {
  /** The person removes the app in their Patreon settings: every grant they gave it ends. */
  removeApp(userId: string): void;
  /** The next GET /identity fails with this HTTP status. */
  failNextIdentity(status: number): void;
}

const ACCESS_TOKEN_TTL = 2_678_400;
const SCOPES = ['identity', 'identity[email]', 'identity.memberships', 'campaigns', 'w:campaigns.webhook', 'campaigns.members', 'campaigns.members[email]', 'campaigns.members.address', 'campaigns.posts'];

export async function startPatreonEmulator(options: EmulatorOptions): Promise<PatreonEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<PatreonUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
  });
  const controls = emulatorControls<PatreonUser>(server, grants);
  const identityFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid client_id or redirect_uri',
    refuse: (query) => (requestedScopes(query).some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined),
    pkce: false,
  });

  tokenEndpoint(server, '/api/oauth2/token', {
    client: { clientId: options.clientId, clientSecret: options.clientSecret },
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, expires_in: ACCESS_TOKEN_TTL, scope: grant.scope, token_type: 'Bearer' }),
  });

  const apiError = (status: number, title: string, detail: string): EmulatorReply => json(status, { errors: [{ code: status === 401 ? 1 : 3, code_name: title.replace(/ /g, ''), detail, id: 'b7a1c2d3-0000-4000-8000-000000000001', status: String(status), title }] });
  /** The grant of the request's Bearer token and whether it holds `scope`, or the answer Patreon gives instead. */
  const authorized = (request: EmulatorRequest, scope: string): Grant<PatreonUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return apiError(401, 'Unauthorized', 'The server could not verify that you are authorized to access the URL requested.');
    if (!grant.scope.split(' ').includes(scope)) return apiError(403, 'Forbidden', `This request requires the ${scope} scope.`);
    return grant;
  };

  server.route('GET', '/api/oauth2/v2/identity', (request) => {
    server.count('identity');
    const status = identityFailure.take();
    if (status !== undefined) return html(status, '<h1>Internal Server Error</h1>');
    const grant = authorized(request, 'identity');
    if (!('user' in grant)) return grant;
    const user = grant.user;
    const all: Record<string, unknown> = {
      full_name: user.full_name,
      is_email_verified: user.is_email_verified,
      created: '2021-04-02T10:00:00.000+00:00',
      image_url: `https://c8.patreon.com/3/200/${user.id}`,
      url: `https://www.patreon.com/user?u=${user.id}`,
      ...(grant.scope.split(' ').includes('identity[email]') ? { email: user.email } : {}),
    };
    const asked = (request.url.searchParams.get('fields[user]') ?? '').split(',').filter(Boolean);
    const attributes = Object.fromEntries(Object.entries(all).filter(([name]) => asked.includes(name)));
    return json(200, { data: { attributes, id: user.id, type: 'user' }, links: { self: `https://www.patreon.com/api/oauth2/v2/user/${user.id}` } });
  });

  server.route('GET', '/api/oauth2/v2/campaigns', (request) => {
    server.count('campaigns');
    const grant = authorized(request, 'campaigns');
    if (!('user' in grant)) return grant;
    return json(200, { data: [{ attributes: {}, id: `${grant.user.id}0`, type: 'campaign' }], meta: { pagination: { total: 1 } } });
  });

  return {
    ...controls.handle,
    removeApp: (userId) => grants.revokeGrantsOf((someone) => someone.id === userId),
    failNextIdentity: identityFailure.queue,
  };
}
