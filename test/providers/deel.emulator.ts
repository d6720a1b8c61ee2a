/**
 * An emulator of Deel's OAuth server (app.deel.com/oauth2) and of the part
 * of the Deel API (api.letsdeel.com/rest) a connection touches, written from
 * Deel's documentation:
 * - Authorize: `GET /oauth2/authorize` with `client_id`, `redirect_uri` (the
 *   app's own), a space-separated `scope`, `response_type=code` and `state`
 *   (https://developer.deel.com/v2.3.0/docs/getting-started-1); a scope
 *   Deel does not know is sent back as `invalid_scope`, a person who
 *   declines as `access_denied` (neither code shown by Deel).
 * - Token: `POST /oauth2/tokens`, a form, the client as HTTP Basic of
 *   `client_id:client_secret` as they are (Deel shows no other way), the
 *   code exchanged with `redirect_uri`
 *   (https://developer.deel.com/changelog/v1-27); a refresh sends
 *   `refresh_token` and `redirect_uri`, which must be the app's
 *   (https://developer.deel.com/v2.1.72/docs/token-rotation); one without
 *   it is refused here as `invalid_request`. The answer is `access_token`,
 *   `expires_in` (2592000: 30 days), `refresh_token`, `token_type:
 *   "Bearer"` and `scope`; refresh tokens are single-use, the one spent
 *   refused with `invalid_grant`, and its reuse may end every token of the
 *   grant, as it does here (https://developer.deel.com/docs/getting-started-1).
 *   Other refusals are RFC 6749 §5.2's JSON errors here.
 * - API: `GET /rest/v2/people/me`, behind `people:read` or `worker:read`,
 *   answers the members Deel's reference lists
 *   (https://developer.deel.com/api/reference/endpoints/people/get-my-current-personal-profile)
 *   as they are; `GET /rest/v2/contracts`, behind `contracts:read`, a page
 *   of contracts. A token the API does not take is a 401, a scope the grant
 *   lacks a 403, each as `{ errors: [{ message }] }` (the members of Deel's
 *   error container not shown on the pages above).
 * - removeApp() is the app's access removed in Deel: its tokens stop
 *   working. Deel documents no revocation endpoint.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface DeelUser {
  /** `user_id`, the subject. */
  userId: number;
  /** `id`, the user's profile's. */
  profileId: number;
  firstName: string;
  lastName: string;
  email: string;
}

export interface DeelEmulator extends EmulatorHandle<DeelUser> {
  /** The app's access removed in Deel: none of its tokens works. */
  removeApp(user: DeelUser): void;
  /** The next /rest/v2/people/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The `redirect_uri` each refresh sent (null: none), in order. */
  readonly refreshRedirectUris: ReadonlyArray<string | null>;
}

const THIRTY_DAYS = 2_592_000;
const SCOPES = ['people:read', 'people:write', 'worker:read', 'contracts:read', 'contracts:write', 'organizations:read', 'invoice-adjustments:read', 'timesheets:read', 'accounting:read'];

export async function startDeelEmulator(options: EmulatorOptions): Promise<DeelEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<DeelUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: THIRTY_DAYS, refreshPolicy: 'rotating', revokeGrantOnReuse: true });
  const controls = emulatorControls<DeelUser>(server, grants);
  const refreshRedirectUris: Array<string | null> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const asked = requestedScopes(query);
      return asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined;
    },
  });

  tokenEndpoint(server, '/oauth2/tokens', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options),
    refuseRefresh: (_presented, form) => {
      refreshRedirectUris.push(form.get('redirect_uri'));
      return form.get('redirect_uri') === options.redirectUri ? undefined : oauthError(400, 'invalid_request', 'The redirect_uri must be the one the app was created with.');
    },
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  const refusal = (status: number, message: string): EmulatorReply => json(status, { errors: [{ message }] });
  const apiGrant = (request: EmulatorRequest, ...scopes: string[]): Grant<DeelUser> | EmulatorReply => {
    const grant = bearerGrant(grants, request, () => refusal(401, 'Unauthorized'));
    if (!isGrant(grant)) return grant;
    return grant.scope.split(' ').some((scope) => scopes.includes(scope)) ? grant : refusal(403, `The token needs one of the scopes ${scopes.join(', ')}.`);
  };

  server.route('GET', '/rest/v2/people/me', (request) => {
    server.count('people_me');
    const status = profileFailure.take();
    if (status !== undefined) return refusal(status, 'Internal Server Error');
    const grant = apiGrant(request, 'people:read', 'worker:read');
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.profileId,
      email: user.email,
      user_id: user.userId,
      username: `${user.firstName}.${user.lastName}`.toLowerCase(),
      full_name: `${user.firstName} ${user.lastName}`,
      last_name: user.lastName,
      avatar_url: null,
      first_name: user.firstName,
      middle_name: null,
      hris_enabled: true,
      profile_type: 'client',
      slack_team_id: null,
      slack_user_id: null,
      client_country: 'GB',
      organization_id: 3321,
      organization_name: 'Analytical Engines Ltd',
      contractor_country: null,
      hris_organization_user_id: null,
    });
  });

  server.route('GET', '/rest/v2/contracts', (request) => {
    server.count('contracts');
    const grant = apiGrant(request, 'contracts:read');
    if (!isGrant(grant)) return grant;
    return json(200, { data: [{ id: 'm3jk2j', title: 'Backend Engineer', type: 'ongoing_time_based', status: 'in_progress' }], page: { cursor: null, total_rows: 1 } });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.userId === user.userId),
    failNextProfile: profileFailure.queue,
    refreshRedirectUris,
  };
}
