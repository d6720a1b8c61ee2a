/**
 * An emulator of DigitalOcean's OAuth server (`https://cloud.digitalocean.com/v1/oauth`)
 * and of the part of its API a connection touches (`https://api.digitalocean.com/v2`),
 * on one host, written from DigitalOcean's documentation
 * (https://docs.digitalocean.com/reference/api/oauth/):
 * - `GET /v1/oauth/authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri` (the registered callback) and `state`; `scope`,
 *   space-separated, `read` when none is sent; a PKCE challenge is bound to
 *   the code when sent. A person who declines is sent back with
 *   `error=access_denied`.
 * - `POST /v1/oauth/token` with `grant_type`, `client_id`, `client_secret`
 *   and `code` and `redirect_uri`, or `refresh_token`, read from the form
 *   or the query (DigitalOcean's examples put them in the query). The
 *   answer is `access_token`, `token_type: "bearer"`, `expires_in` (30
 *   days), `refresh_token`, `scope` and `info: { name, email, uuid }`. A
 *   refresh token is good once, and using it ends the access token it came
 *   with. Refusals are RFC 6749's `{ error, error_description }` here.
 * - `GET /v2/account` answers `{ account: { uuid, email, email_verified,
 *   name, status, team, … } }` behind `read` or `account:read`;
 *   `GET /v2/droplets` the team's droplets behind `read` or `droplet:read`;
 *   a token not taken is 401 `{ id: "Unauthorized", message }`, a scope
 *   missing 403 `{ id: "Forbidden", message }`.
 * - `POST /v1/oauth/revoke` with the form `token` and a live access token as
 *   `Authorization: Bearer` (401 otherwise), answering 200: the token's
 *   grant ends, its refresh token with it (an assumption).
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface DigitalOceanUser {
  uuid: string;
  name: string;
  email: string;
  email_verified: boolean;
  team: { uuid: string; name: string };
}

export interface DigitalOceanEmulator extends EmulatorHandle<DigitalOceanUser> {
  /** The person revokes the app in DigitalOcean's control panel: none of its tokens works. */
  revokeAppInDigitalOcean(user: DigitalOceanUser): void;
  /** The next /v2/account request fails with this HTTP status. */
  failNextAccountRequest(status: number): void;
}

const ACCESS_TOKEN_TTL = 30 * 86_400;
const SCOPES = ['read', 'write', 'account:read', 'droplet:read', 'droplet:create'];

export async function startDigitalOceanEmulator(options: EmulatorOptions): Promise<DigitalOceanEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<DigitalOceanUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: null,
    prefixes: { access: 'doo_v1_', refresh: 'dor_v1_' },
  });
  const controls = emulatorControls<DigitalOceanUser>(server, grants);
  /** The access token each refresh token was issued with, which a refresh with it ends. */
  const issuedWith = new Map<string, string>();
  const accountFailure = queuedFailure();

  authorizationEndpoint(server, '/v1/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid client or redirect URI',
    refuse: (query) => (requestedScopes(query).some((scope) => !SCOPES.includes(scope)) ? describedError('invalid_scope') : undefined),
    denied: describedError('access_denied'),
    request: (query) => ({ scope: requestedScopes(query).join(' ') || 'read' }),
  });

  /** The form, with any parameter DigitalOcean's examples send in the query instead. */
  const parameters = (request: EmulatorRequest) => new URLSearchParams([...request.url.searchParams, ...request.form()]);
  const invalidGrant = () => json(400, describedError('invalid_grant'));

  tokenEndpoint(server, '/v1/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>We are experiencing technical difficulties</h1>') },
    authenticates: (request) => credentialsIn(parameters(request), options),
    parameters,
    errors: {
      client: () => json(401, describedError('invalid_client')),
      refreshToken: invalidGrant,
      code: invalidGrant,
    },
    answer: ({ grantType, grant, tokens, form }) => {
      // A refresh token used ends the access token it was issued with.
      if (grantType === 'refresh_token') grants.revokeAccessToken(issuedWith.get(form.get('refresh_token') ?? '') ?? '');
      if (tokens.refreshToken) issuedWith.set(tokens.refreshToken, tokens.accessToken);
      const { user } = grant;
      return json(200, { ...tokenMembers(tokens, grant.scope, 'bearer'), info: { name: user.name, email: user.email, uuid: user.uuid } });
    },
  });

  const unauthorized = (): EmulatorReply => json(401, { id: 'Unauthorized', message: 'Unable to authenticate you' });
  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);
  const allows = (grant: Grant<DigitalOceanUser>, scope: string) => grant.scope.split(' ').some((granted) => granted === 'read' || granted === scope);
  const forbidden = (): EmulatorReply => json(403, { id: 'Forbidden', message: 'You are not authorized to perform this operation' });

  server.route('GET', '/v2/account', (request) => {
    server.count('account');
    const status = accountFailure.take();
    if (status !== undefined) return json(status, { id: 'server_error', message: 'Unexpected server-side error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!allows(grant, 'account:read')) return forbidden();
    const { user } = grant;
    return json(200, {
      account: {
        droplet_limit: 25,
        floating_ip_limit: 3,
        reserved_ip_limit: 3,
        volume_limit: 100,
        email: user.email,
        name: user.name,
        uuid: user.uuid,
        email_verified: user.email_verified,
        status: 'active',
        status_message: '',
        team: user.team,
      },
    });
  });

  server.route('GET', '/v2/droplets', (request) => {
    server.count('droplets');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!allows(grant, 'droplet:read')) return forbidden();
    return json(200, { droplets: [{ id: 3164444, name: 'example.com', status: 'active', region: { slug: 'nyc3' } }], links: {}, meta: { total: 1 } });
  });

  server.route('POST', '/v1/oauth/revoke', (request) => {
    server.count('revoke');
    const bearer = request.bearer() ?? '';
    const grant = grants.grantOfAccessToken(bearer);
    if (!grant) return unauthorized();
    const token = request.form().get('token') ?? '';
    const revoked = grants.grantOfToken(token);
    if (revoked && revoked.id === grant.id) grants.revokeGrant(revoked.id);
    return json(200, {});
  });

  return {
    ...controls.handle,
    revokeAppInDigitalOcean: (user) => grants.revokeGrantsOf((someone) => someone.uuid === user.uuid),
    failNextAccountRequest: accountFailure.queue,
  };
}
