/**
 * An emulator of PagerDuty's OAuth for Classic User OAuth apps
 * (identity.pagerduty.com's /oauth/authorize and /oauth/token) and of the
 * part of its REST API a connection touches (api.pagerduty.com), on one
 * host, written from PagerDuty's documentation
 * (https://developer.pagerduty.com/docs/oauth-functionality, its pages "The
 * PagerDuty OpenID ID Token" and the REST API's "Errors", and
 * https://developer.pagerduty.com/api-reference/):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `redirect_uri`,
 *   `response_type=code`, `scope` and an optional PKCE challenge (S256),
 *   bound to the code. `read` and `write` are granted with `openid`, which
 *   every token carries; any other scope is not refused but left out, so a
 *   token asked for only unknown scopes carries `openid` alone. A person who
 *   denies is sent back with `error=access_denied` and its description.
 *   Codes live 30 seconds.
 * - Token: `POST /oauth/token`, a form with `client_id` and `client_secret`;
 *   the answer is `client_info`, `id_token` (signed, with `user_id`,
 *   `account_id`, `subdomain`, `region` and the API in `aud`),
 *   `token_type: "bearer"`, `access_token`, `refresh_token`, `scope` and
 *   `expires_in` (30 days). A refresh answers a new access token and a new
 *   refresh token; the used one is refused (an assumption: the docs do not
 *   say). A refresh token ends 210 days after it was issued, unused.
 *   Refusals are RFC 6749's `{ error, error_description }` (an assumption).
 * - API: `GET /users/me` (`{ user: { id, name, email, … } }`) and
 *   `GET /incidents` behind `read` or `write`, the token as Bearer; 401 with
 *   PagerDuty's error body (`{ error: { message, code } }`) for a token it
 *   does not take, 403 for a token whose scope is `openid` alone. Each call's
 *   Accept header is recorded by the server for the tests to read.
 * PagerDuty revokes only all of an app's tokens at once, in its App
 * Registration UI (`revokeAllTokens`). The authorization page approves at
 * once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface PagerDutyUser {
  /** The PagerDuty user id, e.g. `PXPGF42`. */
  id: string;
  name: string;
  email: string;
  accountId: string;
  subdomain: string;
}

export interface PagerDutyEmulator extends EmulatorHandle<PagerDutyUser> {
  /** "Revoke All Tokens" in the app's OAuth settings: no token issued so far works. */
  revokeAllTokens(): void;
  /** The next /users/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

const ACCESS_TOKEN_TTL = 30 * 86_400;
const REFRESH_TOKEN_IDLE_TTL = 210 * 86_400;
const GRANTED = ['read', 'write'];
const API = 'https://api.pagerduty.com';

export async function startPagerDutyEmulator(options: EmulatorOptions): Promise<PagerDutyEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<PagerDutyUser>({
    now,
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenIdleTtl: REFRESH_TOKEN_IDLE_TTL,
    prefixes: { access: 'pdus+_0XBPWQQ_', refresh: 'pdus+_1XBPWQQ_' },
    codeTtl: 30,
  });
  const controls = emulatorControls<PagerDutyUser>(server, grants);
  const key = await createSigningKey('RS256', now);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    denied: describedError('access_denied'),
    request: (query) => ({ scope: ['openid', ...requestedScopes(query).filter((scope) => GRANTED.includes(scope))].join(' ') }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    authenticates: (request) => formCredentials(request, options),
    failure: { queued: controls.tokenFailure },
    errors: {
      client: () => json(401, describedError('invalid_client')),
      refreshToken: () => json(400, describedError('invalid_grant')),
      code: () => json(400, describedError('invalid_grant')),
    },
    answer: async ({ grant, tokens }) => {
      const { user } = grant;
      const idToken = await grantIdToken(key, grant, tokens.accessToken, {
        iss: 'https://identity.pagerduty.com/global/oauth/anonymous',
        aud: [API, options.clientId],
        sub: user.id,
        purpose: 'id',
        account_id: user.accountId,
        user_id: user.id,
        subdomain: user.subdomain,
        region: 'UnitedStates',
      });
      const { access_token, refresh_token, scope, expires_in } = tokenMembers(tokens, grant.scope, 'bearer');
      return json(200, { client_info: 'prefix_legacy_app', id_token: idToken, token_type: 'bearer', access_token, refresh_token, scope, expires_in });
    },
  });

  const unauthorized = (): EmulatorReply => json(401, { error: { message: 'Unauthorized', code: 2006 } });
  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);
  const reads = (grant: Grant<PagerDutyUser>) => grant.scope.split(' ').some((scope) => GRANTED.includes(scope));
  const forbidden = (): EmulatorReply => json(403, { error: { message: 'Access Denied', code: 2010, errors: ['Access Denied'] } });

  server.route('GET', '/users/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: { message: 'An internal error has occurred. PagerDuty team has been notified.', code: 2000 } });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!reads(grant)) return forbidden();
    const { user } = grant;
    return json(200, {
      user: {
        id: user.id,
        type: 'user',
        summary: user.name,
        self: `${API}/users/${user.id}`,
        html_url: `https://${user.subdomain}.pagerduty.com/users/${user.id}`,
        name: user.name,
        email: user.email,
        time_zone: 'America/Lima',
        role: 'user',
        avatar_url: 'https://secure.gravatar.com/avatar/1f1a12b4ac2a1fb5c5fd2b0d4cd0f4f7.png?d=mm&r=PG',
      },
    });
  });

  server.route('GET', '/incidents', (request) => {
    server.count('incidents');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!reads(grant)) return forbidden();
    return json(200, {
      incidents: [{ id: 'PT4KHLK', type: 'incident', incident_number: 1234, title: 'The server is on fire.', status: 'resolved', urgency: 'high' }],
      limit: 25,
      offset: 0,
      more: false,
      total: null,
    });
  });

  return {
    ...controls.handle,
    revokeAllTokens: () => {
      for (const grant of grants.allGrants()) grants.revokeGrant(grant.id);
    },
    failNextProfile: profileFailure.queue,
  };
}
