/**
 * An emulator of one Blackboard Learn install's three-legged OAuth and REST API, written from Anthology's pages
 * (https://docs.anthology.com/docs/blackboard/rest-apis/getting-started/3lo,
 * https://docs.anthology.com/docs/blackboard/rest-apis/getting-started/basic-authentication,
 * https://docs.anthology.com/docs/blackboard/rest-apis/demo-code/curl-demo):
 * - `GET /learn/api/public/v1/oauth2/authorizationcode` with the application key as `client_id`, the redirect URI,
 *   `response_type=code`, `scope` (among `read`, `write`, `delete`, `offline`) and `state`; a PKCE challenge is
 *   taken with the S256 method only;
 * - `POST /learn/api/public/v1/oauth2/token` with the client as HTTP Basic of `key:secret`; the code, redirect URI,
 *   verifier and refresh token are read from the URL's query, where Anthology's pages put them, or from the form, as
 *   a servlet reads a form's parameters; the answer is `access_token`, `token_type: "bearer"`, `expires_in` (3599),
 *   `scope`, `user_id` (the person's uuid) and, only when `offline` was granted, `refresh_token`;
 * - `GET /learn/api/public/v1/users/me` (the User: `id`, the primary key, `uuid`, `userName`, `name`, `contact`)
 *   and `GET /learn/api/public/v1/users/me/courses` (the person's memberships, a `results` page), the token as
 *   Bearer; errors are JSON `{ status, message }`.
 * Made up here: the refusals of the authorization and token endpoints (RFC 6749's errors), that a refresh answers a
 * new refresh token and the old one lasts, the API's answer to a token it does not take (401 with Learn's error
 * shape), and the memberships' members beyond the ids and the role.
 * The authorization page approves at once for signInAs()'s person.
 */
import { requestedScopes } from './kit/authorization.js';
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface BlackboardUser {
  /** The user's uuid (32 hex digits), the id the token answer names. */
  uuid: string;
  /** The primary key (`_123_1`), which a migration of the install changes. */
  pk1: string;
  given: string;
  family: string;
  userName: string;
  email: string;
  /** Course ids the person is enrolled in. */
  courses: string[];
}

export interface BlackboardEmulator extends EmulatorHandle<BlackboardUser> {
  /** The person's access is taken away (the application's authorization removed): every token of theirs stops working. */
  revokeAccessOf(user: BlackboardUser): void;
  /** The next /users/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

/** Learn's access tokens last an hour (3599 s in its example). */
export const BLACKBOARD_ACCESS_TOKEN_SECONDS = 3599;

const LEARN_SCOPES = ['read', 'write', 'delete', 'offline'];

const learnError = (status: number, message: string) => json(status, { status, message });

/** A servlet's request parameters: the query's, then the form's. */
function requestParameters(request: EmulatorRequest): URLSearchParams {
  return new URLSearchParams([...request.url.searchParams, ...request.form()]);
}

export async function startBlackboardEmulator(options: EmulatorOptions): Promise<BlackboardEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<BlackboardUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: BLACKBOARD_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<BlackboardUser>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/learn/api/public/v1/oauth2/authorizationcode', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const scopes = requestedScopes(query);
      if (scopes.length === 0 || scopes.some((scope) => !LEARN_SCOPES.includes(scope))) return { error: 'invalid_scope' };
      if (query.has('code_challenge') && query.get('code_challenge_method') !== 'S256') return { error: 'invalid_request' };
      return undefined;
    },
    request: (query) => ({ refreshToken: requestedScopes(query).includes('offline') }),
  });

  tokenEndpoint(server, '/learn/api/public/v1/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options),
    parameters: requestParameters,
    answer: ({ grant, tokens }) => json(200, { ...tokenMembers(tokens, grant.scope, 'bearer'), user_id: grant.user.uuid }),
  });

  const caller = (request: EmulatorRequest) => bearerGrant(grants, request, () => learnError(401, 'API request is not authorized.'));

  server.route('GET', '/learn/api/public/v1/users/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return learnError(status, 'Internal Server Error');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.pk1,
      uuid: user.uuid,
      externalId: user.userName,
      dataSourceId: '_2_1',
      userName: user.userName,
      educationLevel: 'Unknown',
      gender: 'Unknown',
      created: '2021-08-30T14:02:11.518Z',
      systemRoleIds: ['User'],
      availability: { available: 'Yes' },
      name: { given: user.given, family: user.family },
      contact: { email: user.email },
    });
  });

  server.route('GET', '/learn/api/public/v1/users/me/courses', (request) => {
    server.count('memberships');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const results = grant.user.courses.map((courseId, index) => ({ id: `_${40 + index}_1`, userId: grant.user.pk1, courseId, dataSourceId: '_2_1', availability: { available: 'Yes' }, courseRoleId: 'Student' }));
    return json(200, { results });
  });

  return {
    ...controls.handle,
    revokeAccessOf: (user) => grants.revokeGrantsOf((someone) => someone.uuid === user.uuid),
    failNextProfile: profileFailure.queue,
  };
}
