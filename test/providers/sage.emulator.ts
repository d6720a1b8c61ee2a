/**
 * An emulator of Sage Accounting's authorization server (www.sageone.com's
 * /oauth2/auth/central, oauth.accounting.sage.com's /token and /revoke) and
 * of the part of API v3.1 (api.accounting.sage.com/v3.1) a connection
 * touches, written from Sage's documentation:
 * - Authorize (https://developer.sage.com/accounting/guides/authenticating/authentication):
 *   `GET /oauth2/auth/central?filter=apiv3.1` with `client_id`,
 *   `response_type=code`, `redirect_uri` (one registered for the app),
 *   `scope` (`readonly` or `full_access`, else `invalid_scope`), `state`, and
 *   optionally a PKCE `code_challenge` (`S256` or `plain`). The code comes
 *   back with the person's `country` and the `state`; it is single-use and
 *   lives 60 seconds. A person who declines is `access_denied`, a response
 *   type other than `code` `unsupported_response_type`.
 * - Token: `POST /token`, a form with `client_id` and `client_secret` in it
 *   (the body parameters the page lists; Basic is not among them), and
 *   `code_verifier` when a challenge was sent. The answer is `access_token`,
 *   `scope`, `token_type: "bearer"`, `expires_in` (300), `refresh_token`,
 *   `refresh_token_expires_in` (2678400: 31 days) and `requested_by_id`, the
 *   user's id. Each refresh answers a new refresh token and the used one is
 *   refused; a refresh token ends 31 days after it was issued. Refusals are
 *   RFC 6749's: `invalid_grant` for a code or refresh token expired, used
 *   or revoked, `invalid_client` for the client (statuses RFC 6749 §5.2's).
 * - Revoke: `POST /revoke`, a form of `client_id`, `client_secret` and
 *   `token`, the refresh token, answering 200 `{"success":"ok"}`; that
 *   refresh token is refused from then on, while access tokens cannot be
 *   revoked and work out their five minutes (the same page).
 * - API (under /v3.1, JSON): `GET /user` is the user (`id`, `displayed_as`,
 *   `first_name`, `last_name`, `email`…), `GET /businesses` the businesses the
 *   user may use, pages of `$items` (`id`, `displayed_as`, `$path`)
 *   (https://developer.sage.com/accounting/guides/migrating/migrate-from-v2-to-v3-1,
 *   https://developer.sage.com/accounting/guides/concepts/best_practices);
 *   `GET /contacts` a page of the contacts of the business the `X-Business`
 *   header names, or of the user's lead business without it
 *   (https://developer.sage.com/accounting/guides/concepts/multi_business/).
 *   A token it does not take is 401, and an `X-Business` the user may not use
 *   403, each as a list of `$severity`, `$dataCode`, `$message` and
 *   `$source` (API v3.1's error shape as the API reference shows it; the
 *   statuses are assumptions of this emulator).
 * The authorization page approves at once for signInAs()'s user.
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface SageBusiness {
  id: string;
  name: string;
}

export interface SageUser {
  /** The user's `id`, and the token answer's `requested_by_id`. */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  /** The businesses the user may use, the lead business first. */
  businesses: SageBusiness[];
  /** The country the person picks on Sage's page, sent back beside the code. */
  country?: string;
}

export interface SageEmulator extends EmulatorHandle<SageUser> {
  /** The `token` of each revocation request the client authenticated, in order. */
  readonly revoked: ReadonlyArray<string>;
}

const ACCESS_TOKEN_TTL = 300;
const REFRESH_TOKEN_TTL = 31 * 86_400;
const SCOPES = new Set(['readonly', 'full_access']);
const apiError = (status: number, dataCode: string, message: string): EmulatorReply => json(status, [{ $severity: 'error', $dataCode: dataCode, $message: message, $source: '' }]);
/**
 * A page of API v3.1's collections as its pagination guide shows it: `items_per_page` (20 by default, 200 at most)
 * and `page` (past the end, the last page) from the request's query, `$next` and `$back` the paths of the pages
 * beside it (https://developer.sage.com/accounting/guides/efficiencies/pagination).
 */
