/**
 * An emulator of Front's OAuth (app.frontapp.com's /oauth/authorize and
 * /oauth/token) and of the part of its Core API (api2.frontapp.com) a
 * connection touches, written from Front's documentation
 * (https://dev.frontapp.com/docs/oauth, its token steps as the Markdown
 * source of Front's API documentation has them;
 * https://dev.frontapp.com/docs/authentication):
 * - Authorize: `GET /oauth/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` and an optional `state`; no scope
 *   parameter: the grant gets the scopes set on the app. An unknown client
 *   or redirect URI is a page; a person who declines goes back with RFC
 *   6749's `error=access_denied` (not documented: assumed).
 * - Token: `POST /oauth/token`, the client by HTTP Basic of its id and
 *   secret as they are and by nothing else (the guide's "MUST"), a form with
 *   `grant_type=authorization_code`, `code` and `redirect_uri` (which must be
 *   the authorization's), or `grant_type=refresh_token` and
 *   `refresh_token`; no PKCE read. The answer is `access_token`,
 *   `refresh_token` and `token_type: "Bearer"`, no lifetime said; access
 *   tokens end an hour after they are issued. A refresh answers a new access
 *   token and the same refresh token, which ends six months after it was
 *   issued (its renewal near that end is not emulated). Refusals are RFC
 *   6749 §5.2's (not documented: assumed), 401 `invalid_client` for the
 *   client.
 * - API: the token as Bearer; `GET /me` the token's identity, `{ _links: {
 *   self }, id, name }` of the company (as Front's published OpenAPI
 *   document names them); `GET /teammates` the company's teammates as
 *   `_results`. A token it does not take (expired, or the app uninstalled)
 *   is 401 with Front's `{ _error: { status, title, message } }`.
 * There is no revocation endpoint. The authorization page approves at once
 * for signInAs()'s company.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface FrontCompany {
  /** The company's id, `cmp_…`. */
  id: string;
  name: string;
  /** Its teammates, for the API route the proxy test calls. */
  teammates: Array<{ id: string; email: string; first_name: string; last_name: string }>;
}

export interface FrontEmulator extends EmulatorHandle<FrontCompany> {
  /** The company uninstalls the app: its tokens, refresh tokens too, stop working. */
  uninstall(companyId: string): void;
  /** Front stops taking this access token before its hour is up; its refresh token stays good. */
  endAccessToken(accessToken: string): void;
}

const ACCESS_TOKEN_TTL = 60 * 60;
const REFRESH_TOKEN_TTL = 182 * 86_400;
const frontError = (status: number, title: string, message: string): EmulatorReply => json(status, { _error: { status, title, message } });

export async function startFrontEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<FrontEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<FrontCompany>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'static', refreshTokenTtl: REFRESH_TOKEN_TTL });
  const controls = emulatorControls<FrontCompany>(server, grants);

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'Invalid client', redirectUri: 'Invalid redirect URI' },
    pkce: false,
    // No scope parameter: the grant gets the scopes set on the app.
    request: () => ({ scope: '' }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options),
    errors: { client: () => oauthError(401, 'invalid_client', 'Client authentication failed.') },
    answer: ({ tokens, form }) =>
      json(200, { access_token: tokens.accessToken, refresh_token: tokens.refreshToken ?? form.get('refresh_token'), token_type: 'Bearer' }),
  });

  /** The grant of the request's Bearer token; Front's 401 otherwise. */
  const authorized = (request: EmulatorRequest) => bearerGrant(grants, request, () => frontError(401, 'Unauthorized', 'Your token is invalid or has expired.'));

  server.route('GET', '/me', (request) => {
    server.count('me');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    const { id, name } = grant.user;
    return json(200, { _links: { self: `${server.origin}/me` }, id, name });
  });

  server.route('GET', '/teammates', (request) => {
    server.count('teammates');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      _links: { self: `${server.origin}/teammates` },
      _results: grant.user.teammates.map((teammate) => ({ _links: { self: `${server.origin}/teammates/${teammate.id}` }, ...teammate, username: teammate.first_name.toLowerCase(), is_admin: true, is_available: true, is_blocked: false, type: 'user' })),
    });
  });

  return {
    ...controls.handle,
    endAccessToken: (accessToken) => {
      grants.revokeAccessToken(accessToken);
    },
    uninstall: (companyId) => grants.revokeGrantsOf((someone) => someone.id === companyId),
  };
}
