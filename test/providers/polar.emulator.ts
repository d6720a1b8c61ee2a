/**
 * An emulator of Polar AccessLink's OAuth 2.0 (flow.polar.com, polarremote.com) and of the users part of AccessLink
 * API v3 (www.polaraccesslink.com), written from Polar's AccessLink example client
 * (https://github.com/polarofficial/accesslink-example-python, after https://www.polar.com/accesslink-api/):
 * - Authorize: `GET /oauth2/authorization` with `client_id`, `response_type=code` and `redirect_uri`; no scope and
 *   no PKCE read. A code lasts 10 minutes.
 * - Token: `POST /v2/oauth2/token`, the client as HTTP Basic (`id:secret` as they are; the form's client is
 *   refused) and a form with `grant_type=authorization_code`, `code` and the `redirect_uri` sent before; JSON
 *   `access_token`, `token_type: "bearer"`, `expires_in` (about ten years) and `x_user_id`, no refresh token.
 * - API v3, the token as Bearer: `POST /v3/users` with a JSON `member-id` registers the token's user for the client
 *   (200 with the user's `polar-user-id`, `member-id` and `registration-date`; 409 when already registered);
 *   `GET /v3/users/{user-id}` answers the registered user's basic information; `DELETE /v3/users/{user-id}`
 *   de-registers the user and ends the token (204).
 * Made up here (the example does not show them): the 401 for a token the API does not take, the 403 for another
 * user's id, the 404 for a user not registered, and the 400 for a registration without `member-id`.
 * removeAccess() is the person ending the client's access in Polar Flow. The authorization page approves at once
 * for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface PolarUser {
  /** The Polar user id, a positive whole number. */
  id: number;
  firstName: string;
  lastName: string;
}

export interface PolarEmulator extends EmulatorHandle<PolarUser> {
  /** The person ends the client's access in Polar Flow: their token stops working. */
  removeAccess(user: PolarUser): void;
  /** The `member-id` each registered user was given, by Polar user id. */
  readonly registrations: ReadonlyMap<number, string>;
}

/** Polar's tokens last about ten years. */
export const POLAR_ACCESS_TOKEN_SECONDS = 315_705_599;
const CODE_TTL = 600;

const unauthorized = () => json(401, { error: 'Unauthorized' });

export async function startPolarEmulator(options: EmulatorOptions): Promise<PolarEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<PolarUser>({ now: options.now, accessTokenTtl: POLAR_ACCESS_TOKEN_SECONDS, refreshPolicy: 'none', codeTtl: CODE_TTL });
  const controls = emulatorControls<PolarUser>(server, grants);
  const registrations = new Map<number, { memberId: string; date: string }>();

  authorizationEndpoint(server, '/oauth2/authorization', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/v2/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options),
    pkce: false,
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'bearer', expires_in: tokens.expiresIn, x_user_id: grant.user.id }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  const userInformation = (user: PolarUser) => {
    const registered = registrations.get(user.id)!;
    return { 'polar-user-id': user.id, 'member-id': registered.memberId, 'registration-date': registered.date, 'first-name': user.firstName, 'last-name': user.lastName };
  };

  server.route('POST', '/v3/users', (request) => {
    server.count('register');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const memberId = (request.json() as Record<string, unknown> | null)?.['member-id'];
    if (typeof memberId !== 'string' || memberId === '') return json(400, { error: 'member-id is required' });
    if (registrations.has(grant.user.id)) return json(409, { error: 'User already registered' });
    registrations.set(grant.user.id, { memberId, date: '2026-12-07T12:00:00.000Z' });
    return json(200, userInformation(grant.user));
  });

  const ownUser = (request: EmulatorRequest) => {
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (request.params.id !== String(grant.user.id)) return json(403, { error: 'Forbidden' });
    if (!registrations.has(grant.user.id)) return json(404, { error: 'User not registered' });
    return grant;
  };

  server.route('GET', '/v3/users/:id', (request) => {
    server.count('user');
    const grant = ownUser(request);
    if (!isGrant(grant)) return grant;
    return json(200, userInformation(grant.user));
  });

  server.route('DELETE', '/v3/users/:id', (request) => {
    server.count('deregister');
    const grant = ownUser(request);
    if (!isGrant(grant)) return grant;
    registrations.delete(grant.user.id);
    grants.revokeGrant(grant.id);
    return { status: 204, headers: {}, body: '' };
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    get registrations() {
      return new Map([...registrations].map(([id, { memberId }]) => [id, memberId]));
    },
  };
}
