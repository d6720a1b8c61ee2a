/**
 * An emulator of 42's OAuth 2.0 (api.intra.42.fr/oauth/authorize, /oauth/token) and of the part of API v2 a
 * connection touches, written from 42's guides (https://api.intra.42.fr/apidoc/guides/web_application_flow,
 * https://api.intra.42.fr/apidoc/guides/getting_started, https://api.intra.42.fr/apidoc/guides/specification):
 * - Authorize: `GET /oauth/authorize` with the application's `client_id` and redirect URI, a space-separated `scope`
 *   (`public`, `projects`, `profile`, `elearning`, `tig`, `forum`) and `state`; approved, a code comes back.
 * - Token: `POST /oauth/token`, the client's uid and secret in the form with the code and the redirect URI; JSON
 *   `access_token`, `token_type: "bearer"`, `expires_in` (7200), `scope` and `created_at`, no refresh token (so a
 *   refresh grant is refused).
 * - API v2: the token as Bearer, else 401. `GET /v2/me` answers the token's user; `GET /v2/cursus` the cursus.
 * Made up here (42's stored pages do not show them): the pages for an unknown client or redirect URI, a declined
 * authorization (`access_denied`), refusals as RFC 6749 §5.2's bare `error`, the 401's body. revokeApp() is the
 * person revoking the application's token on the intranet. The authorization page approves at once for
 * signInAs()'s person.
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

export interface FortyTwoUser {
  /** 42's user id. */
  id: number;
  login: string;
  firstName: string;
  lastName: string;
}

export interface FortyTwoEmulator extends EmulatorHandle<FortyTwoUser> {
  /** The person revokes the application on the intranet: every token of theirs stops working. */
  revokeApp(user: FortyTwoUser): void;
  /** The next /v2/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

/** 42's access tokens last 2 hours. */
export const FORTYTWO_ACCESS_TOKEN_SECONDS = 7200;
const SCOPES = new Set(['public', 'projects', 'profile', 'elearning', 'tig', 'forum']);

const unauthorized = () => json(401, { error: 'Not authorized', message: 'The access token is invalid' });

export async function startFortyTwoEmulator(options: EmulatorOptions): Promise<FortyTwoEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<FortyTwoUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: FORTYTWO_ACCESS_TOKEN_SECONDS, refreshPolicy: 'none' });
  const controls = emulatorControls<FortyTwoUser>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => (requestedScopes(query).every((scope) => SCOPES.has(scope)) ? undefined : { error: 'invalid_scope' }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ grant, tokens }) => json(200, { ...tokenMembers(tokens, grant.scope, 'bearer'), created_at: options.now?.() ?? Math.floor(Date.now() / 1000) }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/v2/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'Internal Server Error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.id,
      email: `${user.login}@student.42.fr`,
      login: user.login,
      first_name: user.firstName,
      last_name: user.lastName,
      usual_full_name: `${user.firstName} ${user.lastName}`,
      usual_first_name: null,
      url: `https://api.intra.42.fr/v2/users/${user.login}`,
      phone: 'hidden',
      displayname: `${user.firstName} ${user.lastName}`,
      kind: 'student',
      image: { link: `https://cdn.intra.42.fr/users/${user.login}.jpg`, versions: { small: `https://cdn.intra.42.fr/users/small_${user.login}.jpg` } },
      'staff?': false,
      correction_point: 4,
      pool_month: 'september',
      pool_year: '2024',
      location: null,
      wallet: 120,
      'alumni?': false,
      'active?': true,
    });
  });

  server.route('GET', '/v2/cursus', (request) => {
    server.count('cursus');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, [{ id: 21, created_at: '2019-07-29T08:45:17.896Z', name: '42cursus', slug: '42cursus', kind: 'main' }]);
  });

  return {
    ...controls.handle,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
  };
}
