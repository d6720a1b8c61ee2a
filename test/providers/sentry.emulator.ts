/**
 * An emulator of Sentry's OAuth (sentry.io's /oauth/authorize/ and
 * /oauth/token/) and of the part of its API a connection touches
 * (/api/0), written from Sentry's documentation
 * (https://docs.sentry.io/api/auth/, "OAuth2";
 * https://docs.sentry.io/api/permissions/;
 * https://docs.sentry.io/api/organizations/list-your-organizations/):
 * - Authorize: `GET /oauth/authorize/` with `client_id`,
 *   `response_type=code`, a space-separated `scope`, `redirect_uri`, `state`
 *   and a PKCE challenge (S256), bound to the code; a scope it does not know
 *   is sent back as `invalid_scope`, a person who declines as
 *   `access_denied`.
 * - Token: `POST /oauth/token/`, a form with `client_id` and
 *   `client_secret`; the answer is `access_token`, `refresh_token`,
 *   `expires_in` (30 days), `expires_at` (ISO 8601), `token_type: "bearer"`,
 *   `scope` and `user: { id, name, email }`, at the code exchange and at
 *   every refresh. A refresh answers a new refresh token and the used one is
 *   refused, and a refresh that sends `scope` is refused as
 *   `invalid_request`, as Sentry's server source does (the docs say neither).
 *   Refusals are `{ "error": … }` alone, HTTP 400, `invalid_client` too, as
 *   that source answers them.
 * - API (under /api/0): `GET /organizations/` behind `org:read`, the token as
 *   Bearer; 401 `{ "detail": … }` for a token it does not take, 403 for a
 *   scope missing.
 * Sentry documents no revocation endpoint for OAuth tokens: the person
 * revokes the app in their account settings (`revokeApp`), which ends its
 * tokens. The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface SentryUser {
  /** Sentry's user id, a numeric string. */
  id: string;
  name: string;
  email: string;
}

export interface SentryEmulator extends EmulatorHandle<SentryUser> {
  /** The person revokes the app in Sentry's account settings: none of its tokens works. */
  revokeApp(user: SentryUser): void;
}

const ACCESS_TOKEN_TTL = 30 * 86_400;
const SCOPES = ['org:read', 'org:write', 'org:admin', 'project:read', 'project:write', 'project:admin', 'project:releases', 'team:read', 'team:write', 'team:admin', 'member:read', 'member:write', 'member:admin', 'event:read', 'event:write', 'event:admin'];

export async function startSentryEmulator(options: EmulatorOptions): Promise<SentryEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<SentryUser>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<SentryUser>(server, grants);

  authorizationEndpoint(server, '/oauth/authorize/', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => (requestedScopes(query).some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined),
    denied: describedError('access_denied'),
  });

  const refusal = (error: string) => oauthError(400, error);
  tokenEndpoint(server, '/oauth/token/', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Internal Error</h1>') },
    authenticates: (request) => formCredentials(request, options),
    errors: {
      client: () => refusal('invalid_client'),
      grantType: () => refusal('unsupported_grant_type'),
      refreshToken: () => refusal('invalid_grant'),
      code: () => refusal('invalid_grant'),
    },
    refuseRefresh: (_presented, form) => (form.get('scope') ? refusal('invalid_request') : undefined),
    answer: ({ grant, tokens }) => {
      const { user } = grant;
      const expiresAt = new Date((now() + (tokens.expiresIn ?? 0)) * 1000).toISOString().replace('Z', '000Z');
      const { access_token, refresh_token, expires_in, token_type, scope } = tokenMembers(tokens, grant.scope, 'bearer');
      return json(200, { access_token, refresh_token, expires_in, expires_at: expiresAt, token_type, scope, user: { id: user.id, name: user.name, email: user.email } });
    },
  });

  const unauthorized = (): EmulatorReply => json(401, { detail: 'Invalid token' });
  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/api/0/organizations/', (request) => {
    server.count('organizations');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').some((scope) => scope.startsWith('org:'))) return json(403, { detail: 'You do not have permission to perform this action.' });
    return json(200, [{ id: '2', slug: 'the-interstellar-jurisdiction', name: 'The Interstellar Jurisdiction', status: { id: 'active', name: 'active' }, dateCreated: '2026-11-02T09:12:41.000000Z' }]);
  });

  return {
    ...controls.handle,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
