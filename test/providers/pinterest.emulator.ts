/**
 * An emulator of Pinterest's OAuth (www.pinterest.com/oauth,
 * api.pinterest.com/v5/oauth) and of the part of its API v5 a connection
 * touches, written from Pinterest's documentation
 * (https://developers.pinterest.com/docs/getting-started/set-up-authentication-and-authorization/)
 * and its OpenAPI description of v5 (https://github.com/pinterest/api-description):
 * - Authorize: `GET /oauth/` with `client_id`, `redirect_uri`,
 *   `response_type=code`, `state` and `scope`, a comma-separated list (a
 *   space-joined one is a scope it does not know). Back with `code` and
 *   `state`; a person who declines is sent back with RFC 6749's
 *   `error=access_denied` (what Pinterest sends then is not documented).
 * - Token: `POST /v5/oauth/token`, a form, with the app's ID and secret as
 *   HTTP Basic (base64 of `id:secret` as they are). The answer has
 *   `access_token`, `token_type: "bearer"`, `expires_in` (30 days), `scope`
 *   (comma-separated here: its separator is not documented),
 *   `refresh_token`, `refresh_token_expires_in`, `refresh_token_expires_at`
 *   and `response_type`. Refresh tokens are continuous: 60 days each, and a
 *   refresh answers a new one; whether the one used still works is not
 *   documented: it stops here. An app created before September 25, 2025
 *   (`createdBeforeSeptember2025`) is given a legacy refresh token (365 days)
 *   unless the code exchange carries `continuous_refresh=true`, and as
 *   Pinterest no longer supports those, a refresh with one is refused.
 *   Errors are `{ code, message }`: 401 with code 2 "Authentication failed."
 *   for the client (the documented example of `/oauth/token/revoke`), 401
 *   with code 283 "The authorization grant is invalid" for a code or refresh
 *   token it refuses (as Pinterest's SDK reports it; the status for a code is
 *   not documented).
 * - Revoke: `POST /v5/oauth/token/revoke` takes only tokens issued for
 *   system users: a person's token is answered 403 with code 29.
 * - API: `GET /v5/user_account` (scope `user_accounts:read`) answers the
 *   account (`id`, `username`, `account_type`, `profile_image`, …, no
 *   e-mail); `GET /v5/boards` (scope `boards:read`) the boards as `{ items,
 *   bookmark }`. A token it does not take is 401 with code 2; a token without
 *   the scope 403 with code 403 (the documented user_account refusal).
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { isForm, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant, type IssuedTokens } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface PinterestUser {
  /** The user account id: digits, as a string. */
  id: string;
  username: string;
}

export interface PinterestEmulatorOptions extends EmulatorOptions {
  /** The app was created before September 25, 2025: a continuous refresh token only when the code exchange asks for one. */
  createdBeforeSeptember2025?: boolean;
}

export type PinterestEmulator = EmulatorHandle<PinterestUser>;

const DAY = 86_400;
const ACCESS_TOKEN_TTL = 30 * DAY;
const REFRESH_TOKEN_TTL = 60 * DAY;
const LEGACY_REFRESH_TOKEN_TTL = 365 * DAY;
const SCOPES = new Set(['ads:read', 'ads:write', 'boards:read', 'boards:read_secret', 'boards:write', 'boards:write_secret', 'catalogs:read', 'catalogs:write', 'pins:read', 'pins:read_secret', 'pins:write', 'pins:write_secret', 'user_accounts:read', 'user_accounts:write']);

