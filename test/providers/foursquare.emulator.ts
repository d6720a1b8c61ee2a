/**
 * An emulator of Foursquare's OAuth (foursquare.com) and of the part of its user API v2 (api.foursquare.com/v2) a
 * connection touches, on one host, written from Foursquare's documentation
 * (https://docs.foursquare.com/developer/reference/v2-authentication, https://developer.foursquare.com/overview/auth):
 * - Authorize: `GET /oauth2/authenticate` with `client_id`, `response_type=code` and `redirect_uri` (the project's
 *   registered one); Foursquare has no scopes. A declined authorization goes back with RFC 6749 §4.1.2.1's
 *   `access_denied` (not documented by Foursquare).
 * - Token: `/oauth2/access_token` with `client_id`, `client_secret`, `grant_type=authorization_code`,
 *   `redirect_uri` and `code`, taken here as the form of a POST. The answer is JSON `{ access_token }` and nothing
 *   else: no `token_type`, no expiry, no refresh token ("Access tokens do not expire, but they may be revoked by the
 *   user"). Refusals are RFC 6749 §5.2's `{ error }` here, which Foursquare does not document.
 * - API v2: the token in the `oauth_token` query parameter, and the version as `v=YYYYMMDD` on every request;
 *   answers are `{ meta: { code }, response }`, an error's status repeated in `meta.code` with `errorType` and
 *   `errorDetail`: 400 for a missing parameter (the token or `v`), 401 for a token Foursquare does not take
 *   (https://docs.foursquare.com/developer/reference/personalization-apis-errors). `GET /v2/users/self` answers the
 *   acting user (`id`, `firstName`, `lastName`, `relationship: "self"`, `contact`,
 *   https://developer.foursquare.com/docs/api/users/details); `GET /v2/users/self/checkins` their check-ins.
 * - No revocation: the person removes the app in their settings (`removeApp`), and its tokens stop working.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface FoursquareUser {
  /** The user's id, a string of digits. */
  id: string;
  firstName: string;
  lastName: string;
  /** The e-mail the user shows in `contact`, if any. */
  email?: string;
  /** The venue of the user's one check-in. */
  venue: string;
}

export interface FoursquareEmulator extends EmulatorHandle<FoursquareUser> {
  /** The person removes the app in their Foursquare settings: every token of theirs stops working. */
  removeApp(user: FoursquareUser): void;
  /** The next /v2/users/self request fails with this HTTP status. */
  failNextSelf(status: number): void;
}

/** API v2's error answer: the status repeated in `meta.code`, with `errorType` and `errorDetail`. */
function apiError(status: number, errorType: string, errorDetail: string): EmulatorReply {
  return json(status, { meta: { code: status, errorType, errorDetail, requestId: 'emulated' }, response: {} });
}

export async function startFoursquareEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<FoursquareEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<FoursquareUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<FoursquareUser>(server, grants);
  const selfFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/authenticate', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'Invalid client_id', redirectUri: 'Redirect URI does not match the one registered for this project' },
    pkce: false,
    // Foursquare has no scopes.
    request: () => ({ scope: '' }),
  });

  tokenEndpoint(server, '/oauth2/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    errors: {
      client: () => json(401, { error: 'invalid_client' }),
      code: () => json(400, { error: 'invalid_grant' }),
    },
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken }),
  });

  /** The live grant of the request's `oauth_token`, with `v` present; else API v2's refusal. */
  const apiGrant = (request: EmulatorRequest): Grant<FoursquareUser> | EmulatorReply => {
    const query = request.url.searchParams;
    const token = query.get('oauth_token');
    if (!token) return apiError(400, 'invalid_auth', 'Missing access credentials.');
    if (!/^\d{8}$/.test(query.get('v') ?? '')) return apiError(400, 'param_error', 'Missing or invalid version parameter v.');
    return grants.grantOfAccessToken(token) ?? apiError(401, 'invalid_auth', 'OAuth token invalid or revoked.');
  };
  const isGrant = (value: Grant<FoursquareUser> | EmulatorReply): value is Grant<FoursquareUser> => 'user' in value;

  server.route('GET', '/v2/users/self', (request) => {
    server.count('self');
    const status = selfFailure.take();
    if (status !== undefined) return apiError(status, 'server_error', 'Foursquare servers are experiencing problems.');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      meta: { code: 200, requestId: 'emulated' },
      response: {
        user: {
          id: user.id,
          firstName: user.firstName,
          ...(user.lastName ? { lastName: user.lastName } : {}),
          gender: 'none',
          relationship: 'self',
          photo: { prefix: 'https://fastly.4sqi.net/img/user/', suffix: `/${user.id}.jpg` },
          contact: user.email ? { email: user.email } : {},
        },
      },
    });
  });

  server.route('GET', '/v2/users/self/checkins', (request) => {
    server.count('checkins');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      meta: { code: 200, requestId: 'emulated' },
      response: { checkins: { count: 1, items: [{ id: `c${grant.user.id}`, type: 'checkin', createdAt: 1_717_236_000, venue: { id: `v${grant.user.id}`, name: grant.user.venue } }] } },
    });
  });

  return {
    ...controls.handle,
    removeApp: (user) => {
      for (const grant of grants.allGrants()) if (grant.user.id === user.id) grants.revokeGrant(grant.id);
    },
    failNextSelf: selfFailure.queue,
  };
}
