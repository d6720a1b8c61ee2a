/**
 * An emulator of OpenStreetMap's OAuth 2.0 server and the part of its API
 * v0.6 a connection touches (www.openstreetmap.org and api.openstreetmap.org
 * are both its origin), written from OpenStreetMap's wiki:
 * - Authorize: `GET /oauth2/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (the application's, else an error page),
 *   `state`, `scope` (space-separated, each one of the application's
 *   permissions, else `invalid_scope`) and PKCE when sent
 *   (https://wiki.openstreetmap.org/wiki/OAuth). A person who declines comes
 *   back with `access_denied`.
 * - Token: `POST /oauth2/token`, a form, the client as Basic or in the form,
 *   the code good once, its PKCE verifier checked. The answer is
 *   `{ access_token, token_type: "Bearer", scope, created_at }`: no
 *   `expires_in` and no refresh token, since the tokens "do not expire
 *   automatically" (the same page); a refresh_token grant is
 *   `unsupported_grant_type`. Refusals are RFC 6749 §5.2 JSON with a Bearer
 *   challenge, as the Doorkeeper server behind it sends them (not on the wiki).
 * - Revoke: `POST /oauth2/revoke` (RFC 7009, the server's Doorkeeper route,
 *   not on the wiki) with the client and `token`: 200 `{}`, again for a token
 *   already revoked; a token of another client, or a client that does not
 *   authenticate, 403 `unauthorized_client`.
 * - `GET /api/0.6/user/details.json`, the logged-in user's details, and
 *   `GET /api/0.6/user/preferences.json`, the user's preferences, both with
 *   `read_prefs` (https://wiki.openstreetmap.org/wiki/API_v0.6). A token the
 *   API does not take is 401, one without the permission 403; the plain-text
 *   bodies are not on the wiki.
 * revokeApplication() is the person revoking the application under "My
 * Settings", "OAuth 2 authorizations". The authorization page approves at
 * once for the user set with signInAs().
 */
import { requestedScopes } from './kit/authorization.js';
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface OpenStreetMapUser {
  /** The account's number. */
  id: number;
  displayName: string;
}

export interface OpenStreetMapEmulatorOptions extends Omit<EmulatorOptions, 'now'> {
  /** The permissions the application was registered with (default: read_prefs write_api). */
  permissions?: string[];
}

export interface OpenStreetMapEmulator extends EmulatorHandle<OpenStreetMapUser> {
  /** The person revokes the application under "OAuth 2 authorizations": its tokens stop working. */
  revokeApplication(user: OpenStreetMapUser): void;
  /** The next user/details request fails with this HTTP status. */
  failNextDetails(status: number): void;
  /** The form of each revocation, as it came. */
  readonly revocationForms: URLSearchParams[];
}

/** A refusal as the Doorkeeper server answers it: the JSON body, and the same error in a Bearer challenge. */
function refusal(status: number, error: Parameters<typeof describedError>[0]): EmulatorReply {
  const body = describedError(error);
  return json(status, body, { 'www-authenticate': `Bearer realm="Doorkeeper", error="${body.error}", error_description="${body.error_description}"` });
}

const text = (status: number, body: string): EmulatorReply => ({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body });

export async function startOpenStreetMapEmulator(options: OpenStreetMapEmulatorOptions): Promise<OpenStreetMapEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<OpenStreetMapUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<OpenStreetMapUser>(server, grants);
  const permissions = new Set(options.permissions ?? ['read_prefs', 'write_api']);
  const detailsFailure = queuedFailure();
  const revocationForms: URLSearchParams[] = [];
  const now = () => Math.floor(Date.now() / 1000);

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'The client is not authorized to perform this request using this method.',
    refuse: (query) => (requestedScopes(query).every((scope) => permissions.has(scope)) ? undefined : describedError('invalid_scope')),
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => authenticatesAs(request, options),
    errors: {
      client: () => refusal(401, 'invalid_client'),
      grantType: () => refusal(400, 'unsupported_grant_type'),
      // No refresh tokens are issued: a refresh_token grant is one the server does not serve.
      refreshToken: () => refusal(400, 'unsupported_grant_type'),
      code: () => refusal(400, 'invalid_grant'),
    },
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'Bearer', scope: grant.scope, created_at: now() }, { 'cache-control': 'no-store', pragma: 'no-cache' }),
  });

  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocationForms.push(form);
    const notYours = () => json(403, { error: 'unauthorized_client', error_description: 'You are not authorized to revoke this token' });
    if (!authenticatesAs(request, options) || !form.get('token')) return notYours();
    const grant = grants.grantOfToken(form.get('token')!);
    if (grant && grant.clientId !== options.clientId) return notYours();
    if (grant) grants.revokeGrant(grant.id);
    return json(200, {});
  });

  /** The grant of the request's Bearer token if it was given `read_prefs`, else the API's refusal. */
  const reader = (request: EmulatorRequest): Grant<OpenStreetMapUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return text(401, "Couldn't authenticate you");
    if (!grant.scope.split(' ').includes('read_prefs')) return text(403, 'The OAuth token does not have the permission to do this.');
    return grant;
  };
  const envelope = { version: '0.6', generator: 'OpenStreetMap server', copyright: 'OpenStreetMap and contributors', attribution: 'http://www.openstreetmap.org/copyright', license: 'http://opendatacommons.org/licenses/odbl/1-0/' };

  server.route('GET', '/api/0.6/user/details.json', (request) => {
    server.count('details');
    const status = detailsFailure.take();
    if (status !== undefined) return html(status, '<h1>Internal Server Error</h1>');
    const found = reader(request);
    if ('status' in found) return found;
    const { id, displayName } = found.user;
    return json(200, {
      ...envelope,
      user: {
        id,
        display_name: displayName,
        account_created: '2019-04-22T12:01:23Z',
        description: '',
        contributor_terms: { agreed: true, pd: false },
        img: { href: `https://www.openstreetmap.org/rails/active_storage/representations/redirect/${id}/avatar.png` },
        roles: [],
        changesets: { count: 3 },
        traces: { count: 0 },
        blocks: { received: { count: 0, active: 0 } },
        home: { lat: 50.805491, lon: 16.260287, zoom: 3 },
        languages: ['en-GB', 'en'],
        messages: { received: { count: 0, unread: 0 }, sent: { count: 0 } },
      },
    });
  });

  server.route('GET', '/api/0.6/user/preferences.json', (request) => {
    server.count('preferences');
    const found = reader(request);
    if ('status' in found) return found;
    return json(200, { ...envelope, preferences: { 'gps.trace.visibility': 'identifiable', editor: 'id' } });
  });

  return {
    ...controls.handle,
    revokeApplication: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextDetails: detailsFailure.queue,
    revocationForms,
  };
}
