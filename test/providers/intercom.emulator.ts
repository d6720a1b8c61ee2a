/**
 * An emulator of Intercom's OAuth (app.intercom.com/oauth,
 * api.intercom.io/auth/eagle/token) and of the part of its REST API
 * (api.intercom.io) a connection touches, written from Intercom's
 * documentation:
 * - Authorize (https://developers.intercom.com/docs/build-an-integration/learn-more/authentication/setting-up-oauth,
 *   https://intercom-developer-hub.readme.io/reference/using-oauth):
 *   `GET /oauth` with `client_id`, `state` and `redirect_uri` (one of the
 *   app's registered URLs); no scopes: the app's permissions are set in the
 *   Developer Hub, and a `scope` sent anyway is ignored. A declined
 *   authorization goes back to the redirect URI with RFC 6749 §4.1.2.1's
 *   `access_denied` (Intercom does not document its answer).
 * - Token: `POST /auth/eagle/token` with `code`, `client_id` and
 *   `client_secret`; a code lasts about 5 minutes. The answer is
 *   `{ token, access_token, token_type: "Bearer" }`, the token twice, with
 *   no expiry and no refresh token (Intercom's authorization FAQ,
 *   https://intercom-developer-hub.readme.io/docs/authorization-faq, and its
 *   engineering support's answer, https://community.intercom.com/apps-integrations-25/clarification-needed-on-intercom-oauth-access-token-and-refresh-token-for-multitenant-apps-11092).
 *   Refusals are RFC 6749 §5.2's `{ error, error_description }` here, which
 *   Intercom does not document.
 * - `GET /me` (https://developers.intercom.com/intercom-api-reference/reference/identifyadmin)
 *   answers the admin: `type: "admin"`, `id`, `name`, `email`,
 *   `email_verified`, `app` (`id_code`, `name`, `region`, …), `avatar`,
 *   `has_inbox_seat`, `team_ids`. `GET /admins` lists the workspace's admins
 *   (`type: "admin.list"`). Both take the token as Bearer and the
 *   `Intercom-Version` header (https://developers.intercom.com/docs/build-an-integration/learn-more/rest-apis/update-your-api-version):
 *   without one, the app's own version (2.14 here); a version Intercom does
 *   not know is a 400 `intercom_version_invalid` (the code is not
 *   documented). A token it does not take is 401 `{ type: "error.list",
 *   request_id, errors: [{ code: "unauthorized", message: "Access Token
 *   Invalid" }] }` (https://developers.intercom.com/docs/references/2.7/rest-api/api.intercom.io/models/error).
 * - `POST /auth/uninstall` with the token as Bearer uninstalls the app from
 *   the token's workspace: every token of that workspace stops working
 *   (https://developers.intercom.com/docs/build-an-integration/learn-more/authentication/installing-uninstalling-apps#revoking-access;
 *   its 200 `{}` answer is not documented).
 * The authorization page approves at once for signInAs()'s user.
 */
import { randomUUID } from 'node:crypto';
import { redirectBack } from './kit/authorization.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';

export interface IntercomUser {
  /** The admin's id, a string of digits. */
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
  /** The workspace (app) the admin installs the app on. */
  workspace: { idCode: string; name: string; region: 'US' | 'EU' | 'AU' };
}

export interface IntercomEmulator extends EmulatorHandle<IntercomUser> {
  /** The next /me request fails with this HTTP status. */
  failNextMe(status: number): void;
}

const APP_VERSION = '2.14';
const VERSIONS = ['1.0', '1.1', '1.2', '1.3', '1.4', '2.0', '2.1', '2.2', '2.3', '2.4', '2.5', '2.6', '2.7', '2.8', '2.9', '2.10', '2.11', '2.12', '2.13', '2.14', 'Unstable'];

function errorList(status: number, code: string, message: string): EmulatorReply {
  return json(status, { type: 'error.list', request_id: randomUUID(), errors: [{ code, message }] });
}

