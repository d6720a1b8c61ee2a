/**
 * An emulator of PandaDoc's OAuth (app.pandadoc.com/oauth2/authorize,
 * api.pandadoc.com/oauth2/access_token) and of the part of the Public API a
 * connection touches, written from PandaDoc's documentation
 * (https://developers.pandadoc.com/reference/authorize-a-user,
 * https://developers.pandadoc.com/reference/access-token.md,
 * https://developers.pandadoc.com/reference/current-member-details.md):
 * - Authorize: `GET /oauth2/authorize` with `client_id`, `redirect_uri`,
 *   `scope=read+write` and `response_type=code`; a scope other than `read`
 *   and `write` is sent back as `invalid_scope`, a person who refuses as
 *   `access_denied` (neither refusal shown by PandaDoc).
 * - Token: `POST /oauth2/access_token`, a form with `client_id` and
 *   `client_secret`. A code lives 60 seconds and is taken once; the answer
 *   is `access_token`, `token_type: "Bearer"`, `expires_in` (31535999: a
 *   year), `refresh_token` and `scope`. A refresh answers a new pair (the
 *   spent refresh token still taken here: PandaDoc does not say). Refusals
 *   are RFC 6749's (`invalid_grant` for a used, ended or unknown code or
 *   refresh token).
 * - API: `GET /public/v1/members/current/` (`user_id`, `membership_id`,
 *   `email`, `email_verified`, `first_name`, `last_name`, `workspace`,
 *   `workspace_name`, …) and `GET /public/v1/documents`, the token as
 *   Bearer; 401 for a token it does not take. No revocation endpoint.
 * The person may remove the app in PandaDoc (`removeApp`), which ends the
 * grant. The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface PandaDocUser {
  /** The user's id in the organization (a string). */
  userId: string;
  /** The user's id in the workspace. */
  membershipId: string;
  email: string;
  emailVerified: boolean;
  firstName: string;
  lastName: string;
}

export interface PandaDocEmulator extends EmulatorHandle<PandaDocUser> {
  /** The person removes the app in PandaDoc: every token of theirs stops working. */
  removeApp(user: PandaDocUser): void;
  /** The next /public/v1/members/current/ request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

const ACCESS_TOKEN_TTL = 31_535_999;
const SCOPES = ['read', 'write'];
const WORKSPACE = { id: 'vWk7sPQ3nGfX2bT9aRcE4m', name: 'Acme Sales' };

export async function startPandaDocEmulator(options: EmulatorOptions): Promise<PandaDocEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<PandaDocUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'reissued', codeTtl: 60 });
  const controls = emulatorControls<PandaDocUser>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => (requestedScopes(query).some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined),
  });

  tokenEndpoint(server, '/oauth2/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  const unauthorized = () => json(401, { type: 'authentication_error', detail: 'Authentication credentials were not provided.' });
  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/public/v1/members/current/', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { type: 'server_error', detail: 'Internal server error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      user_id: user.userId,
      membership_id: user.membershipId,
      email: user.email,
      first_name: user.firstName,
      last_name: user.lastName,
      is_active: true,
      workspace: WORKSPACE.id,
      workspace_name: WORKSPACE.name,
      email_verified: user.emailVerified,
      role: 'Admin',
      user_license: 'Full',
      date_created: '2026-01-12T09:30:00.000000Z',
      date_modified: '2026-03-02T14:10:00.000000Z',
    });
  });

  server.route('GET', '/public/v1/documents', (request) => {
    server.count('documents');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      results: [{ id: 'msFYActMfJHqNTKH8YSvF1', name: 'Sample Proposal', status: 'document.draft', date_created: '2026-11-30T10:00:00.000000Z', version: '2' }],
    });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.userId === user.userId),
    failNextProfile: profileFailure.queue,
  };
}
