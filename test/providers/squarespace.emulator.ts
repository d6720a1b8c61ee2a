/**
 * An emulator of Squarespace's OAuth for extensions (login.squarespace.com's
 * `/api/1/login/oauth/provider/authorize` and `/tokens`) and of the part of
 * api.squarespace.com a connection touches, written from Squarespace's pages
 * (https://developers.squarespace.com/oauth,
 * https://developers.squarespace.com/commerce-apis/retrieve-basic-site-info):
 * - Authorize: `client_id`, `redirect_uri`, `scope` (comma-separated) and
 *   `state`; the website's owner Allows or Denies. A refresh token is granted
 *   only with `access_type=offline`.
 * - `GET /1.0/authorization/website`: the one website the token belongs to,
 *   `id`, `siteId`, `title`, `url`, `currency`, `measurementStandard`,
 *   `language`. `GET /1.0/commerce/orders`: the website's orders, `result`
 *   and `pagination`.
 * Made up here, as Squarespace's integrations send and read them (the OAuth
 * page's token sections were not readable as stored): the token endpoint
 * taking the client as HTTP Basic alone and a JSON body alone; its answer,
 * `token_type`, `access_token`, `access_token_expires_at`, `refresh_token`,
 * `refresh_token_expires_at` (epoch seconds), with 30-minute access tokens and
 * 7-day refresh tokens, each refresh answering a new one and ending the spent
 * one; its refusals as RFC 6749 §5.2's bare JSON; a scope it does not know sent
 * back as `invalid_scope`; the API's 401 for a token it does not take (the
 * Commerce APIs' `{ type, subtype, message, details, contextId }`). Each
 * request's User-Agent is recorded, not checked. removeExtension() is the
 * website's owner removing the extension. The authorization page approves at
 * once for signInAs()'s website.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface SquarespaceWebsite {
  /** The website's id (24 hex digits). */
  id: string;
  /** Its subdomain within squarespace.com. */
  siteId: string;
  title: string;
}

export interface SquarespaceEmulator extends EmulatorHandle<SquarespaceWebsite> {
  /** The website's owner removes the extension: every token of the website's stops working. */
  removeExtension(website: SquarespaceWebsite): void;
  /** The next /1.0/authorization/website request fails with this HTTP status. */
  failNextWebsite(status: number): void;
  /** Each token request's Content-Type, User-Agent and JSON body, in order. */
  readonly tokenRequests: ReadonlyArray<{ contentType: string | undefined; userAgent: string | undefined; body: Record<string, string> }>;
}

/** Squarespace's access tokens last 30 minutes, its refresh tokens 7 days. */
export const SQUARESPACE_ACCESS_TOKEN_SECONDS = 30 * 60;
export const SQUARESPACE_REFRESH_TOKEN_SECONDS = 7 * 86_400;
const SCOPES = ['website.orders', 'website.orders.read', 'website.products', 'website.products.read', 'website.inventory', 'website.inventory.read', 'website.transactions.read'];

/** The JSON body's string members, where the request says it is JSON; nothing otherwise. */
function jsonParameters(request: EmulatorRequest): URLSearchParams {
  const body = (request.headers['content-type'] ?? '').startsWith('application/json') ? request.json() : undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return new URLSearchParams();
  return new URLSearchParams(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

const commerceError = (status: number, type: string, message: string) => json(status, { type, subtype: null, message, details: null, contextId: 'KYBQCLQ7ZW3RJ5JM5J4A' });

export async function startSquarespaceEmulator(options: EmulatorOptions): Promise<SquarespaceEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<SquarespaceWebsite>({ now, accessTokenTtl: SQUARESPACE_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating', refreshTokenTtl: SQUARESPACE_REFRESH_TOKEN_SECONDS });
  const controls = emulatorControls<SquarespaceWebsite>(server, grants);
  const tokenRequests: Array<{ contentType: string | undefined; userAgent: string | undefined; body: Record<string, string> }> = [];
  const websiteFailure = queuedFailure();

  authorizationEndpoint(server, '/api/1/login/oauth/provider/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      const asked = (query.get('scope') ?? '').split(',');
      return asked.every((scope) => SCOPES.includes(scope)) ? undefined : { error: 'invalid_scope' };
    },
    request: (query) => ({ scope: (query.get('scope') ?? '').split(',').join(' '), refreshToken: query.get('access_type') === 'offline' }),
  });

  tokenEndpoint(server, '/api/1/login/oauth/provider/tokens', {
    client: options,
    grants,
    screen: (request) => {
      tokenRequests.push({ contentType: request.headers['content-type'], userAgent: request.headers['user-agent'], body: Object.fromEntries(jsonParameters(request)) });
      return undefined;
    },
    failure: { queued: controls.tokenFailure },
    parameters: jsonParameters,
    authenticates: (request) => basicAsSent(request, options) && !jsonParameters(request).has('client_secret'),
    pkce: false,
    refuseCode: (parameters) => (parameters.get('redirect_uri') ? undefined : oauthError(400, 'invalid_request')),
    answer: ({ tokens }) =>
      json(200, {
        token_type: 'bearer',
        access_token: tokens.accessToken,
        access_token_expires_at: now() + (tokens.expiresIn ?? 0) + 0.25,
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken, refresh_token_expires_at: now() + (tokens.refreshTokenExpiresIn ?? 0) + 0.25 } : {}),
      }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => commerceError(401, 'AUTHORIZATION_ERROR', 'Authorization is required for this request.'));

  server.route('GET', '/1.0/authorization/website', (request) => {
    server.count('website');
    const status = websiteFailure.take();
    if (status !== undefined) return commerceError(status, 'INTERNAL_ERROR', 'An internal error occurred.');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user: website } = grant;
    return json(200, { id: website.id, siteId: website.siteId, title: website.title, url: `https://${website.siteId}.squarespace.com`, currency: 'USD', measurementStandard: 'IMPERIAL', language: 'en-US' });
  });

  server.route('GET', '/1.0/commerce/orders', (request) => {
    server.count('orders');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      result: [{ id: '585d498fdee9f31a60284a37', orderNumber: '1001', createdOn: '2026-04-11T10:56:37.203Z', customerEmail: 'buyer@example.com', fulfillmentStatus: 'PENDING', grandTotal: { currency: 'USD', value: '24.00' } }],
      pagination: { hasNextPage: false, nextPageCursor: null, nextPageUrl: null },
    });
  });

  return {
    ...controls.handle,
    removeExtension: (website) => grants.revokeGrantsOf((someone) => someone.id === website.id),
    failNextWebsite: websiteFailure.queue,
    tokenRequests,
  };
}
