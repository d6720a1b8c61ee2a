/**
 * An emulator of Mercado Libre's OAuth (a country site's /authorization and
 * api.mercadolibre.com's /oauth/token) and of the part of its API a
 * connection touches, written from Mercado Libre's documentation
 * (https://developers.mercadolibre.com.ar/en_us/authentication-and-authorization,
 * https://developers.mercadolibre.com.ar/en_us/authorization-and-token-recommendations,
 * https://developers.mercadolibre.com.co/en_us/application-manager, and the
 * same OAuth server's token reference,
 * https://mercadopago.com.mx/developers/en/reference/oauth/_oauth_token/post):
 * - Authorize: `GET /authorization` with `response_type=code`, `client_id`,
 *   `redirect_uri` (the app's, exactly) and `state`; the app has PKCE turned
 *   on, so `code_challenge` and `code_challenge_method` (`S256` or `plain`)
 *   are required. A person who refuses is sent back with `access_denied`.
 *   Only a grant with `offline_access` gets a refresh token.
 * - Token: `POST /oauth/token`, a form with `client_id` and `client_secret`;
 *   the answer is `access_token`, `token_type: "bearer"`, `expires_in`
 *   21600, `scope`, `user_id` and `refresh_token`. Each refresh answers a
 *   new refresh token, and the one used is refused after it. Refusals are
 *   400 with `error` (`invalid_grant`, `invalid_client`,
 *   `unsupported_grant_type`), beside `message`, `status` and `cause`.
 * - API: `GET /users/me` (`id`, `nickname`, `first_name`, `last_name`,
 *   `email`, `site_id`) and `GET /users/{id}/items/search` (the seller's own
 *   listings), the token as Bearer, 401 for a token it does not take;
 *   `DELETE /users/{id}/applications/{app_id}` revokes the person's
 *   authorization of the app, ending its tokens.
 * The person may revoke the app in their account (`removeApp`). The
 * authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface MercadoLibreUser {
  /** The Mercado Libre user id, a number. */
  id: number;
  nickname: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface MercadoLibreEmulator extends EmulatorHandle<MercadoLibreUser> {
  /** The person revokes the app in their Mercado Libre account: every token of theirs stops working. */
  removeApp(user: MercadoLibreUser): void;
}

const ACCESS_TOKEN_TTL = 21_600;
const SCOPES = ['offline_access', 'read', 'write'];

/** Mercado Libre's error body: `message`, `error`, `status` and `cause`. */
function meliError(status: number, error: string, message: string): EmulatorReply {
  return json(status, { message, error, status, cause: [] });
}
const INVALID_TOKEN = () => meliError(401, 'unauthorized', 'invalid access token');
const INVALID_GRANT = () => meliError(400, 'invalid_grant', 'Error validating grant. Your authorization code or refresh token may be expired or it was already used');

export async function startMercadoLibreEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<MercadoLibreEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<MercadoLibreUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating', prefixes: { access: 'APP_USR-', refresh: 'TG-' } });
  const controls = emulatorControls<MercadoLibreUser>(server, grants);

  authorizationEndpoint(server, '/authorization', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'Application not found', redirectUri: 'The redirect_uri does not match the one of the application' },
    refuse: (query) => {
      const method = query.get('code_challenge_method');
      if (!query.get('code_challenge') || (method !== 'S256' && method !== 'plain')) return { error: 'invalid_request', error_description: 'code_challenge and code_challenge_method are required' };
      return requestedScopes(query).some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined;
    },
    denied: { error: 'access_denied', error_description: 'The user denied the authorization' },
    request: (query) => ({ refreshToken: requestedScopes(query).includes('offline_access') }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    errors: {
      client: () => meliError(400, 'invalid_client', 'invalid client_id or client_secret'),
      grantType: () => meliError(400, 'unsupported_grant_type', 'the grant_type is not supported'),
      refreshToken: INVALID_GRANT,
      code: INVALID_GRANT,
    },
    answer: ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'bearer',
        expires_in: tokens.expiresIn,
        scope: grant.scope,
        user_id: grant.user.id,
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
      }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, INVALID_TOKEN);

  server.route('GET', '/users/me', (request) => {
    server.count('profile');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { id: user.id, nickname: user.nickname, first_name: user.firstName, last_name: user.lastName, email: user.email, site_id: 'MLA', country_id: 'AR', user_type: 'normal' });
  });

  /** The grant when `/users/:id/…` is the token's own user; another's id is 403. */
  const ownUser = (request: EmulatorRequest): Grant<MercadoLibreUser> | EmulatorReply => {
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return request.params.id === String(grant.user.id) ? grant : meliError(403, 'forbidden', 'The caller is not authorized to access this resource');
  };

  server.route('GET', '/users/:id/items/search', (request) => {
    server.count('items');
    const grant = ownUser(request);
    if (!isGrant(grant)) return grant;
    return json(200, { seller_id: String(grant.user.id), results: ['MLA1234567890', 'MLA1234567891'], paging: { limit: 50, offset: 0, total: 2 } });
  });

  server.route('DELETE', '/users/:id/applications/:appId', (request) => {
    server.count('revoke');
    const grant = ownUser(request);
    if (!isGrant(grant)) return grant;
    if (request.params.appId !== options.clientId) return meliError(404, 'not_found', 'Application not found');
    grants.revokeGrant(grant.id);
    return json(200, {});
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