export async function startIntercomEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<IntercomEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<IntercomUser>({ accessTokenTtl: null, refreshPolicy: 'none', codeTtl: 300, prefixes: { access: 'dG9rO' } });
  const controls = emulatorControls<IntercomUser>(server, grants);
  const meFailure = queuedFailure();

  server.route('GET', '/oauth', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || (query.has('redirect_uri') && query.get('redirect_uri') !== options.redirectUri)) {
      return html(400, '<h1>This app could not be installed</h1>');
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode({ clientId: options.clientId, redirectUri: undefined, scope: '', codeChallenge: undefined, codeChallengeMethod: undefined, user }) });
  });

  server.route('POST', '/auth/eagle/token', (request) => {
    server.count('token_request');
    const status = controls.tokenFailure();
    if (status !== undefined) return html(status, '<h1>We’re sorry, but something went wrong.</h1>');
    const form = request.form();
    if (!credentialsIn(form, options)) {
      return json(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    server.count('authorization_code');
    const redeemed = grants.redeemCode(form.get('code') ?? '', { clientId: options.clientId, redirectUri: null, codeVerifier: null });
    if (!redeemed.ok) return json(400, { error: 'invalid_grant', error_description: 'The authorization code is invalid or has expired' });
    const token = redeemed.tokens.accessToken;
    return json(200, { token, access_token: token, token_type: 'Bearer' });
  });

  /** The grant of the request's Bearer token at the version it asks for; a reply otherwise. */
  const apiGrant = (request: EmulatorRequest): Grant<IntercomUser> | EmulatorReply => {
    const version = request.headers['intercom-version'];
    if (version !== undefined && (typeof version !== 'string' || !VERSIONS.includes(version))) return errorList(400, 'intercom_version_invalid', 'Requested Intercom Version is invalid');
    return grants.grantOfAccessToken(request.bearer() ?? '') ?? errorList(401, 'unauthorized', 'Access Token Invalid');
  };
  const versionHeader = (request: EmulatorRequest) => ({ 'intercom-version': (request.headers['intercom-version'] as string | undefined) ?? APP_VERSION });
  const adminJson = (user: IntercomUser) => ({
    type: 'admin',
    id: user.id,
    name: user.name,
    email: user.email,
    email_verified: user.emailVerified,
    job_title: 'Support Lead',
    away_mode_enabled: false,
    away_mode_reassign: false,
    has_inbox_seat: true,
    team_ids: [814_865],
    avatar: { type: 'avatar', image_url: 'https://static.intercomassets.com/assets/default-avatars/admins/128.png' },
  });

  server.route('GET', '/me', (request) => {
    server.count('me');
    const status = meFailure.take();
    if (status !== undefined) return html(status, '<h1>We’re sorry, but something went wrong.</h1>');
    const grant = apiGrant(request);
    if (!('user' in grant)) return grant;
    const { workspace } = grant.user;
    const app = { type: 'app', id_code: workspace.idCode, name: workspace.name, created_at: 1_719_492_696, secure: false, identity_verification: false, timezone: 'Europe/Dublin', region: workspace.region };
    return json(200, { ...adminJson(grant.user), app }, versionHeader(request));
  });

  server.route('GET', '/admins', (request) => {
    server.count('admins');
    const grant = apiGrant(request);
    if (!('user' in grant)) return grant;
    const teammates = grants.allGrants().filter((other) => other.user.workspace.idCode === grant.user.workspace.idCode).map((other) => other.user);
    const admins = [...new Map(teammates.map((user) => [user.id, adminJson(user)])).values()];
    return json(200, { type: 'admin.list', admins }, versionHeader(request));
  });

  server.route('POST', '/auth/uninstall', (request) => {
    server.count('uninstall');
    const grant = apiGrant(request);
    if (!('user' in grant)) return grant;
    grants.revokeGrantsOf((someone) => someone.workspace.idCode === grant.user.workspace.idCode);
    return json(200, {});
  });

  return {
    ...controls.handle,
    failNextMe: meFailure.queue,
  };
}
