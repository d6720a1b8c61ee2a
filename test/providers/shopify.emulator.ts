/**
 * An emulator of one Shopify store's OAuth and of the part of its GraphQL
 * Admin API a connection touches (`https://{shop}.myshopify.com`), written
 * from Shopify's documentation:
 * - Authorize (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant):
 *   `GET /admin/oauth/authorize` with `client_id`, `redirect_uri` (the one
 *   registered, else an error page), `state` and `scope`, comma-separated
 *   access scopes (`read_products,write_orders`); one that is not an access
 *   scope's shape is an error page too. The redirect back carries `code`,
 *   `hmac`, `host` (base64 of the store's admin), `shop`, `state` and
 *   `timestamp`; `hmac` is the hex HMAC-SHA256 of the other parameters,
 *   sorted by name and query-encoded, keyed by the client secret. A merchant
 *   who declines is sent back with `error=access_denied`, unsigned: what
 *   Shopify sends then is not documented.
 * - Token (the same page, https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens):
 *   `POST /admin/oauth/access_token` with `client_id`, `client_secret` and
 *   `code`, as JSON or a form (`grant_type` may be left out of the code
 *   exchange, as Shopify's pages leave it out). With `expiring=1` the answer
 *   is `{ access_token, scope, expires_in: 3600, refresh_token,
 *   refresh_token_expires_in }` (60 minutes; 90 days); without it, `{
 *   access_token, scope }`, an offline token that does not expire (which the
 *   grant store here still ends after an hour, later than any test looks).
 *   `scope` is comma-separated; there is no `token_type`. A refresh is
 *   `grant_type=refresh_token` with the client and `refresh_token`, and
 *   answers a new pair; the refresh token used stops working here, the
 *   stricter case of Shopify's, which takes it again until its replacement
 *   is used
 *   (https://shopify.dev/changelog/more-resilient-refreshes-for-expiring-offline-access-tokens).
 *   Refusals are RFC 6749 §5.2's `{ error, error_description }`, which
 *   Shopify does not show.
 * - `POST /admin/api/{version}/graphql.json` (https://shopify.dev/docs/api/admin-graphql)
 *   with the token in `X-Shopify-Access-Token`; a request without a token it
 *   takes (an `Authorization` header is not read) is 401 `{ errors: "[API]
 *   Invalid API key or access token (unrecognized login or wrong password)" }`.
 *   The query `shop` answers `{ data: { shop: { id, name, email,
 *   myshopifyDomain } } }`, the id a global id (`gid://shopify/Shop/…`);
 *   `products` answers `{ data: { products: { nodes } } }` with
 *   `read_products` or `write_products`, and without them HTTP 200 with an
 *   `ACCESS_DENIED` error, as GraphQL answers a field it may not read.
 * - Uninstalling the app (uninstall()) ends every token of the store; there
 *   is no revocation endpoint.
 * The authorization page approves at once for signInAs()'s shop, each test's
 * person being a shop of its own id so that rows are found by subject.
 */
import { createHmac } from 'node:crypto';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, redirect, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface ShopifyShop {
  /** The shop's numeric id, whose global id is `gid://shopify/Shop/{id}`. */
  id: number;
  name: string;
  email: string;
}

export interface ShopifyEmulatorOptions extends EmulatorOptions {
  /** The store's host, `{shop}.myshopify.com`, named in the callback's `shop`. */
  shop: string;
}

export interface ShopifyEmulator extends EmulatorHandle<ShopifyShop> {
  /** The app is uninstalled from the store: none of its tokens works any more. */
  uninstall(): void;
  /** The next GraphQL request fails with this HTTP status. */
  failNextApiRequest(status: number): void;
  /** The message Shopify signs for these callback parameters. */
  signed(parameters: URLSearchParams): string;
}

const ACCESS_TOKEN_TTL = 60 * 60;
const REFRESH_TOKEN_TTL = 90 * 86_400;
const SCOPE = /^(unauthenticated_)?(read|write)_[a-z_]+$/;
const VERSION = /^(\d{4}-(01|04|07|10)|unstable)$/;
const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';

