/**
 * An emulator of SavvyCal's OAuth 2.0 (`https://savvycal.com`) and of the
 * part of its REST API a connection touches (`https://api.savvycal.com/v1`),
 * written from SavvyCal's API docs:
 * - Authorize: `GET /oauth/authorize` with `response_type=code`, `client_id`
 *   and `redirect_uri`, sending the person back with a `code`
 *   (https://savvycal.com/docs/api/authentication). SavvyCal names no scopes
 *   and no PKCE; a person who declines is sent back with RFC 6749's
 *   `error=access_denied` (SavvyCal shows no wording).
 * - Token: `POST /oauth/token` (https://savvycal.com/docs/api/endpoints/users,
 *   its OAuth flow's `tokenUrl`); access tokens last 2 hours, refreshed with
 *   the long-lived refresh token (https://savvycal.com/docs/api/authentication).
 *   The request and answer here are those integrations of SavvyCal show, not
 *   read on SavvyCal's pages: a URL-encoded form with the client's id and
 *   secret in it (no Basic), answered with JSON `access_token`,
 *   `refresh_token`, `expires_in` and `token_type: "bearer"`.
 *   Whether a refresh ends the spent refresh token is not documented, so a
 *   refresh answers a new one and the old one lasts (the 'reissued' policy).
 *   Refusals are RFC 6749 §5.2's, which SavvyCal does not show.
 * - `GET /v1/me`, the Current User (https://savvycal.com/docs/api/resources/current-user/):
 *   `avatar_url`, `display_name`, `email`, `first_day_of_week`, `first_name`,
 *   `id`, `last_name`, `time_format`, `time_zone`, `plan`. `GET /v1/links`,
 *   the person's scheduling links, a paginated list of `entries` and
 *   `metadata` (https://savvycal.com/docs/api/endpoints/scheduling-links/).
 *   A token the API does not take is a 401,
 *   `{ "errors": [{ "message": "Unauthenticated" }] }`
 *   (https://savvycal.com/docs/api/endpoints/users/).
 * There is no revocation endpoint: the person removing the app's access
 * (`removeAccess`) ends its tokens. The authorization page approves at once
 * for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface SavvyCalUser {
  /** The user's opaque id (`user_…`). */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface SavvyCalEmulator extends EmulatorHandle<SavvyCalUser> {
  /** The person removes the app's access in SavvyCal: every token of theirs stops working. */
  removeAccess(user: SavvyCalUser): void;
  /** The next /v1/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as SavvyCal read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** SavvyCal's access tokens last 2 hours. */
export const SAVVYCAL_ACCESS_TOKEN_SECONDS = 2 * 3600;

const unauthenticated = () => json(401, { errors: [{ message: 'Unauthenticated' }] });

export async function startSavvyCalEmulator(options: EmulatorOptions): Promise<SavvyCalEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SavvyCalUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: SAVVYCAL_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<SavvyCalUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    answer: ({ tokens }) => json(200, tokenMembers(tokens, undefined, 'bearer')),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthenticated);

  server.route('GET', '/v1/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { errors: [{ message: 'Internal Server Error' }] });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      avatar_url: `https://example.com/avatars/${user.id}.png`,
      display_name: `${user.firstName} ${user.lastName}`,
      email: user.email,
      first_day_of_week: 0,
      first_name: user.firstName,
      id: user.id,
      last_name: user.lastName,
      time_format: '12hr',
      time_zone: 'America/Chicago',
      plan: 'basic',
    });
  });

  server.route('GET', '/v1/links', (request) => {
    server.count('links');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      entries: [{ id: 'link_01ED74HMFGVZ92YVCWTD8Y8H6X', state: 'active', slug: 'chat', name: `Chat with ${user.firstName}`, private_name: null, description: "Let's find a time to meet!", durations: [15, 30], default_duration: 30, fields: [] }],
      metadata: { before: null, after: null, limit: 20 },
    });
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
