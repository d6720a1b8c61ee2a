/**
 * An emulator of Smartsheet's OAuth (app.smartsheet.com's authorization page)
 * and of the API a connection touches (api.smartsheet.com/2.0), one origin
 * for both, written from Smartsheet's developer docs
 * (https://developers.smartsheet.com/api/smartsheet/guides/advanced-topics/oauth,
 * https://developers.smartsheet.com/api/smartsheet/openapi/tokens,
 * https://developers.smartsheet.com/api/smartsheet/openapi/users/get-current-user):
 * - Authorize: `GET /b/authorize` with `response_type=code`, `client_id`,
 *   `scope` (space-separated access scopes Smartsheet knows; another, or
 *   none, goes back with `error=invalid_scope`) and `state`; the person goes
 *   back to the app's redirect URL with the code, or with
 *   `error=access_denied`. PKCE is not read.
 * - Token: `POST /2.0/token`, a form with `client_id` and either `hash`, the
 *   hex SHA-256 of `<app secret>|<code>` (or `|<refresh token>`), or
 *   `client_secret` in plain text. An unknown client is 401
 *   `invalid_client`; a hash or secret that does not match is 400
 *   `invalid_grant`, as a code or refresh token that is invalid or expired
 *   is. The answer is `access_token`, `token_type: "bearer"`,
 *   `expires_in: 604799` and `refresh_token`; a refresh answers a new pair
 *   and the spent refresh token is refused from then on. The requests that
 *   authenticated with `hash` and with `client_secret` are counted apart
 *   (`hash`, `client_secret`).
 * - `GET /2.0/users/me` answers the user (`id`, a number, `email`,
 *   `firstName`, `lastName`, `account`…); `GET /2.0/sheets` the person's
 *   sheets behind `READ_SHEETS`. A token the API does not take is 401 with
 *   Smartsheet's `errorCode` 1002 (1004 for a missing scope, with 403).
 * - `DELETE /2.0/token` ends the access token sent, and with
 *   `deleteAllForApiClient=true` every token of the app for that person,
 *   answering `{ message: "SUCCESS", resultCode: 0 }`.
 * - removeAccess() is the person revoking the app in Smartsheet: none of its tokens works.
 * The authorization page approves at once for signInAs()'s person.
 */
import { createHash } from 'node:crypto';
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface SmartsheetUser {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  accountId: number;
  accountName: string;
}

export interface SmartsheetEmulator extends EmulatorHandle<SmartsheetUser> {
  /** The person revokes the app in Smartsheet: none of its tokens works any more. */
  removeAccess(user: SmartsheetUser): void;
}

const ACCESS_TOKEN_TTL = 604_799;
const SCOPES = ['ADMIN_SHEETS', 'ADMIN_SIGHTS', 'ADMIN_USERS', 'ADMIN_WEBHOOKS', 'ADMIN_WORKSPACES', 'CREATE_SHEETS', 'CREATE_SIGHTS', 'DELETE_SHEETS', 'DELETE_SIGHTS', 'READ_CONTACTS', 'READ_EVENTS', 'READ_SHEETS', 'READ_SIGHTS', 'READ_USERS', 'SHARE_SHEETS', 'SHARE_SIGHTS', 'WRITE_SHEETS'];

function apiError(status: number, errorCode: number, message: string): EmulatorReply {
  return json(status, { errorCode, message, refId: 'emulated' });
}

export async function startSmartsheetEmulator(options: EmulatorOptions): Promise<SmartsheetEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SmartsheetUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating', refreshTokenTtl: null });
  const controls = emulatorControls<SmartsheetUser>(server, grants);

  server.route('GET', '/b/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('response_type') !== 'code') return html(400, '<h1>Invalid client</h1>');
    const reply = redirectBack(options.redirectUri, query);
    const asked = requestedScopes(query);
    if (asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope))) return reply({ error: 'invalid_scope' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: asked.join(' '), codeChallenge: undefined, codeChallengeMethod: undefined, user }) });
  });

  /** The client: its id, then `hash` (SHA-256 of the secret, `|` and the code or refresh token) or the secret in plain text. */
  const authenticates = (request: EmulatorRequest): true | EmulatorReply => {
    const form = request.form();
    if (form.get('client_id') !== options.clientId) return oauthError(401, 'invalid_client', 'Invalid client');
    const grant = form.get('grant_type') === 'refresh_token' ? form.get('refresh_token') : form.get('code');
    const hash = form.get('hash');
    if (hash !== null) {
      if (hash !== createHash('sha256').update(`${options.clientSecret}|${grant ?? ''}`, 'utf8').digest('hex')) return oauthError(400, 'invalid_grant', 'Invalid hash');
      server.count('hash');
      return true;
    }
    if (form.get('client_secret') !== options.clientSecret) return oauthError(400, 'invalid_grant', 'Invalid client secret');
    server.count('client_secret');
    return true;
  };

  tokenEndpoint(server, '/2.0/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      code: () => oauthError(400, 'invalid_grant', 'Invalid or expired authorization code'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Invalid or expired refresh token'),
    },
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'bearer', refresh_token: tokens.refreshToken, expires_in: tokens.expiresIn }),
  });

  const grantOf = (request: EmulatorRequest) => grants.grantOfAccessToken(request.bearer() ?? '');
  const invalidToken = () => apiError(401, 1002, 'Your Access Token is invalid.');

  server.route('GET', '/2.0/users/me', (request) => {
    server.count('users_me');
    const grant = grantOf(request);
    if (!grant) return invalidToken();
    const { user } = grant;
    return json(200, { id: user.id, email: user.email, firstName: user.firstName, lastName: user.lastName, locale: 'en_US', timeZone: 'US/Pacific', account: { name: user.accountName, id: user.accountId }, admin: false, licensedSheetCreator: true });
  });

  server.route('GET', '/2.0/sheets', (request) => {
    server.count('sheets');
    const grant = grantOf(request);
    if (!grant) return invalidToken();
    if (!grant.scope.split(' ').includes('READ_SHEETS')) return apiError(403, 1004, 'You are not authorized to perform this action.');
    return json(200, { pageNumber: 1, pageSize: 100, totalPages: 1, totalCount: 1, data: [{ id: 4_583_173_393_803_140, name: `${grant.user.firstName}'s plan`, accessLevel: 'OWNER' }] });
  });

  server.route('DELETE', '/2.0/token', (request) => {
    server.count('delete_token');
    const accessToken = request.bearer() ?? '';
    const grant = grants.grantOfAccessToken(accessToken);
    if (!grant) return invalidToken();
    if (request.url.searchParams.get('deleteAllForApiClient') === 'true') {
      for (const other of grants.allGrants()) if (other.clientId === grant.clientId && other.user.id === grant.user.id) grants.revokeGrant(other.id);
    } else {
      grants.revokeAccessToken(accessToken);
    }
    return json(200, { message: 'SUCCESS', resultCode: 0 });
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