export async function startShopifyEmulator(options: ShopifyEmulatorOptions): Promise<ShopifyEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ShopifyShop>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
    prefixes: { access: 'shpat_', refresh: 'shprt_' },
  });
  const controls = emulatorControls<ShopifyShop>(server, grants);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const apiFailure = queuedFailure();

  const signed = (parameters: URLSearchParams): string => {
    const kept = [...parameters].filter(([name]) => name !== 'hmac' && name !== 'signature');
    kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return new URLSearchParams(kept).toString();
  };

  server.route('GET', '/admin/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<h1>Oauth error invalid_request: The redirect_uri is not whitelisted</h1>');
    }
    const scopes = (query.get('scope') ?? '').split(',').map((scope) => scope.trim());
    if (scopes.some((scope) => !SCOPE.test(scope))) return html(400, `<h1>Oauth error invalid_scope: ${scopes.join(',')}</h1>`);
    const back = new URL(options.redirectUri);
    const state = query.get('state');
    const shop = controls.approver();
    if (!shop) {
      back.searchParams.set('error', 'access_denied');
      if (state !== null) back.searchParams.set('state', state);
      return redirect(back);
    }
    const code = grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: scopes.join(' '), codeChallenge: undefined, codeChallengeMethod: undefined, user: shop });
    back.searchParams.set('code', code);
    back.searchParams.set('host', Buffer.from(`${options.shop}/admin`).toString('base64'));
    back.searchParams.set('shop', options.shop);
    if (state !== null) back.searchParams.set('state', state);
    back.searchParams.set('timestamp', String(now()));
    back.searchParams.set('hmac', createHmac('sha256', options.clientSecret).update(signed(back.searchParams)).digest('hex'));
    return redirect(back);
  });

  /** The parameters as JSON or a form, a code exchange without `grant_type` read as one. */
  const parameters = (request: EmulatorRequest): URLSearchParams => {
    const given = jsonOrForm(request);
    if (!given.has('grant_type') && given.has('code')) given.set('grant_type', 'authorization_code');
    return given;
  };

  tokenEndpoint(server, '/admin/oauth/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    parameters,
    authenticates: (request) => credentialsIn(parameters(request), options),
    pkce: false,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed'),
      code: () => oauthError(400, 'invalid_grant', 'The authorization code was not found or was already used'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'The refresh token is invalid, expired or revoked'),
    },
    answer: ({ grantType, tokens, grant, form }) => {
      const scope = grant.scope.split(' ').join(',');
      const expiring = grantType === 'refresh_token' || form.get('expiring') === '1';
      if (!expiring) return json(200, { access_token: tokens.accessToken, scope });
      return json(200, {
        access_token: tokens.accessToken,
        expires_in: tokens.expiresIn,
        refresh_token: tokens.refreshToken,
        refresh_token_expires_in: tokens.refreshTokenExpiresIn ?? REFRESH_TOKEN_TTL,
        scope,
      });
    },
  });

  const token = (request: EmulatorRequest): string => {
    const value = request.headers['x-shopify-access-token'];
    return typeof value === 'string' ? value : '';
  };
  const invalidToken = (): EmulatorReply => json(401, { errors: INVALID_TOKEN });
  const reads = (grant: Grant<ShopifyShop>, resource: string) => grant.scope.split(' ').some((scope) => scope === `read_${resource}` || scope === `write_${resource}`);

  server.route('POST', '/admin/api/:version/graphql.json', (request) => {
    server.count('graphql');
    if (!VERSION.test(request.params.version ?? '')) return json(404, { errors: 'Not Found' });
    const status = apiFailure.take();
    if (status !== undefined) return html(status, '<h1>There was a problem loading this website</h1>');
    const grant = grants.grantOfAccessToken(token(request));
    if (!grant) return invalidToken();
    const query = (request.json() as { query?: unknown } | undefined)?.query;
    if (typeof query !== 'string') return json(400, { errors: { query: 'Required parameter missing or invalid' } });
    const shop = grant.user;
    const data: Record<string, unknown> = {};
    const errors: unknown[] = [];
    if (/\bshop\s*\{/.test(query)) {
      server.count('shop');
      data.shop = { id: `gid://shopify/Shop/${shop.id}`, name: shop.name, email: shop.email, myshopifyDomain: options.shop };
    }
    if (/\bproducts\b/.test(query)) {
      if (reads(grant, 'products')) data.products = { nodes: [{ id: 'gid://shopify/Product/108828309', title: `${shop.name} Sneakers` }] };
      else {
        data.products = null;
        errors.push({ message: 'Access denied for products field. Required access: `read_products` access scope.', extensions: { code: 'ACCESS_DENIED' }, path: ['products'] });
      }
    }
    return json(200, { data, ...(errors.length > 0 ? { errors } : {}), extensions: { cost: { requestedQueryCost: 1, actualQueryCost: 1 } } });
  });

  return {
    ...controls.handle,
    uninstall: () => {
      for (const grant of grants.allGrants()) grants.revokeGrant(grant.id);
    },
    failNextApiRequest: apiFailure.queue,
    signed,
  };
}
