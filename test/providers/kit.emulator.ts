/**
 * An emulator of Kit's OAuth server (api.kit.com/v4/oauth) and of the part of
 * the Kit API v4 a connection touches, on one host, written from Kit's
 * documentation (https://developers.kit.com/api-reference/authentication,
 * https://developers.kit.com/api-reference/oauth-refresh-token-flow,
 * https://developers.kit.com/api-reference/oauth-proof-key-for-code-exchange-flow,
 * https://developers.kit.com/api-reference/accounts/get-current-account):
 * - Authorize: `GET /v4/oauth/authorize` with `client_id`,
 *   `response_type=code`, `redirect_uri` (one of the app's) and `state`;
 *   `scope` is `public` when none is sent, and `public` is the only scope
 *   here (another is `invalid_scope`: not shown by Kit). A person who
 *   declines goes back with `error=access_denied` (not shown by Kit).
 * - Token: `POST /v4/oauth/token` with `client_id`, `client_secret`,
 *   `grant_type` and `code` and `redirect_uri`, or `refresh_token`, read
 *   from a JSON body as Kit's samples send them (counted `json_body`), or
 *   from a form. The answer is `access_token`, `token_type: "Bearer"`,
 *   `expires_in` (172800, Kit's example for a code; refreshed tokens live as
 *   long here), `refresh_token`, `scope` and `created_at`; a refresh
 *   answers a new pair, and the spent refresh token is refused here (Kit
 *   does not say). Refusals are RFC 6749 §5.2's `{ error,
 *   error_description }` here (not shown by Kit).
 * - API: the token as `Authorization: Bearer`; a token not taken is 401 `{
 *   errors: ["The access token is invalid"] }`. `GET /v4/account` answers
 *   `{ user: { email, id }, account: { id, name, plan_type,
 *   primary_email_address, created_at, timezone } }`; `GET /v4/subscribers`
 *   a page of the account's subscribers.
 * - uninstallApp() is the person uninstalling the app in Kit: its tokens
 *   stop working. There is no revocation endpoint.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, isJson, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { jsonOrForm, oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface KitUser {
  id: number;
  email: string;
  account: { id: number; name: string };
}

export interface KitEmulator extends EmulatorHandle<KitUser> {
  /** The person uninstalls the app in Kit: none of its tokens works. */
  uninstallApp(user: KitUser): void;
}

export async function startKitEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<KitEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<KitUser>({ accessTokenTtl: 172_800, refreshPolicy: 'rotating', refreshTokenTtl: null });
  const controls = emulatorControls<KitUser>(server, grants);

  authorizationEndpoint(server, '/v4/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'The client or redirect URI is not valid',
    refuse: (query) => (requestedScopes(query).some((scope) => scope !== 'public') ? { error: 'invalid_scope' } : undefined),
    request: () => ({ scope: 'public' }),
  });

  /** The request's parameters, a JSON body (counted) or a form. */
  const parameters = (request: EmulatorRequest) => {
    if (isJson(request)) server.count('json_body');
    return jsonOrForm(request);
  };

  tokenEndpoint(server, '/v4/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>We’re sorry, but something went wrong.</h1>') },
    authenticates: (request) => credentialsIn(jsonOrForm(request), options),
    parameters,
    errors: { client: () => oauthError(401, 'invalid_client', 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.') },
    answer: ({ grant, tokens }) => json(200, { ...tokenMembers(tokens, grant.scope, 'Bearer'), created_at: Math.floor(Date.now() / 1000) }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { errors: ['The access token is invalid'] }));

  server.route('GET', '/v4/account', (request) => {
    server.count('account');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { id, email, account } = grant.user;
    return json(200, {
      user: { email, id },
      account: { id: account.id, name: account.name, plan_type: 'creator', primary_email_address: email, created_at: '2023-02-17T11:43:55Z', timezone: { name: 'America/New_York', friendly_name: 'Eastern Time (US & Canada)', utc_offset: '-05:00' } },
    });
  });

  server.route('GET', '/v4/subscribers', (request) => {
    server.count('subscribers');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      subscribers: [{ id: 142, first_name: 'Alice', email_address: 'alice@example.com', state: 'active', created_at: '2023-02-17T11:43:55Z', fields: {} }],
      pagination: { has_previous_page: false, has_next_page: false, start_cursor: 'WzE0Ml0=', end_cursor: 'WzE0Ml0=', per_page: 500 },
    });
  });

  return {
    ...controls.handle,
    uninstallApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
