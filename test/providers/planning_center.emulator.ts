/**
 * An emulator of Planning Center's OAuth 2.0 and API as its developer
 * documentation describes them (https://api.planningcenteronline.com/docs/overview/authentication):
 * - `GET /oauth/authorize` with `client_id`, `redirect_uri`,
 *   `response_type=code` and `scope`, the products' names space separated; a
 *   scope it does not know is sent back as `invalid_scope`, a person who
 *   declines as `access_denied`. No PKCE.
 * - `POST /oauth/token`, a form with the client's id and secret in it;
 *   2-hour access tokens, each refresh answering a new refresh token and
 *   ending the spent one (both assumed, as the preset says).
 * - `GET /current/v2/me` (the Current API: any token, whatever its scopes),
 *   a JSON:API Person with `first_name`, `last_name` and `email`, and with
 *   `?include=organization` its Organization in `included`
 *   (https://api.planningcenteronline.com/current/v2/open_api/2018-08-01).
 * - `GET /people/v2/people`, the People API, which needs the `people` scope
 *   (a 403 without it). A token the API does not take is a 401 with a
 *   JSON:API `errors` list.
 * No revocation endpoint: the person removing the connected application
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

export interface PlanningCenterUser {
  /** The Person's id within its organization (a string of digits). */
  id: string;
  /** The organization (church) the person belongs to. */
  organizationId: string;
  organizationName: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface PlanningCenterEmulator extends EmulatorHandle<PlanningCenterUser> {
  /** The person removes the connected application in Planning Center: every token of theirs stops working. */
  removeAccess(user: PlanningCenterUser): void;
  /** The next /current/v2/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as Planning Center read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** The access tokens' lifetime, 2 hours (assumed). */
export const PLANNING_CENTER_ACCESS_TOKEN_SECONDS = 2 * 3600;

const SCOPES = new Set(['api', 'calendar', 'check_ins', 'giving', 'groups', 'home', 'people', 'publishing', 'registrations', 'services']);

const apiError = (status: number, title: string) => json(status, { errors: [{ status: String(status), title }] });

export async function startPlanningCenterEmulator(options: EmulatorOptions): Promise<PlanningCenterEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<PlanningCenterUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: PLANNING_CENTER_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<PlanningCenterUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      const scopes = (query.get('scope') ?? '').split(' ').filter((scope) => scope !== '');
      return scopes.length > 0 && scopes.every((scope) => SCOPES.has(scope)) ? undefined : { error: 'invalid_scope' };
    },
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
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'bearer')),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => apiError(401, 'Unauthorized'));

  server.route('GET', '/current/v2/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return apiError(status, 'Internal Server Error');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    const withOrganization = (request.url.searchParams.get('include') ?? '').split(',').includes('organization');
    const organization = { type: 'Organization', id: user.organizationId };
    return json(200, {
      data: {
        type: 'Person',
        id: user.id,
        attributes: { email: user.email, first_name: user.firstName, last_name: user.lastName },
        relationships: withOrganization ? { organization: { data: organization } } : {},
        links: { self: `https://api.planningcenteronline.com/current/v2/people/${user.id}` },
      },
      ...(withOrganization ? { included: [{ ...organization, attributes: { name: user.organizationName }, relationships: {} }] } : {}),
      meta: {},
    });
  });

  server.route('GET', '/people/v2/people', (request) => {
    server.count('people');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!(grant.scope ?? '').split(' ').includes('people')) return apiError(403, 'Forbidden');
    const { user } = grant;
    return json(200, {
      data: [{ type: 'Person', id: user.id, attributes: { first_name: user.firstName, last_name: user.lastName, status: 'active' } }],
      included: [],
      meta: { total_count: 1, count: 1, parent: { id: user.organizationId, type: 'Organization' } },
    });
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id && someone.organizationId === user.organizationId),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