function page(request: EmulatorRequest, collection: string, items: unknown[]): unknown {
  const perPage = Math.min(Math.max(Number(request.url.searchParams.get('items_per_page')) || 20, 1), 200);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const current = Math.min(Math.max(Number(request.url.searchParams.get('page')) || 1, 1), last);
  const at = (n: number) => `/${collection}?page=${n}&items_per_page=${perPage}`;
  return {
    $total: items.length,
    $page: current,
    $next: current < last ? at(current + 1) : null,
    $back: current > 1 ? at(current - 1) : null,
    $itemsPerPage: perPage,
    $items: items.slice((current - 1) * perPage, current * perPage),
  };
}

export async function startSageEmulator(options: EmulatorOptions): Promise<SageEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SageUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
    codeTtl: 60,
  });
  const controls = emulatorControls<SageUser>(server, grants);
  const revoked: string[] = [];
  const revokedRefreshTokens = new Set<string>();

  // Its own route, not the kit's authorizationEndpoint: Sage sends the person's `country` back beside the code.
  server.route('GET', '/oauth2/auth/central', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Bad Request</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const scopes = requestedScopes(query);
    if (scopes.length !== 1 || !SCOPES.has(scopes[0]!)) return reply({ error: 'invalid_scope' });
    const method = query.get('code_challenge_method');
    if (query.get('code_challenge') && method !== null && method !== 'S256' && method !== 'plain') return reply({ error: 'invalid_request' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)), country: user.country ?? 'GB' });
  });

  const isClient = (request: EmulatorRequest): boolean => formCredentials(request, options);

  tokenEndpoint(server, '/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: isClient,
    errors: {
      client: () => oauthError(401, 'invalid_client'),
      refreshToken: () => oauthError(400, 'invalid_grant'),
      code: () => oauthError(400, 'invalid_grant'),
    },
    refuseRefresh: (presented) => (revokedRefreshTokens.has(presented) ? oauthError(400, 'invalid_grant') : undefined),
    answer: ({ grant, tokens }) =>
      json(200, { ...tokenMembers(tokens, grant.scope, 'bearer'), refresh_token_expires_in: tokens.refreshTokenExpiresIn, requested_by_id: grant.user.id }),
  });

  server.route('POST', '/revoke', (request) => {
    server.count('revoke');
    if (!isClient(request)) return oauthError(401, 'invalid_client');
    const token = request.form().get('token');
    if (!token) return oauthError(400, 'invalid_request');
    revoked.push(token);
    revokedRefreshTokens.add(token);
    return json(200, { success: 'ok' });
  });

  /** The grant of the request's Bearer token; else the API's 401. */
  const authorized = (request: EmulatorRequest) => bearerGrant(grants, request, () => apiError(401, 'AuthenticationFailed', 'The access token is invalid or has expired.'));

  server.route('GET', '/v3.1/user', (request) => {
    server.count('user');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    const user = grant.user;
    return json(200, {
      id: user.id,
      displayed_as: `${user.firstName} ${user.lastName}`,
      $path: '/user',
      first_name: user.firstName,
      last_name: user.lastName,
      initials: `${user.firstName[0]}${user.lastName[0]}`,
      email: user.email,
      locale: 'en-GB',
    });
  });

  server.route('GET', '/v3.1/businesses', (request) => {
    server.count('businesses');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    return json(200, page(request, 'businesses', grant.user.businesses.map((business) => ({ displayed_as: business.name, id: business.id, $path: `/businesses/${business.id}` }))));
  });

  server.route('GET', '/v3.1/contacts', (request) => {
    server.count('contacts');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    const named = request.headers['x-business'];
    const business = typeof named === 'string' ? grant.user.businesses.find((one) => one.id === named) : grant.user.businesses[0];
    if (!business) return apiError(403, 'BusinessAccessDenied', 'The user has no access to this business.');
    return json(200, page(request, 'contacts', [{ id: `${business.id.slice(0, 8)}c0ffee`, displayed_as: `${business.name} customer`, $path: `/contacts/${business.id.slice(0, 8)}c0ffee` }]));
  });

  return { ...controls.handle, revoked };
}
