/**
 * An emulator of FreshBooks' OAuth server (`https://auth.freshbooks.com`
 * and `https://api.freshbooks.com/auth/oauth`) and of the part of its API a
 * connection touches, on one host, written from FreshBooks' documentation:
 * - Authorize (https://www.freshbooks.com/api/authenticating-with-oauth-2-0-on-the-new-freshbooks-api):
 *   `GET /oauth/authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri` (the one registered) and `state`; `scope`,
 *   space-separated, among the scopes ticked on the app (another is
 *   `invalid_scope` here). A person who declines is sent back with
 *   `error=access_denied`, RFC 6749's, which FreshBooks does not show.
 * - Token (same page, https://www.freshbooks.com/api/get-authenticated-on-the-freshbooks-api):
 *   `POST /auth/oauth/token` with `grant_type`, `client_id`,
 *   `client_secret`, `code` and `redirect_uri`, or `refresh_token`, as JSON
 *   (a form is read too here, which FreshBooks does not say). A code lives 5
 *   minutes. The answer is `access_token`, `token_type: "Bearer"`,
 *   `expires_in` (12 hours), `refresh_token`, `scope` and `created_at`. A
 *   refresh token never expires but is good once: a refresh answers a new
 *   pair. Refusals are RFC 6749's `{ error, error_description }` here, which
 *   FreshBooks does not show.
 * - `GET /auth/api/v1/users/me` (https://www.freshbooks.com/api/me_endpoint)
 *   answers `{ response: { id, first_name, last_name, email, confirmed_at,
 *   business_memberships: [{ id, role, business: { id, business_uuid,
 *   name, account_id, active } }], … } }`, behind `user:profile:read`;
 *   `GET /accounting/account/{accountId}/users/clients` the account's
 *   clients under `response.result`, behind `user:clients:read`, for an
 *   account the person is a member of. A token the API does not take is a
 *   401 `{ error: "unauthenticated", … }` here (not shown by FreshBooks).
 * - Revoke: `POST /auth/oauth/revoke` with `client_id`, `client_secret` and
 *   `token`, the refresh token, as JSON, answering 200; its grant's tokens
 *   all end (an assumption). A token it does not know is a 400 here.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface FreshBooksIdentity {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  /** Null: the e-mail is not confirmed. */
  confirmed_at: string | null;
  business: { id: number; name: string; account_id: string };
}

export interface FreshBooksEmulatorOptions extends EmulatorOptions {
  /** The scopes ticked on the app (default `user:profile:read user:clients:read`). */
  appScopes?: string[];
}

export interface FreshBooksEmulator extends EmulatorHandle<FreshBooksIdentity> {
  /** The person disconnects the app in FreshBooks: none of its tokens works. */
  disconnectInFreshBooks(identity: FreshBooksIdentity): void;
  /** The next users/me request fails with this HTTP status. */
  failNextIdentityRequest(status: number): void;
}

const ACCESS_TOKEN_TTL = 12 * 3600;

export async function startFreshBooksEmulator(options: FreshBooksEmulatorOptions): Promise<FreshBooksEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<FreshBooksIdentity>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: null,
    codeTtl: 300,
  });
  const controls = emulatorControls<FreshBooksIdentity>(server, grants);
  const appScopes = options.appScopes ?? ['user:profile:read', 'user:clients:read'];
  const identityFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid client or redirect URI',
    refuse: (query) => (requestedScopes(query).some((scope) => !appScopes.includes(scope)) ? describedError('invalid_scope') : undefined),
    denied: describedError('access_denied'),
    pkce: false,
    // No scope asked is every scope of the app.
    request: (query) => ({ scope: (requestedScopes(query).length > 0 ? requestedScopes(query) : appScopes).join(' ') }),
  });

  const invalidGrant = () => json(400, describedError('invalid_grant'));

  tokenEndpoint(server, '/auth/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Service Unavailable</h1>') },
    authenticates: (request) => credentialsIn(jsonOrForm(request), options),
    parameters: jsonOrForm,
    pkce: false,
    errors: {
      client: () => json(401, describedError('invalid_client')),
      refreshToken: invalidGrant,
      code: invalidGrant,
    },
    answer: ({ grant, tokens }) =>
      json(200, { ...tokenMembers(tokens, grant.scope, 'Bearer'), created_at: Math.floor(options.now?.() ?? Date.now() / 1000) }),
  });

  const unauthenticated = (): EmulatorReply => json(401, { error: 'unauthenticated', error_type: 'unauthenticated', error_description: 'This action requires authentication to continue.' });
  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthenticated);
  const forbidden = (scope: string): EmulatorReply => json(403, { error: 'forbidden', error_description: `Missing scope: ${scope}` });

  server.route('GET', '/auth/api/v1/users/me', (request) => {
    server.count('users_me');
    const status = identityFailure.take();
    if (status !== undefined) return html(status, '<h1>Internal Server Error</h1>');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes('user:profile:read')) return forbidden('user:profile:read');
    const { user } = grant;
    return json(200, {
      response: {
        id: user.id,
        identity_id: user.id,
        first_name: user.first_name,
        last_name: user.last_name,
        email: user.email,
        confirmed_at: user.confirmed_at,
        created_at: '2020-03-11T09:30:00Z',
        setup_complete: true,
        business_memberships: [{ id: 111, role: 'owner', business: { id: user.business.id, business_uuid: '046cc001-0002-e93e-1db1-1186b2983879', name: user.business.name, account_id: user.business.account_id, date_format: 'dd/mm/yyyy', active: true } }],
      },
    });
  });

  server.route('GET', '/accounting/account/:accountId/users/clients', (request) => {
    server.count('clients');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes('user:clients:read')) return forbidden('user:clients:read');
    if (request.params.accountId !== grant.user.business.account_id) return json(404, { response: { errors: [{ errno: 1012, field: 'accountid', message: 'The server could not verify that you are authorized to access the URL requested.' }] } });
    const clients = [{ id: 238951, fname: 'Charles', lname: 'Babbage', organization: 'Difference Engines Ltd', email: 'charles@example.com' }];
    return json(200, { response: { result: { clients, page: 1, pages: 1, per_page: 15, total: clients.length } } });
  });

  server.route('POST', '/auth/oauth/revoke', (request) => {
    server.count('revoke');
    const parameters = jsonOrForm(request);
    if (!credentialsIn(parameters, options)) return oauthError(401, 'invalid_client', 'Client authentication failed.');
    const grant = grants.grantOfToken(parameters.get('token') ?? '');
    if (!grant || grant.revoked) return invalidGrant();
    grants.revokeGrant(grant.id);
    return json(200, {});
  });

  return {
    ...controls.handle,
    disconnectInFreshBooks: (identity) => grants.revokeGrantsOf((someone) => someone.id === identity.id),
    failNextIdentityRequest: identityFailure.queue,
  };
}
