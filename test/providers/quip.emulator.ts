/**
 * An emulator of Quip's OAuth 2.0 (platform.quip.com/1/oauth/login,
 * /1/oauth/access_token and /1/oauth/revoke) and of the part of its
 * Automation API a connection touches, written from Quip's Automation API
 * documentation (https://quip.com/dev/automation/documentation/current) and
 * Quip's own client libraries (https://github.com/quip/quip-api):
 * - Authorize: `GET /1/oauth/login` with `client_id`, `redirect_uri`,
 *   `state` and `response_type=code` in the query; no scope (the API key's
 *   permissions are granted); a person who declines comes back with
 *   `error=access_denied` (its description is this emulator's).
 * - Token: `POST /1/oauth/access_token`, a URL-encoded form with
 *   `client_id` and `client_secret`, for `authorization_code` (with the
 *   `redirect_uri` the authorization named) and `refresh_token`. It answers
 *   `access_token`, `refresh_token`, `expires_in` (30 days) and
 *   `token_type` "Bearer"; a refresh answers a new access token and no
 *   refresh token, the one spent still taken (the 'static' policy: Quip's
 *   rotation is not documented on the pages at hand). Refusals are RFC
 *   6749 §5.2's.
 * - `POST /1/oauth/revoke`, a form with `token`, `client_id` and
 *   `client_secret`: a refresh token revoked ends its grant, an access token
 *   only itself, answering 200 (an empty JSON object here); a client it does
 *   not know is 401, a form without a token 400.
 * - `GET /1/users/current`: the token's user, `id`, `name`, `emails`,
 *   `company_id`, `is_robot` and its folder ids (as Quip's OpenAPI
 *   description shows it); `GET /1/threads/recent`: the person's recently
 *   updated threads, keyed by id (their members here are this emulator's).
 *   A token it does not take is a 401 with a JSON `error_description`
 *   (worded by this emulator).
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn, formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface QuipUser {
  /** The user's Quip id, 11 letters and digits. */
  id: string;
  name: string;
  emails: string[];
}

export interface QuipEmulator extends EmulatorHandle<QuipUser> {
  /** The admin deletes the API key, or the person is deactivated: every token of theirs stops working. */
  endGrantsOf(user: QuipUser): void;
  /** The next /1/users/current request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each revocation, in order. */
  readonly revocations: ReadonlyArray<URLSearchParams>;
}

const ACCESS_TOKEN_TTL = 30 * 86_400;

const unauthorized = () => json(401, { error_code: 401, error_description: 'Invalid or expired access token (emulator wording)' });

export async function startQuipEmulator(options: EmulatorOptions): Promise<QuipEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<QuipUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'static' });
  const controls = emulatorControls<QuipUser>(server, grants);
  const revocations: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/1/oauth/login', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    denied: { error: 'access_denied', error_description: 'The user denied the request (emulator wording)' },
  });

  tokenEndpoint(server, '/1/oauth/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ tokens }) => {
      const { scope: _none, ...members } = tokenMembers(tokens, undefined, 'Bearer');
      return json(200, members);
    },
  });

  server.route('POST', '/1/oauth/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocations.push(form);
    if (!credentialsIn(form, options)) return json(401, { error: 'invalid_client', error_description: 'Unknown client (emulator wording)' });
    const token = form.get('token');
    if (!token) return json(400, { error: 'invalid_request', error_description: 'Missing token (emulator wording)' });
    const grant = grants.grantOfToken(token);
    if (grant && !grants.revokeAccessToken(token)) grants.revokeGrant(grant.id);
    return json(200, {});
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/1/users/current', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error_code: status, error_description: 'Internal error (emulator wording)' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.id,
      name: user.name,
      is_robot: false,
      affinity: 0,
      company_id: 'IMbAcASGu56',
      emails: user.emails,
      disabled: false,
      created_usec: 1_632_022_665_732_239,
      desktop_folder_id: `D${user.id.slice(1)}`,
      archive_folder_id: `A${user.id.slice(1)}`,
      private_folder_id: `P${user.id.slice(1)}`,
    });
  });

  server.route('GET', '/1/threads/recent', (request) => {
    server.count('threads_recent');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { adHAAAKik9A: { thread: { id: 'adHAAAKik9A', title: 'Quarterly plan', type: 'document', author_id: grant.user.id, link: 'https://quip.com/adHAAAKik9A' } } });
  });

  return {
    ...controls.handle,
    endGrantsOf: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    revocations,
  };
}
