/**
 * An emulator of Pipedrive's OAuth server (oauth.pipedrive.com) and of the
 * part of a company's API ({api_domain}/api/v1) that a connection touches,
 * written from Pipedrive's documentation:
 * - OAuth (https://pipedrive.readme.io/docs/marketplace-oauth-authorization,
 *   https://developers.pipedrive.com/docs/api/v1/Oauth): `GET /oauth/authorize`
 *   with `client_id`, `redirect_uri` (the one registered) and `state`; the
 *   scopes are the app's, set in Developer Hub, not asked for. A declined
 *   installation goes back to the redirect URI with an error (its value is not
 *   documented: `access_denied` here, RFC 6749 §4.1.2.1's). `POST /oauth/token`
 *   with `Authorization: Basic` base64(client_id:client_secret), the form
 *   `grant_type`, `code`, `redirect_uri` (or `refresh_token`); answered
 *   `access_token`, `token_type`, `expires_in` (3599), `refresh_token`,
 *   `scope` comma-separated, and `api_domain`, the company's API origin, at
 *   every sign-in and refresh
 *   (https://developers.pipedrive.com/changelog/post/new-parameter-in-oauth-oauthtoken-responses).
 *   A refresh answers the refresh token it was given, which 60 days unused
 *   end (each use starts them again). Refused token requests answer RFC 6749
 *   §5.2's `error`: Pipedrive documents no body of its own for them.
 * - Revocation (https://pipedrive.readme.io/docs/app-uninstallation): RFC 7009
 *   at `POST /oauth/revoke`, Basic-authenticated; the refresh token ends the
 *   installation, an access token only itself.
 * - `GET {api_domain}/api/v1/users/me`
 *   (https://developers.pipedrive.com/docs/api/v1/Users#getCurrentUser)
 *   answers `{"success": true, "data": {"id", "name", "email", "company_id",
 *   "company_domain", …}}`; `GET /api/v1/deals` needs `deals:read` or
 *   `deals:full` (https://pipedrive.readme.io/docs/marketplace-scopes-and-permissions-explanations).
 * - Errors (https://pipedrive.readme.io/docs/core-api-concepts-http-status-codes):
 *   `{"success": false, "error": …, "errorCode": …}`, 401 for a token it does
 *   not take, 403 for a call outside the token's scopes.
 * The authorization page approves at once for signInAs()'s user; the company's
 * API is this emulator's origin unless a test makes the token answer name another.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface PipedriveUser {
  id: number;
  name: string;
  email: string;
  companyId: number;
  companyDomain: string;
}

export interface PipedriveEmulatorOptions extends EmulatorOptions {
  /** The scopes set on the app in Developer Hub (default: base and deals:read). */
  appScopes?: string[];
}

export interface PipedriveEmulator extends EmulatorHandle<PipedriveUser> {
  /** What the token answers say `api_domain` is (default: the emulator's origin). */
  setApiDomain(url: string): void;
}

const ACCESS_TOKEN_TTL = 3599;
const REFRESH_TOKEN_IDLE_TTL = 60 * 86_400;

export async function startPipedriveEmulator(options: PipedriveEmulatorOptions): Promise<PipedriveEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<PipedriveUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'static',
    refreshTokenIdleTtl: REFRESH_TOKEN_IDLE_TTL,
  });
  const controls = emulatorControls<PipedriveUser>(server, grants);
  const appScopes = options.appScopes ?? ['base', 'deals:read'];
  let apiDomain = server.origin;

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid client or redirect URI',
    responseType: false,
    pkce: false,
    // The grant is the app's scopes, whatever is asked.
    request: () => ({ scope: appScopes.join(',') }),
  });

  /** Basic with `client_id:client_secret` as they are, as Pipedrive documents the header. */
  const isClient = (request: EmulatorRequest): boolean =>
    request.headers.authorization === `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`;

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: isClient,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Invalid client credentials'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Invalid refresh token'),
      code: () => oauthError(400, 'invalid_grant', 'Invalid authorization code'),
    },
    // A refresh answers the refresh token it was given: Pipedrive's does not change.
    answer: ({ grantType, grant, tokens, form }) =>
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'Bearer',
        expires_in: ACCESS_TOKEN_TTL,
        refresh_token: grantType === 'refresh_token' ? form.get('refresh_token') : tokens.refreshToken,
        scope: grant.scope,
        api_domain: apiDomain,
      }),
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    if (!isClient(request)) return json(401, { error: 'invalid_client' });
    const token = request.form().get('token') ?? '';
    const grant = grants.grantOfToken(token);
    // RFC 7009 §2.2: a token the server does not know is answered 200 as well.
    if (grant && !grants.revokeAccessToken(token)) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  const refused = (status: number, error: string): EmulatorReply => json(status, { success: false, error, errorCode: status, error_info: 'Please check developers.pipedrive.com for more information about Pipedrive API.' });

  server.route('GET', '/api/v1/users/me', (request) => {
    server.count('users_me');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return refused(401, 'unauthorized access');
    const { user } = grant;
    return json(200, { success: true, data: { id: user.id, name: user.name, email: user.email, company_id: user.companyId, company_domain: user.companyDomain, active_flag: true, is_admin: 1 } });
  });

  server.route('GET', '/api/v1/deals', (request) => {
    server.count('deals');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return refused(401, 'unauthorized access');
    const scopes = grant.scope.split(',');
    if (!scopes.includes('deals:read') && !scopes.includes('deals:full')) return refused(403, 'Scope and URL mismatch');
    return json(200, { success: true, data: [{ id: 1, title: `Deal of ${grant.user.companyDomain}`, value: 5000, currency: 'EUR' }], additional_data: { pagination: { start: 0, limit: 100, more_items_in_collection: false } } });
  });

  return {
    ...controls.handle,
    setApiDomain: (url) => {
      apiDomain = url;
    },
  };
}