export async function startPinterestEmulator(options: PinterestEmulatorOptions): Promise<PinterestEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<PinterestUser>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating', refreshTokenTtl: REFRESH_TOKEN_TTL, prefixes: { access: 'pina_', refresh: 'pinr_' } });
  const controls = emulatorControls<PinterestUser>(server, grants);
  /** Grants given a legacy refresh token, which Pinterest no longer takes. */
  const legacy = new Set<string>();

  authorizationEndpoint(server, '/oauth/', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const asked = requestedScopes(query, ',');
      return asked.length === 0 || asked.some((scope) => !SCOPES.has(scope)) ? { error: 'invalid_scope' } : undefined;
    },
    pkce: false,
    request: (query) => ({ scope: requestedScopes(query, ',').join(' ') }),
  });

  const fault = (status: number, code: number, message: string): EmulatorReply => json(status, { code, message });
  /** Basic with `id:secret` as they are. */
  const isClient = (request: EmulatorRequest): boolean => basicAsSent(request, options);
  const answer = (grant: Grant<PinterestUser>, tokens: IssuedTokens, responseType: string): EmulatorReply => {
    const refreshTtl = legacy.has(grant.id) ? LEGACY_REFRESH_TOKEN_TTL : tokens.refreshTokenExpiresIn!;
    return json(200, {
      access_token: tokens.accessToken,
      token_type: 'bearer',
      expires_in: tokens.expiresIn,
      scope: grant.scope.split(' ').join(','),
      refresh_token: tokens.refreshToken,
      refresh_token_expires_in: refreshTtl,
      refresh_token_expires_at: now() + refreshTtl,
      response_type: responseType,
    });
  };

  tokenEndpoint(server, '/v5/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    // The client is checked first, then a body that is not a form refused.
    authenticates: (request) => {
      if (!isClient(request)) return false;
      return isForm(request) || fault(400, 1, 'Invalid request body');
    },
    pkce: false,
    errors: {
      client: () => fault(401, 2, 'Authentication failed.'),
      grantType: () => fault(400, 1, 'Invalid grant_type'),
      refreshToken: () => fault(401, 283, 'The authorization grant is invalid'),
      code: () => fault(401, 283, 'The authorization grant is invalid'),
    },
    // A legacy refresh token, which Pinterest no longer takes, is refused before it is used.
    refuseRefresh: (presented) => {
      const grant = grants.grantOfToken(presented);
      return grant && legacy.has(grant.id) ? fault(401, 283, 'The authorization grant is invalid') : undefined;
    },
    refuseCode: (form) => {
      if (form.has('continuous_refresh')) server.count('continuous_refresh');
      return undefined;
    },
    answer: ({ grantType, grant, tokens, form }) => {
      if (grantType === 'authorization_code' && options.createdBeforeSeptember2025 && form.get('continuous_refresh') !== 'true') legacy.add(grant.id);
      return answer(grant, tokens, grantType);
    },
  });

  server.route('POST', '/v5/oauth/token/revoke', (request) => {
    server.count('revoke');
    if (!isClient(request)) return fault(401, 2, 'Authentication failed.');
    return fault(403, 29, 'You are not permitted to access that resource.');
  });

  /** The grant of the request's Bearer token when it holds `scope`, else Pinterest's refusal. */
  const authorized = (request: EmulatorRequest, scope: string): Grant<PinterestUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return fault(401, 2, 'Authentication failed.');
    if (!grant.scope.split(' ').includes(scope)) return fault(403, 403, 'Not authorized to access the user account.');
    return grant;
  };

  server.route('GET', '/v5/user_account', (request) => {
    server.count('user_account');
    const grant = authorized(request, 'user_accounts:read');
    if ('status' in grant) return grant;
    const { id, username } = grant.user;
    return json(200, {
      account_type: 'PINNER',
      id,
      username,
      about: '',
      business_name: null,
      profile_image: `https://i.pinimg.com/600x600_R/${id.slice(-2)}/${id}.jpg`,
      website_url: '',
      board_count: 1,
      pin_count: 12,
      follower_count: 3,
      following_count: 7,
      monthly_views: 0,
    });
  });

  server.route('GET', '/v5/boards', (request) => {
    server.count('boards');
    const grant = authorized(request, 'boards:read');
    if ('status' in grant) return grant;
    return json(200, { items: [{ id: '549755885175', name: 'Summer Recipes', privacy: 'PUBLIC', owner: { username: grant.user.username } }], bookmark: null });
  });

  return controls.handle;
}
