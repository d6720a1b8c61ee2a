/**
 * An emulator of Dialpad's OAuth (dialpad.com's /oauth2/authorize,
 * /oauth2/token and /oauth2/deauthorize) and of the part of API v2 a
 * connection touches, written from Dialpad's documentation
 * (https://developers.dialpad.com/docs/oauth,
 * https://developers.dialpad.com/docs/authentication-basics) and its
 * OpenAPI description of API v2 (`dialpad_api_spec.json` in
 * https://github.com/dialpad/dialpad-python-sdk):
 * - Authorize: `GET /oauth2/authorize` with `client_id`, `redirect_uri`,
 *   `response_type=code`, `state`, `scope` and PKCE (`S256` or `plain`). A
 *   person who refuses is sent back with RFC 6749's `access_denied` (Dialpad
 *   does not show its refusal). A refresh token comes with `offline_access`,
 *   as Alter's Dialpad page says (not Dialpad's own).
 * - Token: `POST /oauth2/token`, JSON as the spec gives it (a form is read
 *   too here, which Dialpad does not say), the client's id and secret in the
 *   body or as Basic credentials, `code_verifier` checked against the
 *   challenge; the answer is `access_token`, `token_type`, `expires_in`
 *   (3600 here: Dialpad does not give the lifetime in what was read),
 *   `refresh_token`, and `id_token` only with `openid`. Each refresh answers
 *   "another refresh token", the used one refused here. Refusals are RFC
 *   6749's (Dialpad does not show them).
 * - API (under /api/v2): `GET /users/me` (`id` as a string of digits,
 *   `emails`, `first_name`, `last_name`, `display_name`, `company_id`,
 *   `state`) and `GET /contacts` (`{ items, cursor }`), the token as Bearer;
 *   a token it does not take is a 401 (its body is not documented).
 *   `POST /oauth2/deauthorize` with the token as Bearer revokes the app's
 *   tokens (204).
 * The person may remove the app (`removeApp`), which ends its grants. The
 * authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent, credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface DialpadUser {
  /** The Dialpad user id, an int64 written as a string. */
  id: string;
  companyId: string;
  email: string;
  firstName: string;
  lastName: string;
}

export interface DialpadEmulator extends EmulatorHandle<DialpadUser> {
  /** The app is removed for this person: every token of theirs stops working. */
  removeApp(user: DialpadUser): void;
  /** The next users/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

const ACCESS_TOKEN_TTL = 3600;
const UNAUTHORIZED = () => json(401, { error: { code: 401, message: 'Unauthorized' } });

export async function startDialpadEmulator(options: EmulatorOptions): Promise<DialpadEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<DialpadUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<DialpadUser>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    denied: describedError('access_denied'),
    request: (query) => ({ refreshToken: requestedScopes(query).includes('offline_access') }),
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => credentialsIn(jsonOrForm(request), options) || basicAsSent(request, options),
    parameters: jsonOrForm,
    errors: { client: () => oauthError(401, 'invalid_client') },
    answer: ({ grant, tokens }) => {
      const { scope: _unsent, ...members } = tokenMembers(tokens, undefined, 'Bearer');
      const openid = grant.scope.split(' ').includes('openid');
      return json(200, { ...members, ...(openid ? { id_token: 'eyJhbGciOiJSUzI1NiJ9.e30.unread' } : {}) });
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, UNAUTHORIZED);

  server.route('GET', '/api/v2/users/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: { code: status, message: 'Internal error' } });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.id,
      company_id: user.companyId,
      display_name: `${user.firstName} ${user.lastName}`,
      emails: [user.email],
      first_name: user.firstName,
      last_name: user.lastName,
      state: 'active',
      timezone: 'US/Pacific',
    });
  });

  server.route('GET', '/api/v2/contacts', (request) => {
    server.count('contacts');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      items: [{ id: '5094346540154880', display_name: 'Ada Contact', first_name: 'Ada', last_name: 'Contact', owner_id: grant.user.companyId, primary_email: 'ada.contact@example.com', type: 'shared' }],
    });
  });

  server.route('POST', '/oauth2/deauthorize', (request) => {
    server.count('revoke');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    grants.revokeGrant(grant.id);
    return { status: 204 };
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
  };
}
