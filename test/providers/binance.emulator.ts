/**
 * An emulator of Binance Login (accounts.binance.com's /en/oauth/authorize
 * and /oauth/token) and of its OAuth APIs (www.binanceapis.com's
 * /oauth-api/v1/user-info and /oauth-api/v1/revoke-token), written from
 * Binance's developer docs
 * (https://developers.binance.com/docs/login/web-integration,
 * https://developers.binance.com/docs/binance-open-api/apis):
 * - Authorize: `GET /en/oauth/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri`, `state` and a required `scope`, the scopes
 *   comma-separated; the person is sent back with a `code`. A request with no
 *   scope, or a person who refuses, is sent back with RFC 6749's error
 *   (Binance does not show its own).
 * - Token: `POST /oauth/token` with `grant_type`, `code`, `redirect_uri`
 *   and the client's `client_id` and `client_secret` in the form (no Basic,
 *   no PKCE in the web flow); the answer is `access_token`,
 *   `refresh_token`, `scope`, `token_type: "bearer"` and `expires_in`
 *   (30714 here, the docs' example). A refresh answers a new refresh token;
 *   whether the old one ends is not documented, so it lasts here. Refusals
 *   are RFC 6749 §5.2's, which Binance does not show.
 * - OAuth API, the token as Bearer: `GET /oauth-api/v1/user-info` answers
 *   `{ code: "000000", message: null, data: { userId, email }, success: true }`;
 *   `POST /oauth-api/v1/revoke-token` clears that access token and answers
 *   `data: true`. A token the API does not take is a 401 here (Binance
 *   does not document that answer).
 * The person may remove the app's access (`removeAccess`), which ends its
 * grants. The authorization page approves at once for signInAs()'s user.
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

export interface BinanceUser {
  /** The user's opaque id, 32 hex digits. */
  userId: string;
  email: string;
}

export interface BinanceEmulator extends EmulatorHandle<BinanceUser> {
  /** The person removes the app's access at Binance: every token of theirs stops working. */
  removeAccess(user: BinanceUser): void;
  /** The next user-info request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as Binance read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** The `expires_in` of Binance's example token answer. */
export const BINANCE_ACCESS_TOKEN_SECONDS = 30714;

const unauthorized = () => json(401, { code: '401', message: 'Unauthorized', data: null, success: false });
const ok = (data: unknown) => json(200, { code: '000000', message: null, data, success: true });

export async function startBinanceEmulator(options: EmulatorOptions): Promise<BinanceEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<BinanceUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: BINANCE_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<BinanceUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/en/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => (query.get('scope') ? undefined : { error: 'invalid_request' }),
    request: (query) => ({ scope: (query.get('scope') ?? '').split(',').filter(Boolean).join(' ') }),
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
    answer: ({ grant, tokens }) => {
      const { access_token, refresh_token, expires_in } = tokenMembers(tokens, undefined, 'bearer');
      return json(200, { access_token, refresh_token, scope: grant.scope, token_type: 'bearer', expires_in });
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/oauth-api/v1/user-info', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { code: String(status), message: 'Internal error', data: null, success: false });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return ok({ userId: grant.user.userId, email: grant.user.email });
  });

  server.route('POST', '/oauth-api/v1/revoke-token', (request) => {
    server.count('revoke');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    grants.revokeAccessToken(request.bearer()!);
    return ok(true);
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.userId === user.userId),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
