/**
 * An emulator of TeamViewer's OAuth 2.0 (login.teamviewer.com/oauth2/authorize,
 * webapi.teamviewer.com/api/v1/oauth2/token and /oauth2/revoke) and of the
 * part of its Web API a connection touches, written from TeamViewer's
 * "Build a TeamViewer integration"
 * (https://www.teamviewer.com/en/global/support/knowledge-base/teamviewer-classic/for-developers/build-a-teamviewer-integration/),
 * its API documentation (https://dl.teamviewer.com/integrate/TeamViewer_API_Documentation.pdf)
 * and its PowerShell module (https://github.com/teamviewer/TeamViewerPS):
 * - Authorize: `GET /oauth2/authorize` with the parameters in the query; no
 *   scope (the app's permissions are set when it is created); a person who
 *   declines comes back with `error=access_denied` (its description is this
 *   emulator's).
 * - Token: `POST /api/v1/oauth2/token`, a URL-encoded form with `client_id`
 *   and `client_secret`, for `authorization_code` (with the `redirect_uri`
 *   the authorization named) and `refresh_token`. It answers `access_token`,
 *   `token_type` "bearer", `expires_in` 86400 and `refresh_token`; each
 *   refresh answers a new refresh token and the spent one is refused after
 *   (the 'rotating' policy). Refusals are RFC 6749 §5.2's.
 * - `GET /api/v1/account`: the account of the token, `userid`, `name`,
 *   `email`, `email_validated`, `email_language`, `company_name` (as
 *   TeamViewerPS's Get-TeamViewerAccount reads them).
 * - API: `GET /api/v1/devices`, the account's computers and contacts list
 *   (its members here are this emulator's); a token it does not take is a
 *   401 with TeamViewer's `{ error, error_description, error_code }`.
 * - `POST /api/v1/oauth2/revoke` with the access token as Bearer revokes it
 *   and the refresh token that came with it, answering 200.
 * The authorization page approves at once for signInAs()'s user.
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

export interface TeamViewerUser {
  /** The account's user id, `u` and digits. */
  userid: string;
  name: string;
  email: string;
  emailValidated: boolean;
  companyName?: string;
}

export interface TeamViewerEmulator extends EmulatorHandle<TeamViewerUser> {
  /** The person removes the app from their TeamViewer account: every token of theirs stops working. */
  removeApp(user: TeamViewerUser): void;
  /** The next /api/v1/account request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The Authorization header of each revocation, in order. */
  readonly revocations: ReadonlyArray<string | undefined>;
}

const ACCESS_TOKEN_TTL = 86_400;

const invalidToken = () => json(401, { error: 'invalid_token', error_description: 'The access token is invalid (emulator wording)', error_code: 1 });

export async function startTeamViewerEmulator(options: EmulatorOptions): Promise<TeamViewerEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<TeamViewerUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<TeamViewerUser>(server, grants);
  const revocations: Array<string | undefined> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    denied: { error: 'access_denied', error_description: 'The user denied the app access (emulator wording)' },
  });

  tokenEndpoint(server, '/api/v1/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ tokens }) => {
      const { scope: _none, ...members } = tokenMembers(tokens, undefined, 'bearer');
      return json(200, members);
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, invalidToken);

  server.route('GET', '/api/v1/account', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'internal_error', error_description: 'An internal error occurred (emulator wording)', error_code: 3 });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      userid: user.userid,
      name: user.name,
      email: user.email,
      email_validated: user.emailValidated,
      email_language: 'auto',
      ...(user.companyName ? { company_name: user.companyName } : {}),
    });
  });

  server.route('GET', '/api/v1/devices', (request) => {
    server.count('devices');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { devices: [{ remotecontrol_id: 'r123456789', device_id: 'd9876543', alias: 'Workshop PC', groupid: 'g1234', online_state: 'Online', supported_features: 'remote_control' }] });
  });

  server.route('POST', '/api/v1/oauth2/revoke', (request) => {
    server.count('revoke');
    revocations.push(request.headers.authorization);
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    grants.revokeGrant(grant.id);
    return { status: 200, headers: {}, body: '' };
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.userid === user.userid),
    failNextProfile: profileFailure.queue,
    revocations,
  };
}
