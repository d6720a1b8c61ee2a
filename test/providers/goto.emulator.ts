/**
 * An emulator of GoTo's OAuth 2.0 (authentication.logmeininc.com) and of the
 * part of its APIs (api.getgo.com) a connection touches, written from GoTo's
 * developer guides:
 * - Authorize: `GET /oauth/authorize` with `client_id`, `response_type=code`
 *   and `redirect_uri`; no scope (the OAuth client's own scopes are granted,
 *   https://developer.goto.com/guides/Authentication/03_HOW_accessToken/), no
 *   PKCE. A person who declines comes back with RFC 6749's
 *   `error=access_denied` (GoTo shows no wording).
 * - Token: `POST /oauth/token`, a form, the client only as `Authorization:
 *   Basic` of `clientID:clientSecret` base64-encoded as they are
 *   (https://developer.goto.com/guides/Authentication/05_HOW_refreshToken).
 *   A code is exchanged once. The exchange answers `access_token`,
 *   `token_type: "Bearer"`, `refresh_token`, `expires_in` 3600, `scope` and
 *   `principal` (the person's e-mail); a refresh answers `access_token`,
 *   `expires_in`, `scope` and `principal` alone, no `token_type` and no
 *   refresh token (the 'static' policy), unless the refresh token presented
 *   has expired: then the answer carries a new one and `token_type`, and the
 *   expired one is done. That life is 30 days, as GoTo's earlier page had it
 *   ("Refresh tokens are good for 30 days and are renewed at the end of that
 *   period", https://goto-developer.logmeininc.com/how-use-refresh-tokens);
 *   `ageRefreshTokens` moves this emulator's clock past it. Refusals are RFC
 *   6749 §5.2's, which GoTo does not show.
 * - `GET /identity/v1/Users/me`, the SCIM "Get Current User": `id` (the user
 *   key, a string), `userName`, `displayName`, `name`, `locale`, `timezone`,
 *   `meta`; a token it does not take is a 403 "Invalid token passed" (GoTo's
 *   SCIM reference,
 *   https://developer.citrixonline.com/sites/default/files/citrix/citrix-apis/scim.json;
 *   the body here is the emulator's).
 * - API: GoTo Meeting's `GET /G2M/rest/historicalMeetings?startDate=…&endDate=…`
 *   (both required, a 400 without them), the organizer's past meetings (their
 *   members here are the emulator's); a token it does not take is a 401 (the
 *   status assumed, and the body the emulator's).
 * GoTo documents no revocation: the person removes the client's access in
 * their GoTo account (`removeAccess`), which ends its tokens. The
 * authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface GoToUser {
  /** The user key, digits in a string. */
  key: string;
  /** The sign-in name, the person's e-mail. */
  userName: string;
  givenName: string;
  familyName: string;
}

export interface GoToEmulator extends EmulatorHandle<GoToUser> {
  /** The person removes the client's access in their GoTo account: every token of theirs stops working. */
  removeAccess(user: GoToUser): void;
  /** Time at GoTo passes this many seconds: past 30 days, the next refresh with a refresh token answers a new one. */
  ageRefreshTokens(seconds: number): void;
  /** The next /identity/v1/Users/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as GoTo read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

const ACCESS_TOKEN_TTL = 3600;
const REFRESH_TOKEN_LIFE = 30 * 86_400;
/** The scopes the emulated OAuth client was created with, which every grant gets. */
const CLIENT_SCOPES = 'identity:scim.me collab:';

const gotoError = (status: number, errorCode: string, description: string) => json(status, { errorCode, description });

export async function startGoToEmulator(options: EmulatorOptions): Promise<GoToEmulator> {
  const server = await startEmulatorServer();
  let aged = 0;
  const now = () => (options.now?.() ?? Math.floor(Date.now() / 1000)) + aged;
  // GoTo's renewal on expiry is a 'static' refresh token replaced once it is REFRESH_TOKEN_LIFE old; every refresh
  // in these tests uses the token it holds, so its age since the last use is its age.
  const grants = new GrantStore<GoToUser>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'static', rotateAfterIdleSeconds: REFRESH_TOKEN_LIFE });
  const controls = emulatorControls<GoToUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    request: () => ({ scope: CLIENT_SCOPES }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return basicAsSent(request, options);
    },
    pkce: false,
    answer: ({ grant, tokens }) => {
      const common = { access_token: tokens.accessToken, expires_in: tokens.expiresIn, scope: grant.scope, principal: grant.user.userName };
      return json(200, tokens.refreshToken ? { ...common, token_type: 'Bearer', refresh_token: tokens.refreshToken } : common);
    },
  });

  server.route('GET', '/identity/v1/Users/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return gotoError(status, 'InternalError', 'Internal server error (emulator wording)');
    const grant = bearerGrant(grants, request, () => gotoError(403, 'InvalidToken', 'Invalid token passed'));
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.key,
      userName: user.userName,
      displayName: `${user.givenName} ${user.familyName}`,
      name: { givenName: user.givenName, familyName: user.familyName },
      locale: 'en_US',
      timezone: 'America/New_York',
      meta: { created: '2019-03-14T15:09:26Z', location: `https://api.getgo.com/identity/v1/Users/${user.key}` },
    });
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => gotoError(401, 'InvalidToken', 'The access token is invalid or expired (emulator wording)'));

  server.route('GET', '/G2M/rest/historicalMeetings', (request) => {
    server.count('meetings');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { searchParams } = request.url;
    if (!searchParams.get('startDate') || !searchParams.get('endDate')) return gotoError(400, 'InvalidRequest', 'startDate and endDate are required');
    return json(200, [{ meetingId: 264508261, subject: 'Weekly sync', startTime: '2026-12-01T15:00:00Z', endTime: '2026-12-01T15:30:00Z', numAttendees: 4 }]);
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.key === user.key),
    ageRefreshTokens: (seconds) => {
      aged += seconds;
    },
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
