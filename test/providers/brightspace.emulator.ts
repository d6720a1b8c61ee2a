/**
 * An emulator of D2L's authentication service and of one Brightspace instance's API, written from D2L's pages
 * (https://docs.valence.desire2learn.com/basic/oauth2.html, https://docs.valence.desire2learn.com/res/user.html,
 * https://community.d2l.com/brightspace/kb/articles/1196-how-to-obtain-an-oauth-2-0-refresh-token):
 * - the authentication service (one host for every instance): `GET /oauth2/auth` with the registered app's
 *   `client_id` and redirect URI, `response_type=code`, `scope` (each `<group>:<resource>:<action>`, among those the
 *   app registered) and `state`; a person who declines is sent back with `access_denied`. `POST /core/connect/token`
 *   with the client as HTTP Basic, answering `access_token`, `token_type`, `expires_in` (3600), `refresh_token` and
 *   `scope`; refresh tokens are one-time, each refresh answering a new one and the old one then refused;
 * - the instance (its own host): `GET /d2l/api/lp/1.0/users/whoami` answers `Identifier`, `FirstName`, `LastName`,
 *   `UniqueName`, `ProfileIdentifier` and `Pronouns`; `GET /d2l/api/lp/1.0/enrollments/myenrollments/` the person's
 *   enrollments (an `Items` page), the token as Bearer.
 * Made up here: the authentication service's error pages and its refusals (RFC 6749 §5.2's bare errors), the API's
 * answer to a token it does not take (401), and the enrollments' members beyond the org unit's id and name.
 * The authorization page approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface BrightspaceUser {
  /** The user's D2LID in the instance. */
  identifier: string;
  firstName: string;
  lastName: string;
  uniqueName: string;
  /** Names of the org units (courses) the person is enrolled in. */
  courses: string[];
}

export interface BrightspaceEmulator extends EmulatorHandle<BrightspaceUser> {
  /** The instance's API host, apart from the authentication service (`origin`). */
  readonly instance: EmulatorServer;
  /** The instance's origin. */
  readonly instanceOrigin: string;
  /** An administrator revokes the app's access for the person: their tokens, refresh tokens included, stop working. */
  revokeAccessOf(user: BrightspaceUser): void;
}

const ACCESS_TOKEN_TTL = 3600;

export async function startBrightspaceEmulator(options: EmulatorOptions & { registeredScopes: string[] }): Promise<BrightspaceEmulator> {
  const server = await startEmulatorServer();
  const instance = await startEmulatorServer();
  const grants = new GrantStore<BrightspaceUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<BrightspaceUser>(server, grants);

  server.route('GET', '/oauth2/auth', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>The client application is not known or is not authorized.</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>The redirect URI in the request did not match a registered redirect URI.</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const scopes = requestedScopes(query);
    if (scopes.length === 0 || scopes.some((scope) => !options.registeredScopes.includes(scope))) return reply({ error: 'invalid_scope' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  tokenEndpoint(server, '/core/connect/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options),
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, expires_in: tokens.expiresIn, token_type: 'Bearer', refresh_token: tokens.refreshToken, scope: grant.scope }),
  });

  const caller = (request: Parameters<typeof bearerGrant>[1]) => bearerGrant(grants, request, () => ({ status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } }));

  instance.route('GET', '/d2l/api/lp/1.0/users/whoami', (request) => {
    instance.count('whoami');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { Identifier: user.identifier, FirstName: user.firstName, LastName: user.lastName, UniqueName: user.uniqueName, ProfileIdentifier: `p${user.identifier}x`, Pronouns: null });
  });

  instance.route('GET', '/d2l/api/lp/1.0/enrollments/myenrollments/', (request) => {
    instance.count('myenrollments');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const items = grant.user.courses.map((name, index) => ({ OrgUnit: { Id: 6600 + index, Type: { Id: 3, Code: 'Course Offering', Name: 'Course Offering' }, Name: name, Code: null }, Access: { IsActive: true, CanAccess: true } }));
    return json(200, { PagingInfo: { Bookmark: null, HasMoreItems: false }, Items: items });
  });

  return {
    ...controls.handle,
    close: async () => {
      await instance.close();
      await server.close();
    },
    instance,
    instanceOrigin: instance.origin,
    revokeAccessOf: (user) => grants.revokeGrantsOf((someone) => someone.identifier === user.identifier),
  };
}
