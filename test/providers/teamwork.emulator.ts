/**
 * An emulator of Teamwork.com's App Login Flow (www.teamwork.com/launchpad/login, /launchpad/v1/token.json) and of
 * the part of a site's API a connection touches, written from Teamwork's pages
 * (https://apidocs.teamwork.com/guides/teamwork/app-login-flow,
 * https://apidocs.teamwork.com/guides/teamwork/getting-started-with-the-teamwork-com-api,
 * https://apidocs.teamwork.com/docs/teamwork/v3/people):
 * - Login: `GET /launchpad/login` with the app's `client_id` and `redirect_uri` and a `state`; the person signs in
 *   and is sent back with a `code` (lasting 15 minutes) and the state. No scope, no PKCE; `response_type` is not read.
 * - Token: `POST /launchpad/v1/token.json` with `code`, `client_id`, `client_secret` and `redirect_uri`, read from a
 *   JSON body; the answer names the token and the person's site (`installation`, with its `apiEndPoint`) and user.
 * - The site's API (this same server, as the site's `apiEndPoint`) takes the token as Bearer:
 *   `GET /projects/api/v3/me.json` is `{ person }` (`id`, `installationId`, names, `email`, `avatarUrl`…),
 *   `GET /projects/api/v3/projects.json` the person's projects.
 * Made up here (Teamwork's pages do not say): the token answer's members past `access_token` (`installation`,
 * `user`, `status`; no `token_type`, `expires_in` or `refresh_token`, as integrations read it; the token never
 * expires); refusals as RFC 6749 §5.2's bare `error`; a declined login (`access_denied`) and the pages for an unknown
 * client or redirect URI; the 401 body of the API. removeApp() is the person removing the app's access in Teamwork.
 * The login page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, tokenEndpoint } from './kit/token-endpoint.js';

export interface TeamworkUser {
  /** The person's id in the site. */
  id: number;
  /** The site's installation id. */
  installationId: number;
  firstName: string;
  lastName: string;
  email: string;
}

export interface TeamworkEmulator extends EmulatorHandle<TeamworkUser> {
  /** The person removes the app's access in Teamwork: every token of theirs stops working. */
  removeApp(user: TeamworkUser): void;
  /** The next me.json request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The `apiEndPoint` the next token answers name (default: this server, with a trailing slash). */
  setApiEndPoint(endpoint: string): void;
  /** The JSON body of each token request, in order. */
  readonly tokenBodies: ReadonlyArray<unknown>;
}

const unauthorized = () => json(401, { errors: [{ title: 'Unauthorized', detail: 'invalid or expired token' }] });

export async function startTeamworkEmulator(options: EmulatorOptions): Promise<TeamworkEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<TeamworkUser>({ accessTokenTtl: null, refreshPolicy: 'none', codeTtl: 15 * 60 });
  const controls = emulatorControls<TeamworkUser>(server, grants);
  const profileFailure = queuedFailure();
  const tokenBodies: unknown[] = [];
  let apiEndPoint = `${server.origin}/`;

  authorizationEndpoint(server, '/launchpad/login', {
    client: options,
    grants,
    approver: controls.approver,
    responseType: false,
    pkce: false,
  });

  tokenEndpoint(server, '/launchpad/v1/token.json', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    screen: (request) => {
      tokenBodies.push(request.json());
      return undefined;
    },
    // The body is JSON; a form is not read.
    parameters: (request) => (request.headers['content-type']?.includes('application/json') ? jsonOrForm(request) : new URLSearchParams()),
    authenticates: (request) => request.headers['content-type']?.includes('application/json') === true && credentialsIn(jsonOrForm(request), options),
    pkce: false,
    answer: ({ grant, tokens }) => {
      const { user } = grant;
      return json(200, {
        access_token: tokens.accessToken,
        installation: { id: user.installationId, name: `${user.lastName} Inc.`, region: 'US', url: apiEndPoint, apiEndPoint, chatEnabled: false, company: { id: 1, name: `${user.lastName} Inc.` } },
        status: 'ok',
        user: { id: user.id, firstName: user.firstName, lastName: user.lastName, email: user.email, avatar: '' },
      });
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/projects/api/v3/me.json', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { errors: [{ title: 'Internal Server Error' }] });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      person: {
        administrator: false,
        avatarUrl: `https://s3.amazonaws.com/TWFiles/${user.installationId}/userAvatar/${user.id}.png`,
        companyId: 1,
        deleted: false,
        email: user.email,
        firstName: user.firstName,
        id: user.id,
        installationId: user.installationId,
        isAdmin: false,
        isClientUser: false,
        isServiceAccount: false,
        lastName: user.lastName,
        type: 'account',
      },
    });
  });

  server.route('GET', '/projects/api/v3/projects.json', (request) => {
    server.count('projects');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { projects: [{ id: 400123, name: `${grant.user.firstName}'s launch`, status: 'active' }], meta: { page: { pageOffset: 0, pageSize: 50, count: 1, hasMore: false } } });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id && someone.installationId === user.installationId),
    failNextProfile: profileFailure.queue,
    setApiEndPoint: (endpoint) => {
      apiEndPoint = endpoint;
    },
    tokenBodies,
  };
}
