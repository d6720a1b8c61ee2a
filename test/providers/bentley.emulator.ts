/**
 * An emulator of Bentley IMS's OAuth 2.0 (ims.bentley.com/connect/authorize, /connect/token) and of the iTwin
 * Platform's Users API, written from Bentley's pages (https://developer.bentley.com/tutorials/authorize-webapp/,
 * https://developer.bentley.com/apis/overview/authorization/web-app,
 * https://developer.bentley.com/apis/users/operations/me/):
 * - Authorize: `GET /connect/authorize` with the Web App's `client_id`, `redirect_uri`, `response_type=code` and
 *   `scope`; approved, a code comes back.
 * - Token: `POST /connect/token`, the client's id and secret in the form; the code with its redirect URI, or a
 *   refresh token.
 * - `GET /users/me` (scope `itwin-platform`): `{ user: { id, displayName, givenName, surname, email, … } }`; a token
 *   it does not take is 401 `{ error: { code, message } }`.
 * Made up here (Bentley's pages do not say): `offline_access` bringing the refresh token, an hour's access token, a
 * new refresh token with each refresh (the spent one refused), RFC 6749 §5.2's refusals, 403 for a token without
 * `itwin-platform`, and no PKCE checked. disableUser() is an organization administrator removing the user, which ends
 * every token of theirs. The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface BentleyUser {
  /** The user's id (a UUID). */
  id: string;
  givenName: string;
  surname: string;
  email: string;
}

export interface BentleyEmulator extends EmulatorHandle<BentleyUser> {
  /** An organization administrator removes the user: every token of theirs stops working. */
  disableUser(user: BentleyUser): void;
  /** The next /users/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

export const BENTLEY_ACCESS_TOKEN_SECONDS = 3600;
export const BENTLEY_ORGANIZATION = 'Example Organization';

export async function startBentleyEmulator(options: EmulatorOptions): Promise<BentleyEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<BentleyUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: BENTLEY_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<BentleyUser>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/connect/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    request: (query) => ({ refreshToken: requestedScopes(query).includes('offline_access') }),
  });

  tokenEndpoint(server, '/connect/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  server.route('GET', '/users/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: { code: 'InternalServerError', message: 'Internal server error.' } });
    const grant = bearerGrant(grants, request, () => json(401, { error: { code: 'InvalidToken', message: 'Access token is invalid or expired.' } }));
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes('itwin-platform')) return json(403, { error: { code: 'InsufficientPermissions', message: 'The token lacks the itwin-platform scope.' } });
    const { user } = grant;
    return json(200, {
      user: {
        id: user.id,
        displayName: user.email,
        givenName: user.givenName,
        surname: user.surname,
        email: user.email,
        alternateEmail: user.email,
        phone: '000-000-0000',
        organizationName: BENTLEY_ORGANIZATION,
        city: 'Anytown',
        country: 'US',
        language: 'EN',
        createdDateTime: '2020-03-25T04:36:40.4210000Z',
      },
    });
  });

  return {
    ...controls.handle,
    disableUser: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
  };
}
