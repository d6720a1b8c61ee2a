/**
 * An emulator of Procore's OAuth 2.0 server (login.procore.com's
 * /oauth/authorize, /oauth/token and /oauth/revoke) and of the part of its
 * REST API (api.procore.com) a connection touches, on one host, as a
 * stand-in named by `<NAME>_BASE_URL` is. Written from Procore's
 * documentation:
 * - Authorize (https://developers.procore.com/documentation/content/oauth-endpoints):
 *   `GET /oauth/authorize` with `response_type=code`, `client_id`, the
 *   registered `redirect_uri` and `state`; no scope, no PKCE. The code lasts
 *   10 minutes and is good once. A person who declines is sent back with
 *   `access_denied` (RFC 6749's: Procore names none).
 * - Token (the same page): `POST /oauth/token` with `grant_type`,
 *   `client_id` and `client_secret` in the form, and the code with its
 *   `redirect_uri`, or the refresh token. The answer is `access_token`,
 *   `token_type`, `expires_in` (5400: 90 minutes), `refresh_token` and
 *   `created_at`. Refresh tokens are single-use: each refresh answers a new
 *   pair and the spent one is refused
 *   (https://developers.procore.com/documentation/content/troubleshooting). Refusals
 *   are RFC 6749 §5.2's (not documented).
 * - Revoke (the endpoints page): `POST /oauth/revoke`, form data with
 *   `token` (the access token), `client_id` and `client_secret`; it revokes
 *   the access token and the refresh token both, and answers 200 also for a
 *   token that is not valid (a refresh token given as `token` is such a token
 *   here: the page names the access token only).
 * - API: `GET /rest/v1.0/me` answers the authenticated user's `id` (an
 *   integer, the same across companies), `login` (their e-mail) and `name`
 *   (https://developers.procore.com/documentation/content/oauth-auth-grant-flow);
 *   `GET /rest/v1.0/companies` the companies the person reaches (`id`,
 *   `name`, `is_active`). A token it does not take is 401
 *   (https://developers.procore.com/documentation/content/error-reference).
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface ProcoreUser {
  /** The Procore user id, globally unique across companies. */
  id: number;
  /** The person's e-mail, which Procore calls their login. */
  login: string;
  name: string;
  /** The company the person belongs to. */
  company: string;
}

export interface ProcoreEmulator extends EmulatorHandle<ProcoreUser> {
  /** The `token` of each revocation request, in order. */
  readonly revoked: ReadonlyArray<string>;
}

const ACCESS_TOKEN_TTL = 5400;

export async function startProcoreEmulator(options: EmulatorOptions): Promise<ProcoreEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<ProcoreUser>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating', codeTtl: 600 });
  const controls = emulatorControls<ProcoreUser>(server, grants);
  const revoked: string[] = [];

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'The redirect URI or client is invalid',
    denied: describedError('access_denied'),
    pkce: false,
    // Procore's authorization takes no scope: a code's grant has none, whatever is sent.
    request: () => ({ scope: '' }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    errors: {
      client: () => json(401, describedError('invalid_client')),
      code: () => json(400, describedError('invalid_grant')),
      refreshToken: () => json(400, describedError('invalid_grant')),
    },
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'Bearer', expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken, created_at: now() }),
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    if (!formCredentials(request, options)) return oauthError(401, 'invalid_client');
    const token = request.form().get('token') ?? '';
    revoked.push(token);
    // The access token revokes its grant, the refresh token with it; anything else is not a valid token, and still 200.
    const grant = grants.grantOfAccessToken(token);
    if (grant) grants.revokeGrant(grant.id);
    return json(200, {});
  });

  /** The grant of the request's Bearer token, or Procore's 401. */
  const authorized = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { errors: 'The access token is invalid' }));

  server.route('GET', '/rest/v1.0/me', (request) => {
    server.count('me');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { id: user.id, login: user.login, name: user.name });
  });

  server.route('GET', '/rest/v1.0/companies', (request) => {
    server.count('companies');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    return json(200, [{ id: 8_089, name: grant.user.company, is_active: true, my_company: true }]);
  });

  return { ...controls.handle, revoked };
}
