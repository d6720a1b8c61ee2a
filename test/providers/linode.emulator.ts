/**
 * An emulator of Linode's login server (login.linode.com/oauth) and of the
 * part of the Linode API v4 (api.linode.com/v4) a connection touches, on one
 * host, written from Linode's API reference
 * (https://techdocs.akamai.com/linode-api/reference/get-started#oauth,
 * https://techdocs.akamai.com/linode-api/reference/get-profile):
 * - Authorize: `GET /oauth/authorize` with `client_id`, the `scope` asked
 *   (space-separated `<area>:read_only` / `<area>:read_write`; another is
 *   `invalid_scope` here) and the app's registered redirect URL, to which
 *   the exchange `code` is sent. A person who declines goes back with
 *   `error=access_denied` (not shown by Linode).
 * - Token: `POST /oauth/token`, a form with `client_id`, `client_secret` and
 *   `code`, or `grant_type=refresh_token` and `refresh_token`. The answer is
 *   `scope`, `access_token`, `refresh_token`, `token_type: "bearer"` and
 *   `expires_in: 7200`; a refresh answers a new access token and a new
 *   refresh token, and the spent one is not taken again here (Linode does
 *   not say). Refusals are RFC 6749 §5.2's `{ error, error_description }`
 *   here (not shown by Linode).
 * - API: the token as `Authorization: Bearer`; errors are `{ errors: [{
 *   reason }] }`, 401 for a token not taken, 403 for a scope the token
 *   lacks. `GET /v4/profile`, for any scope, answers the profile (`uid`,
 *   `username`, `email`, `restricted`, `authorized_keys`, `referrals`, …);
 *   `GET /v4/linode/instances` a page of Linodes behind `linodes:read_only`
 *   or `linodes:read_write`.
 * - removeApp() is the person removing the app from their profile: its
 *   tokens stop working. There is no revocation endpoint.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface LinodeUser {
  uid: number;
  username: string;
  email: string;
}

export interface LinodeEmulator extends EmulatorHandle<LinodeUser> {
  /** The person removes the app from their profile in Cloud Manager: none of its tokens works. */
  removeApp(user: LinodeUser): void;
}

const AREAS = ['account', 'databases', 'domains', 'events', 'firewall', 'images', 'ips', 'linodes', 'lke', 'longview', 'nodebalancers', 'object_storage', 'stackscripts', 'volumes'];
const SCOPES = AREAS.flatMap((area) => [`${area}:read_only`, `${area}:read_write`]);

export async function startLinodeEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<LinodeEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<LinodeUser>({ accessTokenTtl: 7200, refreshPolicy: 'rotating', refreshTokenTtl: null, codeTtl: 600 });
  const controls = emulatorControls<LinodeUser>(server, grants);

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid client or redirect URL',
    refuse: (query) => (requestedScopes(query).some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Service Unavailable</h1>') },
    authenticates: (request) => formCredentials(request, options),
    errors: { client: () => oauthError(401, 'invalid_client', 'Invalid client credentials.') },
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'bearer')),
  });

  const linodeErrors = (status: number, reason: string): EmulatorReply => json(status, { errors: [{ reason }] });
  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => linodeErrors(401, 'Invalid Token'));

  server.route('GET', '/v4/profile', (request) => {
    server.count('profile');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { uid, username, email } = grant.user;
    return json(200, {
      uid,
      username,
      email,
      restricted: false,
      timezone: 'US/Eastern',
      email_notifications: true,
      two_factor_auth: true,
      authentication_type: 'password',
      authorized_keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEmulated user@host'],
      referrals: { code: '871be32f49c1411b14f29f618aaf0c14637fb8d3', url: 'https://www.linode.com/?r=871be32f49c1411b14f29f618aaf0c14637fb8d3', total: 0, completed: 0, pending: 0, credit: 0 },
      lish_auth_method: 'keys_only',
      ip_whitelist_enabled: false,
      verified_phone_number: null,
    });
  });

  server.route('GET', '/v4/linode/instances', (request) => {
    server.count('instances');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').some((scope) => scope === 'linodes:read_only' || scope === 'linodes:read_write')) return linodeErrors(403, 'Unauthorized');
    return json(200, { data: [{ id: 123, label: 'linode123', region: 'us-east', status: 'running', type: 'g6-standard-1' }], page: 1, pages: 1, results: 1 });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.uid === user.uid),
  };
}
