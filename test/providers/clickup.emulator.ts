/**
 * An emulator of ClickUp's OAuth apps (app.clickup.com/api,
 * api.clickup.com/api/v2/oauth/token) and of the part of its API a
 * connection touches, written from ClickUp's documentation
 * (https://developer.clickup.com/docs/authentication,
 * https://developer.clickup.com/reference/getaccesstoken,
 * https://developer.clickup.com/docs/common_errors):
 * - Authorize: `GET /api` with `client_id`, `redirect_uri` (one of the
 *   app's) and an optional `state`; no scopes: the person picks the
 *   Workspaces (`workspaces` of the user signed in). An unknown client is
 *   `OAUTH_010`, a redirect URI the app does not have `OAUTH_007`, shown as
 *   a page. A person who declines is sent back with `error=access_denied`
 *   (the redirect for a refusal is not documented).
 * - Token: `POST /api/v2/oauth/token` with `client_id`, `client_secret` and
 *   `code`, read from the query as ClickUp's reference names them, or from
 *   a form or JSON body, as integrations send them (counted
 *   `client_in_query` when they come in the URL). The answer is
 *   `{ "access_token": "…" }` alone: no `token_type`, no expiry, no refresh
 *   token. Refusals are ClickUp's `{ err, ECODE }`: a client it does not
 *   know, or a wrong secret, 401 `OAUTH_010` "Client Not Found"; a code it
 *   does not take 400 "Code not found" (the status, words and ECODE of
 *   both are not documented: these are assumed).
 * - API: the token as `Authorization: Bearer {access_token}`; without one
 *   401 `OAUTH_017`, a token ClickUp does not take (revoked by the person)
 *   401 `OAUTH_025` "Token invalid". `GET /api/v2/user` answers
 *   `{ user: { id, username, email, color, profilePicture, initials,
 *   week_start_day, global_font_support, timezone } }`; `GET /api/v2/team`
 *   the authorized Workspaces, `{ teams: [{ id, name, color, avatar,
 *   members }] }`.
 * There is no revocation endpoint. The authorization page approves at once
 * for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';

export interface ClickUpUser {
  id: number;
  username: string;
  email: string;
  /** The Workspaces the person authorizes for the app. */
  workspaces: Array<{ id: string; name: string }>;
}

export interface ClickUpEmulator extends EmulatorHandle<ClickUpUser> {
  /** The person revokes the app in ClickUp: their tokens stop working. */
  revokeApp(userId: number): void;
}

const clickupError = (status: number, err: string, ecode: string): EmulatorReply => json(status, { err, ECODE: ecode });

/** The token request's parameters: the query ClickUp's reference names, else a JSON or form body. */
function tokenParameters(request: EmulatorRequest): URLSearchParams {
  if (request.url.searchParams.has('code')) return request.url.searchParams;
  const body = request.json();
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    return new URLSearchParams(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  }
  return request.form();
}

export async function startClickUpEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<ClickUpEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ClickUpUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<ClickUpUser>(server, grants);

  authorizationEndpoint(server, '/api', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'Client Not Found (OAUTH_010)', redirectUri: 'Redirect URI does not match the redirect uris of this application (OAUTH_007)' },
    responseType: false,
    pkce: false,
    request: () => ({ redirectUri: undefined, scope: '' }),
  });

  server.route('POST', '/api/v2/oauth/token', (request) => {
    server.count('token_request');
    const status = controls.tokenFailure();
    if (status !== undefined) return html(status, '<h1>Internal Server Error</h1>');
    const parameters = tokenParameters(request);
    if (parameters === request.url.searchParams) server.count('client_in_query');
    if (!credentialsIn(parameters, options)) return clickupError(401, 'Client Not Found', 'OAUTH_010');
    server.count('authorization_code');
    const redeemed = grants.redeemCode(parameters.get('code') ?? '', { clientId: options.clientId, redirectUri: null, codeVerifier: null });
    if (!redeemed.ok) return clickupError(400, 'Code not found', 'OAUTH_014');
    return json(200, { access_token: redeemed.tokens.accessToken });
  });

  /** The grant of the request's Bearer token; a ClickUp refusal otherwise. */
  const apiGrant = (request: EmulatorRequest): Grant<ClickUpUser> | EmulatorReply => {
    const token = request.bearer();
    if (!token) return clickupError(401, 'Authorization header required', 'OAUTH_017');
    return grants.grantOfAccessToken(token) ?? clickupError(401, 'Token invalid', 'OAUTH_025');
  };

  server.route('GET', '/api/v2/user', (request) => {
    server.count('user');
    const grant = apiGrant(request);
    if (!('user' in grant)) return grant;
    const { id, username, email } = grant.user;
    const initials = username
      .split(' ')
      .map((part) => part[0])
      .join('')
      .toUpperCase();
    return json(200, { user: { id, username, email, color: '#7b68ee', profilePicture: null, initials, week_start_day: 0, global_font_support: false, timezone: 'Europe/London' } });
  });

  server.route('GET', '/api/v2/team', (request) => {
    server.count('team');
    const grant = apiGrant(request);
    if (!('user' in grant)) return grant;
    const { id, username, email } = grant.user;
    return json(200, { teams: grant.user.workspaces.map((workspace) => ({ ...workspace, color: '#7b68ee', avatar: null, members: [{ user: { id, username, email, role: 1 } }] })) });
  });

  return {
    ...controls.handle,
    revokeApp: (userId) => grants.revokeGrantsOf((someone) => someone.id === userId),
  };
}
