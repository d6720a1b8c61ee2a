/**
 * An emulator of Constant Contact's authorization server (authz.constantcontact.com's
 * /oauth2/default/v1/authorize, /token and /revoke) and of the part of the V3
 * API (api.cc.email/v3) a connection touches, written from Constant Contact's
 * documentation:
 * - Authorize (https://developer.constantcontact.com/api_guide/server_flow.html):
 *   `GET /oauth2/default/v1/authorize` with `client_id`, `redirect_uri`,
 *   `response_type=code`, `state` (required) and a space-separated `scope`;
 *   `offline_access` among them brings a refresh token. A PKCE challenge, when
 *   sent, is S256 (https://developer.constantcontact.com/api_guide/pkce_flow.html)
 *   and checked at the exchange. A refusal goes back to the redirect URI with
 *   RFC 6749's `error`; a person who declines is `access_denied`.
 * - Token: `POST /oauth2/default/v1/token`, the client by Basic, base64 of
 *   `client_id:client_secret` as they are
 *   (https://developer.constantcontact.com/api_guide/apps_create_archive.html).
 *   The answer is `token_type: "Bearer"`, `expires_in` (86400: 24 hours),
 *   `access_token`, `scope` and, with `offline_access`, `refresh_token`. Refresh
 *   tokens rotate (the setting Constant Contact recommends): each refresh
 *   answers a new one and the used one is refused, `invalid_grant`; a refresh
 *   token ends 180 days after it was issued (Constant Contact's API support on
 *   its community forum). Refusals are RFC 6749 §5.2's `error` and
 *   `error_description`, 401 for the client.
 * - Revoke: `POST /oauth2/default/v1/revoke`, RFC 7009, a form with `token`,
 *   the client as at the token endpoint: a refresh token revoked ends the
 *   grant, an access token only itself; 200 with no body, a token it does not
 *   know too (the endpoint of Constant Contact's authorization server as
 *   integrations configure it; its guide pages do not show it).
 * - API (under /v3): `GET /account/summary` (`account_read`) answers the
 *   account, `encoded_account_id`, `first_name`, `last_name`, `contact_email`,
 *   `organization_name` (https://developer.constantcontact.com/api_guide/account_details_get.html);
 *   `GET /contact_lists` (`contact_data`) the account's lists as `lists`
 *   (https://developer.constantcontact.com/api_guide/lists_get_all.html). A
 *   token it does not take is 401, a scope not granted 403, each as the V3
 *   API's list of `error_key` and `error_message`.
 * The authorization page approves at once for signInAs()'s account.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface ConstantContactAccount {
  /** The account's `encoded_account_id`. */
  accountId: string;
  firstName: string;
  lastName: string;
  email: string;
  organization: string;
}

export interface ConstantContactEmulator extends EmulatorHandle<ConstantContactAccount> {
  /** The `token` of each revocation request the client authenticated, in order. */
  readonly revoked: ReadonlyArray<string>;
}

const ACCESS_TOKEN_TTL = 24 * 60 * 60;
const REFRESH_TOKEN_TTL = 180 * 86_400;
const SCOPES = new Set(['account_read', 'account_update', 'contact_data', 'campaign_data', 'offline_access']);
const v3Error = (status: number, key: string, message: string): EmulatorReply => json(status, [{ error_key: key, error_message: message }]);

export async function startConstantContactEmulator(options: EmulatorOptions): Promise<ConstantContactEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ConstantContactAccount>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
    codeTtl: 300,
  });
  const controls = emulatorControls<ConstantContactAccount>(server, grants);
  const revoked: string[] = [];

  authorizationEndpoint(server, '/oauth2/default/v1/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Bad Request',
    refuse: (query) => {
      if (!query.get('state')) return { error: 'invalid_request', error_description: "The 'state' parameter is required." };
      if (query.get('code_challenge') && query.get('code_challenge_method') !== 'S256') return { error: 'invalid_request', error_description: "'code_challenge_method' must be S256." };
      const scopes = requestedScopes(query);
      return scopes.length === 0 || scopes.some((scope) => !SCOPES.has(scope)) ? { error: 'invalid_scope' } : undefined;
    },
    denied: describedError('access_denied'),
    request: (query) => ({ refreshToken: requestedScopes(query).includes('offline_access') }),
  });

  const isClient = (request: EmulatorRequest): boolean => basicAsSent(request, options);

  tokenEndpoint(server, '/oauth2/default/v1/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: isClient,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed.'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'The refresh token is invalid or expired.'),
      code: () => oauthError(400, 'invalid_grant', 'The authorization code is invalid or has expired.'),
    },
    answer: ({ grant, tokens }) =>
      json(200, {
        token_type: 'Bearer',
        expires_in: tokens.expiresIn,
        access_token: tokens.accessToken,
        scope: grant.scope,
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
      }),
  });

  server.route('POST', '/oauth2/default/v1/revoke', (request) => {
    server.count('revoke');
    if (!isClient(request)) return oauthError(401, 'invalid_client', 'Client authentication failed.');
    const token = request.form().get('token');
    if (!token) return oauthError(400, 'invalid_request', "The 'token' parameter is required.");
    revoked.push(token);
    const grant = grants.grantOfToken(token);
    if (grant && !grants.revokeAccessToken(token)) grants.revokeGrant(grant.id);
    return { status: 200, headers: {} };
  });

  /** The grant of the request's Bearer token when it holds `scope`; else the V3 API's 401 or 403. */
  const authorized = (request: EmulatorRequest, scope: string): Grant<ConstantContactAccount> | EmulatorReply => {
    const grant = bearerGrant(grants, request, () => v3Error(401, 'unauthorized', 'The Access Token used is invalid.'));
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes(scope)) return v3Error(403, 'forbidden', `The access token lacks the ${scope} scope.`);
    return grant;
  };

  server.route('GET', '/v3/account/summary', (request) => {
    server.count('account_summary');
    const grant = authorized(request, 'account_read');
    if (!isGrant(grant)) return grant;
    const account = grant.user;
    return json(200, {
      contact_email: account.email,
      contact_phone: '5555555555',
      country_code: 'US',
      encoded_account_id: account.accountId,
      first_name: account.firstName,
      last_name: account.lastName,
      organization_name: account.organization,
      organization_phone: '5555555555',
      state_code: 'MA',
      time_zone_id: 'US/Eastern',
      website: 'https://www.example.com',
    });
  });

  server.route('GET', '/v3/contact_lists', (request) => {
    server.count('contact_lists');
    const grant = authorized(request, 'contact_data');
    if (!isGrant(grant)) return grant;
    return json(200, {
      lists: [{ list_id: '04fe9a97-a579-43c5-bb1a-58ed29bf0a6a', name: `${grant.user.organization} customers`, favorite: false, created_at: '2023-03-01T10:00:00Z', updated_at: '2023-03-02T10:00:00Z' }],
      lists_count: 1,
    });
  });

  return { ...controls.handle, revoked };
}
