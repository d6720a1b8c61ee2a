/**
 * An emulator of a Nextcloud server's OAuth2 app, and of the parts of its OCS
 * and WebDAV APIs a connection touches, written from Nextcloud's
 * documentation (https://docs.nextcloud.com/server/latest/admin_manual/configuration_server/oauth2.html,
 * https://docs.nextcloud.com/server/latest/developer_manual/client_apis/OCS/ocs-api-overview.html,
 * https://docs.nextcloud.com/server/latest/developer_manual/client_apis/LoginFlow/index.html)
 * and its OAuth2 app's behaviour as its source has it:
 * - Authorize: `GET /index.php/apps/oauth2/authorize` with `client_id`,
 *   `state` and `response_type=code` (another type goes back with
 *   `unsupported_response_type`, an unknown client gets an error page). The
 *   person signs in and grants access (at once here, as signInAs()'s person)
 *   and goes back to the client's registered redirect URI with `state` and
 *   the code. No scopes; no refusal goes back to the client.
 * - Token: `POST /index.php/apps/oauth2/api/v1/token`, the client in the
 *   form or as Basic. A code is good once, for 10 minutes; `redirect_uri` and
 *   `code_verifier` are not read. The answer is `access_token` (an app
 *   password, ending after 3600 seconds), `token_type: "Bearer"`,
 *   `expires_in`, `refresh_token` and `user_id`. A refresh answers a new pair
 *   and ends the old access and refresh tokens. Refusals are a bare
 *   `{ error }`, HTTP 400: `invalid_client`, `invalid_grant` for a grant type
 *   other than the two, `invalid_request` for a code or refresh token it does
 *   not take (unknown, used, expired, its app password revoked).
 * - OCS under /ocs/v2.php needs `OCS-APIRequest: true` (a 412 without it);
 *   `GET /ocs/v2.php/cloud/user?format=json` answers the person in
 *   `{ ocs: { meta, data: { id, displayname, display-name, email, … } } }`,
 *   a token it does not take a 401 with OCS status 997.
 *   `DELETE /ocs/v2.php/core/apppassword` ends the app password it is sent
 *   with, and so the grant.
 * - WebDAV under /remote.php/dav: `GET /remote.php/dav/files/{user}/{path}`
 *   answers the file; `PROPFIND /remote.php/dav/files/{user}/` with
 *   `Depth: 0` or `1` lists the folder (207 Multi-Status, RFC 4918 §9.1),
 *   `MKCOL` makes a folder in it (201, 405 when it exists, §9.3); a token it
 *   does not take is a 401.
 * - revokeApp() is the person revoking the client under Personal settings,
 *   Security: its app password is deleted, and its tokens stop working.
 */
import { isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, redirect, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface NextcloudUser {
  /** The user id, which never changes. */
  id: string;
  displayName: string;
  email: string | null;
}

export interface NextcloudEmulator extends EmulatorHandle<NextcloudUser> {
  /** The person revokes the client under Personal settings, Security: its app password is deleted. */
  revokeApp(user: NextcloudUser): void;
  /** How many grants of this client the person still has. */
  liveGrants(user: NextcloudUser): number;
}

const ocs = (status: number, meta: { status: 'ok' | 'failure'; statuscode: number; message: string }, data: unknown): EmulatorReply => json(status, { ocs: { meta, data } });
const NOT_LOGGED_IN = () => ocs(401, { status: 'failure', statuscode: 997, message: 'Current user is not logged in' }, []);

export async function startNextcloudEmulator(options: EmulatorOptions): Promise<NextcloudEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<NextcloudUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: 3600, refreshPolicy: 'rotating', refreshTokenTtl: null, codeTtl: 600 });
  const controls = emulatorControls<NextcloudUser>(server, grants);
  /** The access token each grant holds now: a refresh rotates the app password, ending the previous one. */
  const currentAccess = new Map<string, string>();

  server.route('GET', '/index.php/apps/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(200, '<p>Your client is not authorized to connect. Please inform the administrator of your client.</p>');
    const state = query.get('state') ?? '';
    if (query.get('response_type') !== 'code') return redirect(`${options.redirectUri}?error=unsupported_response_type&state=${state}`);
    const user = controls.approver();
    if (!user) return html(200, '<form action="/index.php/login" method="post"><h1>Log in to Nextcloud</h1></form>');
    // No scopes, and the redirect URI sent is not read: the registered one is where the code goes.
    const code = grants.issueCode({ clientId: options.clientId, redirectUri: undefined, scope: '', codeChallenge: undefined, codeChallengeMethod: undefined, user });
    const back = new URL(options.redirectUri);
    back.searchParams.set('state', state);
    back.searchParams.set('code', code);
    return redirect(back);
  });

  tokenEndpoint(server, '/index.php/apps/oauth2/api/v1/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<!DOCTYPE html><html><body><h2>Internal Server Error</h2></body></html>') },
    errors: {
      client: () => oauthError(400, 'invalid_client'),
      grantType: () => oauthError(400, 'invalid_grant'),
      refreshToken: () => oauthError(400, 'invalid_request'),
      code: () => oauthError(400, 'invalid_request'),
    },
    answer: ({ grant, tokens }) => {
      const previous = currentAccess.get(grant.id);
      if (previous) grants.revokeAccessToken(previous);
      currentAccess.set(grant.id, tokens.accessToken);
      return json(200, { access_token: tokens.accessToken, token_type: 'Bearer', expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken, user_id: grant.user.id });
    },
  });

  const grantOf = (request: EmulatorRequest): Grant<NextcloudUser> | undefined => grants.grantOfAccessToken(request.bearer() ?? '');
  /** OCS needs its header, then a token it takes. */
  const ocsGrant = (request: EmulatorRequest): Grant<NextcloudUser> | EmulatorReply => {
    if (request.headers['ocs-apirequest'] !== 'true') return json(412, { message: 'CSRF check failed' });
    return grantOf(request) ?? NOT_LOGGED_IN();
  };

  server.route('GET', '/ocs/v2.php/cloud/user', (request) => {
    server.count('ocs_user');
    const grant = ocsGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return ocs(200, { status: 'ok', statuscode: 200, message: 'OK' }, {
      enabled: true,
      id: user.id,
      lastLogin: Date.now(),
      backend: 'Database',
      quota: { free: 1_000_000, used: 0, total: 1_000_000, relative: 0, quota: -3 },
      email: user.email,
      additional_mail: [],
      displayname: user.displayName,
      'display-name': user.displayName,
      phone: '',
      groups: [],
      language: 'en',
      locale: '',
    });
  });

  server.route('GET', '/ocs/v2.php/cloud/capabilities', (request) => {
    server.count('ocs_capabilities');
    const grant = ocsGrant(request);
    if (!isGrant(grant)) return grant;
    return ocs(200, { status: 'ok', statuscode: 200, message: 'OK' }, { version: { major: 31, minor: 0, micro: 2, string: '31.0.2', edition: '' }, capabilities: { core: { 'webdav-root': 'remote.php/webdav' } } });
  });

  server.route('DELETE', '/ocs/v2.php/core/apppassword', (request) => {
    server.count('apppassword_delete');
    const grant = ocsGrant(request);
    if (!isGrant(grant)) return grant;
    grants.revokeGrant(grant.id);
    return ocs(200, { status: 'ok', statuscode: 200, message: 'OK' }, []);
  });

  server.route('GET', '/remote.php/dav/files/:user/:file', (request): EmulatorReply => {
    server.count('webdav');
    const grant = grantOf(request);
    if (!grant) return { status: 401, headers: { 'content-type': 'application/xml; charset=utf-8', 'www-authenticate': 'Basic realm="Nextcloud", charset="UTF-8"' }, body: '<?xml version="1.0" encoding="utf-8"?><d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns"><s:exception>Sabre\\DAV\\Exception\\NotAuthenticated</s:exception></d:error>' };
    if (request.params.user !== grant.user.id || request.params.file !== 'Readme.md') return { status: 404, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: '<d:error xmlns:d="DAV:"/>' };
    return { status: 200, headers: { 'content-type': 'text/markdown; charset=utf-8' }, body: `# Welcome to Nextcloud, ${grant.user.displayName}\n` };
  });

  const folders = new Map<string, Set<string>>();
  const unauthenticated: EmulatorReply = { status: 401, headers: { 'content-type': 'application/xml; charset=utf-8', 'www-authenticate': 'Basic realm="Nextcloud", charset="UTF-8"' }, body: '<?xml version="1.0" encoding="utf-8"?><d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns"><s:exception>Sabre\\DAV\\Exception\\NotAuthenticated</s:exception></d:error>' };
  server.route('PROPFIND', '/remote.php/dav/files/:user/', (request): EmulatorReply => {
    server.count('propfind');
    const grant = grantOf(request);
    if (!grant) return unauthenticated;
    if (request.params.user !== grant.user.id) return { status: 404, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: '<d:error xmlns:d="DAV:"/>' };
    // A body, when there is one, is the propfind element (RFC 4918 §14.20); none asks for every property.
    if (request.body.length > 0) {
      if (!/<(\w+:)?propfind[\s>]/.test(request.body.toString('utf8'))) return { status: 400, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: '<d:error xmlns:d="DAV:"/>' };
      server.count('propfind_body');
    }
    const depth = request.headers.depth;
    if (depth !== '0' && depth !== '1') return { status: 400, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: '<d:error xmlns:d="DAV:"><s:message xmlns:s="http://sabredav.org/ns">Depth must be 0 or 1</s:message></d:error>' };
    const root = `/remote.php/dav/files/${grant.user.id}/`;
    const entries = depth === '0' ? [root] : [root, `${root}Readme.md`, ...[...(folders.get(grant.user.id) ?? [])].map((name) => `${root}${name}/`)];
    const responses = entries.map((href) => `<d:response><d:href>${href}</d:href><d:propstat><d:prop>${href.endsWith('/') ? '<d:resourcetype><d:collection/></d:resourcetype>' : '<d:resourcetype/>'}</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`);
    return { status: 207, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: `<?xml version="1.0"?><d:multistatus xmlns:d="DAV:">${responses.join('')}</d:multistatus>` };
  });
  server.route('MKCOL', '/remote.php/dav/files/:user/:folder', (request): EmulatorReply => {
    server.count('mkcol');
    const grant = grantOf(request);
    if (!grant) return unauthenticated;
    if (request.params.user !== grant.user.id) return { status: 404, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: '<d:error xmlns:d="DAV:"/>' };
    const made = folders.get(grant.user.id) ?? new Set<string>();
    if (made.has(request.params.folder!)) return { status: 405, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: '<d:error xmlns:d="DAV:"><s:message xmlns:s="http://sabredav.org/ns">The resource you tried to create already exists</s:message></d:error>' };
    folders.set(grant.user.id, made.add(request.params.folder!));
    return { status: 201, headers: {}, body: '' };
  });

  return {
    ...controls.handle,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    liveGrants: (user) => grants.liveGrants(options.clientId).filter((grant) => grant.user.id === user.id).length,
  };
}
