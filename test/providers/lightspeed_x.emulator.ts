/**
 * An emulator of Lightspeed Retail (X-Series): its connect page and each
 * store's host (the token endpoint and the part of the API a connection
 * touches), written from Lightspeed's documentation
 * (https://x-series-api.lightspeedhq.com/docs/authorization,
 * https://x-series-api.lightspeedhq.com/changelog/2023-11-authorization-state-parameter,
 * https://x-series-api.lightspeedhq.com/changelog/2025-03-refresh-token-flow-update,
 * https://x-series-api.lightspeedhq.com/docs/scopes). One server answers
 * every store: a store is the first label of the Host a request names,
 * `{domain_prefix}.retail.localhost:<port>` (the test resolves `.localhost`
 * names to this loopback server), as each store is its own host under
 * retail.lightspeed.app.
 * - Connect: `GET /connect` with `response_type=code`, `client_id`,
 *   `redirect_uri` (the client's, else Lightspeed's own page, no redirect),
 *   `state` (required, at least 8 characters: else `invalid_request`) and
 *   `scope`; the redirect back carries `code`, `domain_prefix` (the store
 *   the person connects) and `state`; a person who declines comes back with
 *   `error=access_denied`. A code is its store's: exchanged at another
 *   store's host it is refused.
 * - Token: `POST /api/1.0/token` on the store's host, a form with
 *   `client_id` and `client_secret`; the answer is `access_token`,
 *   `token_type: "Bearer"`, `expires` (epoch seconds), `expires_in`,
 *   `refresh_token`, `domain_prefix` and `scope`. A refresh answers a new
 *   refresh token and revokes the one used. Refusals as RFC 6749 §5.2's
 *   `error` (400, 401 for the client; not shown by Lightspeed).
 * - API, the token as Bearer, on the store's host only: `GET /api/2.0/retailer`
 *   behind `retailer:read`, the store under `data` (`id`, `name`,
 *   `domain_prefix`, `currency`, `timezone`), and `GET /api/2.0/products`
 *   behind `products:read`, the proxied call; 401 for a token it does not
 *   take, 403 for a missing scope (their bodies not shown by Lightspeed).
 * No revocation endpoint: the retailer removes the add-on (`removeAddOn`).
 * The connect page approves at once for signInAs()'s person.
 */
import { requestedScopes, redirectBack } from './kit/authorization.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

/** A person connecting one store (a retailer account). */
export interface LightspeedStore {
  /** The retailer's id, a UUID. */
  id: string;
  name: string;
  /** The store's domain prefix, sent back as `domain_prefix` (anything a test names, for the refusals). */
  domainPrefix: string;
}

export interface LightspeedEmulator extends EmulatorHandle<LightspeedStore> {
  /** The host of a store on this emulator, `{prefix}.retail.localhost:<port>`. */
  storeHost(prefix: string): string;
  /** The host sign-ins' token endpoint names the stores beside, `secure.retail.localhost:<port>`. */
  readonly secureHost: string;
  /** The retailer removes the add-on from their store: none of its tokens works. */
  removeAddOn(store: LightspeedStore): void;
}

const SCOPES = ['retailer:read', 'products:read', 'sales:read', 'customers:read'];

export async function startLightspeedEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<LightspeedEmulator> {
  const server = await startEmulatorServer();
  const { port } = new URL(server.origin);
  const storeHost = (prefix: string) => `${prefix}.retail.localhost:${port}`;
  const grants = new GrantStore<LightspeedStore>({ accessTokenTtl: 86_400, refreshPolicy: 'rotating', refreshTokenTtl: null });
  const controls = emulatorControls<LightspeedStore>(server, grants);
  /** The store a request's Host names: its first label under retail.localhost. */
  const storeOf = (request: EmulatorRequest) => /^([^.]+)\.retail\.localhost:\d+$/.exec(request.headers.host ?? '')?.[1];

  server.route('GET', '/connect', (request) => {
    server.count('connect');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid application</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    if ((query.get('state') ?? '').length < 8) return reply({ error: 'invalid_request' });
    const scopes = requestedScopes(query);
    if (scopes.some((scope) => !SCOPES.includes(scope))) return reply({ error: 'invalid_scope' });
    const store = controls.approver();
    if (!store) return reply({ error: 'access_denied' });
    const code = grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: scopes.join(' '), codeChallenge: undefined, codeChallengeMethod: undefined, user: store });
    return reply({ code: `${store.domainPrefix}~${code}`, domain_prefix: store.domainPrefix });
  });

  tokenEndpoint(server, '/api/1.0/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure, reply: (status) => json(status, { error: 'Service unavailable' }) },
    authenticates: (request) => formCredentials(request, options),
    // A code is its store's: at another store's host it is one the store does not know.
    parameters: (request) => {
      const form = request.form();
      const [prefix, code] = (form.get('code') ?? '').split('~');
      if (form.has('code')) form.set('code', prefix === storeOf(request) && code ? code : 'not-this-store');
      return form;
    },
    answer: ({ grant, tokens }) =>
      json(200, { ...tokenMembers(tokens, grant.scope, 'Bearer'), expires: Math.floor(Date.now() / 1000) + (tokens.expiresIn ?? 0), domain_prefix: grant.user.domainPrefix }),
  });

  /** The grant of the request's token, live and of the store whose host it came to, with the scope; else the refusal. */
  const apiGrant = (request: EmulatorRequest, scope: string): Grant<LightspeedStore> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant || grant.user.domainPrefix !== storeOf(request)) return json(401, { error: 'Unauthorized', message: 'The access token is invalid or expired' });
    return grant.scope.split(' ').includes(scope) ? grant : json(403, { error: 'Forbidden', message: `The ${scope} scope is required` });
  };
  const isGrant = (value: Grant<LightspeedStore> | EmulatorReply): value is Grant<LightspeedStore> => 'user' in value;

  server.route('GET', '/api/2.0/retailer', (request) => {
    server.count('retailer');
    const grant = apiGrant(request, 'retailer:read');
    if (!isGrant(grant)) return grant;
    const { user: store } = grant;
    return json(200, { data: { id: store.id, name: store.name, domain_prefix: store.domainPrefix, currency: { code: 'NZD', symbol: '$' }, timezone: 'Pacific/Auckland', tax_exclusive: true } });
  });

  server.route('GET', '/api/2.0/products', (request) => {
    server.count('products');
    const grant = apiGrant(request, 'products:read');
    if (!isGrant(grant)) return grant;
    return json(200, { data: [{ id: '0242ac12-0002-11e9-e8c4-659494e33153', name: `${grant.user.name} T-shirt`, sku: '10001' }], version: { min: 1, max: 1 } });
  });

  return {
    ...controls.handle,
    storeHost,
    secureHost: storeHost('secure'),
    removeAddOn: (store) => grants.revokeGrantsOf((someone) => someone.id === store.id),
  };
}
