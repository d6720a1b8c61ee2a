/**
 * An emulator of Capsule CRM's OAuth 2 (api.capsulecrm.com/oauth/authorise, /oauth/token, /oauth/token/revoke) and
 * of the part of API v2 a connection touches, written from Capsule's pages
 * (https://developer.capsulecrm.com/v2/overview/authentication,
 * https://developer.capsulecrm.com/v2/overview/basic-auth-migrate,
 * https://developer.capsulecrm.com/v2/operations/User, https://developer.capsulecrm.com/v2/models/user):
 * - Authorize: `GET /oauth/authorise` with the registered application's `client_id` and redirect URL,
 *   `response_type=code`, `scope` (`read`, `write`) and `state`; approved, a code comes back with the state.
 * - Token: `POST /oauth/token`, the client in the form; JSON with `access_token`, `token_type: "bearer"`,
 *   `expires_in` (604799, about a week), `refresh_token`, `scope` and the account's `subdomain`. A refresh answers a
 *   new access token.
 * - API v2: the token as Bearer; an invalid or expired token is 401 with `WWW-Authenticate` and a body saying why.
 *   `GET /api/v2/users/current` answers `{ user }` (`id`, `username`, `name`, `party`, preferences);
 *   `GET /api/v2/parties` the account's people and organisations (`{ parties }`).
 * Made up here (Capsule's pages do not say): a declined authorization (`access_denied`) and the pages for an
 * unknown client or redirect URL; PKCE checked when sent; a refresh rotating the refresh token (the spent one then
 * refused); refusals as RFC 6749 §5.2's bare `error`; the 401 body's wording; the revocation endpoint as RFC 7009's
 * (`token` in a form with the client: an access token ends alone, a refresh token its grant; 200 also for a token
 * no longer known). disconnectApp() is the person removing the application in My Preferences > Authorized
 * Applications. The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface CapsuleUser {
  /** The user's id, unique across Capsule. */
  id: number;
  firstName: string;
  lastName: string;
  username: string;
}

export interface CapsuleEmulator extends EmulatorHandle<CapsuleUser> {
  /** The person removes the application from their Capsule account: every token of theirs stops working. */
  disconnectApp(user: CapsuleUser): void;
  /** The next /api/v2/users/current request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each revocation's form, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
}

const ACCESS_TOKEN_TTL = 604799;
export const CAPSULE_SUBDOMAIN = 'exampleco';

export async function startCapsuleEmulator(options: EmulatorOptions): Promise<CapsuleEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<CapsuleUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<CapsuleUser>(server, grants);
  const revocations: Array<Record<string, string>> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorise', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => ((query.get('scope') ?? '').split(' ').every((scope) => scope === 'read' || scope === 'write') ? undefined : { error: 'invalid_scope' }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    answer: ({ grant, tokens }) => json(200, { ...tokenMembers(tokens, grant.scope, 'bearer'), subdomain: CAPSULE_SUBDOMAIN }),
  });

  server.route('POST', '/oauth/token/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocations.push(Object.fromEntries(form));
    if (!formCredentials(request, options)) return oauthError(401, 'invalid_client');
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    grants.revokeToken(token);
    return json(200, {});
  });

  const apiGrant = (request: EmulatorRequest) =>
    bearerGrant(grants, request, () => json(401, { message: 'authentication required' }, { 'www-authenticate': 'Bearer realm="capsule", error="invalid_token", error_description="The access token is invalid or expired"' }));

  server.route('GET', '/api/v2/users/current', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { message: 'Internal server error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    const initials = `${user.firstName[0]}${user.lastName[0]}`;
    return json(200, {
      user: {
        id: user.id,
        locale: 'en_GB',
        currency: 'GBP',
        status: 'ACTIVE',
        party: { id: 448000 + user.id, type: 'person', firstName: user.firstName, lastName: user.lastName, pictureURL: `https://facehub.appspot.com/default/person?text=${initials}&size=100` },
        username: user.username,
        timezone: 'Europe/London',
        lastLoginAt: '2026-11-24T16:45:53Z',
        name: `${user.firstName} ${user.lastName}`,
        taskReminder: false,
      },
    });
  });

  server.route('GET', '/api/v2/parties', (request) => {
    server.count('parties');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { parties: [{ id: 11587, type: 'person', firstName: 'Scott', lastName: 'Spacey', jobTitle: 'Creative Director', emailAddresses: [{ id: 12134, type: 'Work', address: 'scott@homestyleshop.co' }] }] });
  });

  return {
    ...controls.handle,
    disconnectApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    revocations,
  };
}
