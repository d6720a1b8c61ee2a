/**
 * An emulator of Help Scout's OAuth (secure.helpscout.net's authorization
 * page, api.helpscout.net/v2/oauth2/token) and of the part of the Inbox API
 * 2.0 (api.helpscout.net/v2) a connection touches, written from Help Scout's
 * documentation (https://developer.helpscout.com/mailbox-api/overview/authentication/,
 * https://developer.helpscout.com/llms.txt):
 * - Authorize: `GET /authentication/authorizeClientApplication` with
 *   `client_id` and `state`; no scopes. Help Scout redirects to the app's
 *   Redirection URL with `code` and `state` (a `redirect_uri` naming
 *   another is refused on Help Scout's page here); a person who declines
 *   goes back with `error=access_denied` (not shown by Help Scout).
 * - Token: `POST /v2/oauth2/token`, the client and grant in a form or JSON
 *   body (both taken). The answer is `token_type: "bearer"`,
 *   `access_token`, `expires_in` (172800) and `refresh_token`; each refresh
 *   answers a refresh token too (a new one here; whether the spent one
 *   still works is not shown by Help Scout, so it is taken here). Refusals
 *   are RFC 6749 §5.2's `{ error }` here (not shown by Help Scout).
 * - API: `GET /v2/users/me` answers `{ id, firstName, lastName, email, … }`;
 *   `GET /v2/mailboxes` the account's inboxes in HAL `_embedded`. A token it
 *   does not take is a 401 (its body not shown by Help Scout).
 * - removeApp() is the person removing the app from their authorized apps:
 *   its tokens stop working. There is no revocation endpoint.
 * The authorization page approves at once for signInAs()'s person.
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

export interface HelpScoutUser {
  /** The Help Scout user id, an integer. */
  id: number;
  firstName: string;
  lastName: string;
  email: string;
}

export interface HelpScoutEmulator extends EmulatorHandle<HelpScoutUser> {
  /** The person removes the app from their authorized apps: none of its tokens works. */
  removeApp(user: HelpScoutUser): void;
  /** The next /v2/users/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

const ACCESS_TOKEN_TTL = 172_800;

export async function startHelpScoutEmulator(options: EmulatorOptions): Promise<HelpScoutEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<HelpScoutUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'reissued' });
  const controls = emulatorControls<HelpScoutUser>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/authentication/authorizeClientApplication', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid application',
    responseType: false,
    pkce: false,
  });

  tokenEndpoint(server, '/v2/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    parameters: jsonOrForm,
    authenticates: (request) => credentialsIn(jsonOrForm(request), options),
    pkce: false,
    answer: ({ tokens }) =>
      json(200, { refresh_token: tokens.refreshToken, token_type: 'bearer', access_token: tokens.accessToken, expires_in: tokens.expiresIn }),
  });

  const unauthorized = () => json(401, { error: 'invalid_token', error_description: 'The access token is invalid or has expired' });
  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/v2/users/me', (request) => {
    server.count('users_me');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { message: 'Internal Server Error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { id: user.id, firstName: user.firstName, lastName: user.lastName, email: user.email, role: 'user', timezone: 'America/New_York', type: 'user' });
  });

  server.route('GET', '/v2/mailboxes', (request) => {
    server.count('mailboxes');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      _embedded: { mailboxes: [{ id: 85, name: 'Support', slug: 'a1b2c3d4e5f6a7b8', email: 'support@example.com' }] },
      page: { size: 50, totalElements: 1, totalPages: 1, number: 1 },
    });
  });

  return {
    ...controls.handle,
    failNextProfile: profileFailure.queue,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
