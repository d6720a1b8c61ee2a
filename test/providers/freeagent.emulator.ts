/**
 * An emulator of FreeAgent's OAuth 2.0 (api.freeagent.com/v2/approve_app,
 * api.freeagent.com/v2/token_endpoint) and of the part of the FreeAgent API
 * a connection touches, written from FreeAgent's documentation
 * (https://dev.freeagent.com/docs/oauth, https://dev.freeagent.com/docs/users,
 * https://api-discuss.freeagent.com/t/notice-upcoming-access-token-authentication-changes/2033,
 * https://api-discuss.freeagent.com/t/regarding-refresh-token-expiry/6309):
 * - Authorize: `GET /v2/approve_app` with `client_id`, `response_type=code`,
 *   `redirect_uri` and `state`; no scopes. A user who denies access is sent
 *   back with `error=access_denied` (RFC 6749 §4.1.2.1; FreeAgent shows no
 *   refusal). A code lives 15 minutes.
 * - Token: `POST /v2/token_endpoint`, the client as HTTP Basic (Client ID
 *   as the username, Client Secret as the password) and the parameters as
 *   a form. The answer is `access_token`, `token_type: "bearer"`,
 *   `expires_in` (3600), `refresh_token` and `refresh_token_expires_in`; a
 *   refresh answers a refresh token too (the same one here, FreeAgent not
 *   saying whether it is new) with its remaining lifetime (20 years here,
 *   FreeAgent saying only that the answer gives it). Refusals are RFC 6749's
 *   (`invalid_grant` for a used, ended or revoked code or refresh token).
 * - API: `GET /v2/users/me` (`{ user: { url, first_name, last_name, email,
 *   role, permission_level, … } }`) and `GET /v2/contacts`, the token as
 *   Bearer; 401 for a token it does not take. No revocation endpoint.
 * FreeAgent may revoke a refresh token (`revokeRefreshTokens`), which ends
 * the grant. The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface FreeAgentUser {
  /** The user's number in the company, the last segment of its URL. */
  id: number;
  firstName: string;
  lastName: string;
  email: string;
}

export interface FreeAgentEmulator extends EmulatorHandle<FreeAgentUser> {
  /** FreeAgent revokes the user's refresh tokens (e.g. a lost phone reported): every token of theirs stops working. */
  revokeRefreshTokens(user: FreeAgentUser): void;
  /** The next /v2/users/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

const ACCESS_TOKEN_TTL = 3600;
const REFRESH_TOKEN_TTL = 20 * 365 * 86_400;

/** The URL FreeAgent names a user by, its unique identifier. */
export function freeAgentUserUrl(user: FreeAgentUser): string {
  return `https://api.freeagent.com/v2/users/${user.id}`;
}

export async function startFreeAgentEmulator(options: EmulatorOptions): Promise<FreeAgentEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<FreeAgentUser>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'static', refreshTokenTtl: REFRESH_TOKEN_TTL, codeTtl: 15 * 60 });
  const controls = emulatorControls<FreeAgentUser>(server, grants);
  const refreshTokenEnds = new Map<string, number>();
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/v2/approve_app', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/v2/token_endpoint', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options),
    pkce: false,
    answer: ({ grant, tokens, form }) => {
      const refreshToken = tokens.refreshToken ?? form.get('refresh_token')!;
      if (!refreshTokenEnds.has(grant.id)) refreshTokenEnds.set(grant.id, now() + REFRESH_TOKEN_TTL);
      return json(200, {
        access_token: tokens.accessToken,
        token_type: 'bearer',
        expires_in: tokens.expiresIn,
        refresh_token: refreshToken,
        refresh_token_expires_in: refreshTokenEnds.get(grant.id)! - now(),
      });
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { errors: { error: { message: 'Access token not recognised' } } }));

  server.route('GET', '/v2/users/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { errors: { error: { message: 'Internal server error' } } });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      user: {
        url: freeAgentUserUrl(user),
        first_name: user.firstName,
        last_name: user.lastName,
        email: user.email,
        role: 'Director',
        permission_level: 8,
        opening_mileage: 0,
        created_at: '2025-04-01T09:00:00Z',
        updated_at: '2026-10-12T15:30:00Z',
      },
    });
  });

  server.route('GET', '/v2/contacts', (request) => {
    server.count('contacts');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      contacts: [{ url: 'https://api.freeagent.com/v2/contacts/17', organisation_name: 'Acme Trading Ltd', email: 'accounts@acme.example', status: 'Active', created_at: '2026-01-05T10:00:00Z' }],
    });
  });

  return {
    ...controls.handle,
    revokeRefreshTokens: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
  };
}
