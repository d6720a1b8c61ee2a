/**
 * An emulator of Gusto's OAuth server and of the part of its App
 * Integrations API a connection touches (`https://api.gusto.com`, or the
 * demo environment's `https://api.gusto-demo.com`), written from Gusto's
 * documentation:
 * - Authorize (https://docs.gusto.com/app-integrations/docs/oauth2):
 *   `GET /oauth/authorize` with `client_id`, `redirect_uri` (the one
 *   registered) and `response_type=code`; no scope is read, the grant has
 *   the app's scopes. The admin picks one company (strict access, since
 *   v2023-05-01), which the grant reaches. An admin who declines is sent
 *   back with `error=access_denied`, RFC 6749's, which Gusto does not show.
 * - Token (https://docs.gusto.com/embedded-payroll/docs/company-access-tokens,
 *   https://docs.gusto.com/app-integrations/reference/refresh-access-token):
 *   `POST /oauth/token` with `client_id`, `client_secret`, `grant_type` and
 *   `code` and `redirect_uri`, or `refresh_token`, as the JSON Gusto's
 *   examples send (a form is read too here, which Gusto does not say); a
 *   client secret in the URL is a 400. The answer is `access_token`,
 *   `token_type: "bearer"`, `expires_in: 7200`, `refresh_token`, `scope`
 *   and `created_at`. A refresh answers a new pair; the refresh token it
 *   used still works until the new access token is first used, and then no
 *   more ("the previous refresh_token will be revoked on the first usage of
 *   the new access_token"). Refusals are RFC 6749's `{ error,
 *   error_description }` here, which Gusto does not show; refresh tokens
 *   have no documented end, so none here.
 * - `GET /v1/token_info` (https://docs.gusto.com/app-integrations/reference/get-v1-token-info)
 *   answers `{ scope, resource: { type, uuid }, resource_owner: { type,
 *   uuid } }`, the company and the admin who granted it (the owner's type,
 *   `CompanyAdmin` here, is not shown by Gusto); `GET /v1/companies/{uuid}`
 *   the company, behind `companies:read`, 404 for another. Each call's
 *   `X-Gusto-API-Version` is recorded. A token the API does not take is a
 *   401 (what its body holds is not shown; RFC 6750's `invalid_token`
 *   here).
 * No revocation endpoint is documented, so none here; `disconnectInGusto`
 * is the admin disconnecting the app in Gusto. The authorization page
 * approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface GustoAdmin {
  /** The admin's uuid: the token's resource owner. */
  uuid: string;
  /** The one company the admin authorizes the app for. */
  company: { uuid: string; name: string };
}

export interface GustoEmulatorOptions extends EmulatorOptions {
  /** The app's scopes (default `companies:read employees:read`). */
  appScopes?: string[];
}

export interface GustoEmulator extends EmulatorHandle<GustoAdmin> {
  /** The admin disconnects the app in Gusto: the grants for their company stop working. */
  disconnectInGusto(admin: GustoAdmin): void;
  /** The next /v1/token_info request fails with this HTTP status. */
  failNextTokenInfo(status: number): void;
  /** Each API call's X-Gusto-API-Version (null without one), in order. */
  readonly versions: Array<string | null>;
}

const ACCESS_TOKEN_TTL = 7200;

export async function startGustoEmulator(options: GustoEmulatorOptions): Promise<GustoEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<GustoAdmin>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    // A new refresh token each time; the one used ends only when the new access token is first used (below).
    refreshPolicy: 'reissued',
    refreshTokenTtl: null,
    codeTtl: 600,
  });
  const controls = emulatorControls<GustoAdmin>(server, grants);
  const appScopes = options.appScopes ?? ['companies:read', 'employees:read'];
  /** A refreshed access token not used yet, and the refresh token its first use ends. */
  const endsOnFirstUse = new Map<string, string>();
  const spentRefreshTokens = new Set<string>();
  const versions: Array<string | null> = [];
  const tokenInfoFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'The redirect uri included is not valid.',
    denied: describedError('access_denied'),
    pkce: false,
    // The grant is the app's scopes, whatever is asked.
    request: () => ({ scope: appScopes.join(' ') }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    screen: (request) => (request.url.searchParams.has('client_secret') ? oauthError(400, 'invalid_request', 'The client_secret cannot be passed in the request URL.') : undefined),
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>We’re sorry, but something went wrong.</h1>') },
    authenticates: (request) => credentialsIn(jsonOrForm(request), options),
    parameters: jsonOrForm,
    pkce: false,
    errors: {
      client: () => json(401, describedError('invalid_client')),
      refreshToken: () => json(400, describedError('invalid_grant')),
      code: () => json(400, describedError('invalid_grant')),
    },
    refuseRefresh: (presented) => (spentRefreshTokens.has(presented) ? json(400, describedError('invalid_grant')) : undefined),
    answer: ({ grantType, grant, tokens, form }) => {
      if (grantType === 'refresh_token') endsOnFirstUse.set(tokens.accessToken, form.get('refresh_token')!);
      return json(200, { ...tokenMembers(tokens, grant.scope, 'bearer'), created_at: new Date((options.now?.() ?? Date.now() / 1000) * 1000).toISOString() });
    },
  });

  /** The grant of the request's Bearer token, ending the refresh token its first use ends; or the API's 401. */
  const apiGrant = (request: EmulatorRequest): Grant<GustoAdmin> | EmulatorReply => {
    const version = request.headers['x-gusto-api-version'];
    versions.push(typeof version === 'string' ? version : null);
    const token = request.bearer() ?? '';
    const grant = grants.grantOfAccessToken(token);
    if (!grant) return json(401, { error: 'invalid_token', error_description: 'The access token is invalid' });
    const previous = endsOnFirstUse.get(token);
    if (previous !== undefined) {
      spentRefreshTokens.add(previous);
      endsOnFirstUse.delete(token);
    }
    return grant;
  };

  server.route('GET', '/v1/token_info', (request) => {
    server.count('token_info');
    const status = tokenInfoFailure.take();
    if (status !== undefined) return html(status, '<h1>We’re sorry, but something went wrong.</h1>');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { scope: grant.scope, resource: { type: 'Company', uuid: grant.user.company.uuid }, resource_owner: { type: 'CompanyAdmin', uuid: grant.user.uuid } });
  });

  server.route('GET', '/v1/companies/:uuid', (request) => {
    server.count('company');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes('companies:read')) return json(403, { errors: [{ error_key: 'base', category: 'forbidden', message: 'Missing required scope: companies:read' }] });
    const { company } = grant.user;
    if (request.params.uuid !== company.uuid) return json(404, { errors: [{ error_key: 'base', category: 'not_found', message: 'Company not found' }] });
    return json(200, { uuid: company.uuid, name: company.name, trade_name: company.name, entity_type: 'LLC', company_status: 'Approved', is_suspended: false });
  });

  return {
    ...controls.handle,
    versions,
    disconnectInGusto: (admin) => grants.revokeGrantsOf((someone) => someone.company.uuid === admin.company.uuid),
    failNextTokenInfo: tokenInfoFailure.queue,
  };
}
