/**
 * An emulator of Podio's OAuth 2.0 (podio.com/oauth/authorize,
 * api.podio.com/oauth/token/v2) and of the part of the Podio API a
 * connection touches, written from Podio's documentation
 * (https://developers.podio.com/authentication/server_side,
 * https://developers.podio.com/doc/oauth-authorization/get-access-token-22359,
 * https://developers.podio.com/doc/users/get-user-status-22480,
 * https://developers.podio.com/doc/oauth-authorization/get-scope-342360687):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `redirect_uri` and
 *   `scope`; a person who denies access comes back with
 *   `error_reason=user_denied`, `error=access_denied` and
 *   `error_description=The user denied your request.`, one who grants it
 *   with `code`.
 * - Token: `POST /oauth/token/v2`, a JSON body with `grant_type`,
 *   `client_id`, `client_secret`, and `code` and `redirect_uri` or
 *   `refresh_token` (a body that is not JSON is read as carrying none). The
 *   answer is `access_token`, `token_type: "bearer"`,
 *   `expires_in`, `refresh_token` and `ref: { type: "user", id }`.
 *   Refusals are RFC 6749 §5.2's, as Podio's page refers to it.
 * - API: `GET /user/status` (`user` with `user_id` and `mail`, `profile`
 *   with `profile_id` and `name`, and more) and `GET /oauth/scope` (the
 *   client's scopes), the token as Bearer (RFC 6750); 401 with RFC 6750's
 *   `invalid_token` for a token it does not take.
 * What Podio's pages do not give is chosen here and said so: access tokens
 * live 8 hours; each refresh answers a new refresh token and ends the used
 * one (the strictest reading, so a client that keeps the newest works
 * either way). The person may remove the app (`removeApp`), which ends the
 * grant. The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface PodioUser {
  /** The Podio user id, a number. */
  userId: number;
  /** The id of the person's profile, another number. */
  profileId: number;
  name: string;
  mail: string;
}

export interface PodioEmulator extends EmulatorHandle<PodioUser> {
  /** The person removes the app from their Podio account: every token of theirs stops working. */
  removeApp(user: PodioUser): void;
  /** The next /user/status request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The content type of each token request, in order. */
  readonly tokenContentTypes: ReadonlyArray<string | undefined>;
}

// Not given by Podio's pages (see above).
const ACCESS_TOKEN_TTL = 8 * 3600;

/** The string members of a JSON object body, or nothing when the body is not JSON. */
function jsonParameters(request: EmulatorRequest): URLSearchParams {
  const body = (request.headers['content-type'] ?? '').startsWith('application/json') ? request.json() : undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return new URLSearchParams();
  return new URLSearchParams(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export async function startPodioEmulator(options: EmulatorOptions): Promise<PodioEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<PodioUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<PodioUser>(server, grants);
  const tokenContentTypes: Array<string | undefined> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    denied: { error_reason: 'user_denied', error: 'access_denied', error_description: 'The user denied your request.' },
  });

  tokenEndpoint(server, '/oauth/token/v2', {
    client: options,
    grants,
    screen: (request) => {
      tokenContentTypes.push(request.headers['content-type']);
      return undefined;
    },
    failure: { queued: controls.tokenFailure },
    parameters: jsonParameters,
    authenticates: (request) => credentialsIn(jsonParameters(request), options),
    pkce: false,
    answer: ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'bearer',
        expires_in: tokens.expiresIn,
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        ref: { type: 'user', id: grant.user.userId },
      }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { error: 'invalid_token' }));

  server.route('GET', '/user/status', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'unavailable' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      user: { user_id: user.userId, mail: user.mail, status: 'active', locale: 'en_GB', timezone: 'Europe/London', created_on: '2024-03-01 09:30:00', activated_on: '2024-03-01 09:31:12' },
      profile: { profile_id: user.profileId, name: user.name, mail: [user.mail] },
      properties: {},
      inbox_new: 0,
      message_unread_count: 0,
    });
  });

  server.route('GET', '/oauth/scope', (request) => {
    server.count('scope');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, [{ ref_type: null, ref_id: null, permissions: ['all'] }]);
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.userId === user.userId),
    failNextProfile: profileFailure.queue,
    tokenContentTypes,
  };
}
