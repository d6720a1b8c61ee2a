/**
 * An emulator of an ownCloud server's OAuth2 app and of the parts of its OCS
 * and WebDAV APIs a connection touches, written from the app's documentation
 * (https://github.com/owncloud/oauth2,
 * https://doc.owncloud.org/server/admin_manual/configuration/server/security/oauth2.html)
 * and its behaviour as its source has it:
 * - Authorize: `GET /index.php/apps/oauth2/authorize` with `response_type=code`,
 *   `client_id`, the registered `redirect_uri` and `state`; an unknown client
 *   or another redirect URI gets an error page; no scopes, no PKCE. The
 *   person approves at once here (signInAs()'s user); a code lasts 10 minutes.
 * - Token: `POST /index.php/apps/oauth2/api/v1/token`, the client as HTTP
 *   Basic only: a request without Basic is a 400 `invalid_request`, a wrong
 *   client a 400 `invalid_client`; the code exchange needs `redirect_uri`
 *   (400 `invalid_request` without it). A code or refresh token it does not
 *   take is a 400 `invalid_grant` with a description. The answer is
 *   `access_token`, `token_type: "Bearer"`, `expires_in` 3600,
 *   `refresh_token`, `user_id` and `message_url`. A refresh answers a new pair
 *   and ends both the spent refresh token and its access token.
 * - OCS: `GET /ocs/v1.php/cloud/user?format=json` answers the person in
 *   `{ ocs: { meta, data: { id, display-name, email } } }` (statuscode 100), a
 *   token it does not take a 401 with OCS status 997.
 * - WebDAV: `GET /remote.php/dav/files/{user}/{file}` answers the file; a token
 *   it does not take is a 401.
 * There is no revocation endpoint: revokeApp() is the person revoking the
 * client in ownCloud, which ends its tokens.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface OwnCloudUser {
  /** The user id, set when the account is made. */
  id: string;
  displayName: string;
  email: string | null;
}

export interface OwnCloudEmulator extends EmulatorHandle<OwnCloudUser> {
  /** The person revokes the client in ownCloud: its tokens stop working. */
  revokeApp(user: OwnCloudUser): void;
  /** The next /ocs/v1.php/cloud/user request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

const ocs = (status: number, meta: { status: 'ok' | 'failure'; statuscode: number; message: string }, data: unknown): EmulatorReply => json(status, { ocs: { meta, data } });
const UNAUTHORISED = () => ocs(401, { status: 'failure', statuscode: 997, message: 'Unauthorised' }, []);
const NOT_AUTHENTICATED: EmulatorReply = { status: 401, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: '<?xml version="1.0" encoding="utf-8"?><d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns"><s:exception>Sabre\\DAV\\Exception\\NotAuthenticated</s:exception></d:error>' };

export async function startOwnCloudEmulator(options: EmulatorOptions): Promise<OwnCloudEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<OwnCloudUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: 3600, refreshPolicy: 'rotating', refreshTokenTtl: null, codeTtl: 600 });
  const controls = emulatorControls<OwnCloudUser>(server, grants);
  const profileFailure = queuedFailure();
  /** The access token each grant holds now: a refresh deletes the one its refresh token came with. */
  const currentAccess = new Map<string, string>();

  authorizationEndpoint(server, '/index.php/apps/oauth2/authorize', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/index.php/apps/oauth2/api/v1/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    // Basic only: without it the request is refused before the client is looked up.
    authenticates: (request) => (request.basicAuth() ? basicAsSent(request, options) : oauthError(400, 'invalid_request')),
    refuseCode: (form) => (form.get('code') && form.get('redirect_uri') ? undefined : oauthError(400, 'invalid_request')),
    errors: {
      client: () => oauthError(400, 'invalid_client'),
      grantType: () => oauthError(400, 'invalid_grant', 'unhandled grant type'),
      code: () => oauthError(400, 'invalid_grant', 'authorization code does not exist'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'refresh token does not exist'),
    },
    answer: ({ grant, tokens }) => {
      const previous = currentAccess.get(grant.id);
      if (previous) grants.revokeAccessToken(previous);
      currentAccess.set(grant.id, tokens.accessToken);
      return json(200, { access_token: tokens.accessToken, token_type: 'Bearer', expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken, user_id: grant.user.id, message_url: `${server.origin}/index.php/apps/oauth2/authorization-successful` });
    },
  });

  server.route('GET', '/ocs/v1.php/cloud/user', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return html(status, '<h1>Internal Server Error</h1>');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return UNAUTHORISED();
    const { user } = grant;
    return ocs(200, { status: 'ok', statuscode: 100, message: 'OK' }, { id: user.id, 'display-name': user.displayName, email: user.email });
  });

  server.route('GET', '/remote.php/dav/files/:user/:file', (request): EmulatorReply => {
    server.count('webdav');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return NOT_AUTHENTICATED;
    if (request.params.user !== grant.user.id || request.params.file !== 'Readme.md') return { status: 404, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: '<d:error xmlns:d="DAV:"/>' };
    return { status: 200, headers: { 'content-type': 'text/markdown; charset=utf-8' }, body: `# Welcome to ownCloud, ${grant.user.displayName}\n` };
  });

  return {
    ...controls.handle,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
  };
}
