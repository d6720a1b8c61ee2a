/**
 * An emulator of Kroger's OAuth 2.0 server (api.kroger.com/v1/connect/oauth2)
 * and of the part of its public APIs a connection touches (the identity and
 * cart APIs), on one host, written from Kroger's developer documentation
 * (https://developer.kroger.com/documentation/getting-started/tutorials/authorization,
 * …/tutorials/refresh-token):
 * - Authorize: `GET /v1/connect/oauth2/authorize` with `client_id`,
 *   `redirect_uri`, `response_type=code` and `scope`, all required, and
 *   `state`; the customer goes back with `code`. A request without a scope,
 *   or with one not among those the application was given here
 *   (`profile.compact`, `cart.basic:write`), is sent back `invalid_scope`
 *   (how Kroger refuses it is not shown); a customer who declines goes back
 *   with `error=access_denied` (not shown by Kroger); PKCE is not read.
 * - Token: `POST /v1/connect/oauth2/token`, a form, the client as HTTP Basic
 *   with the pair as it is (a form-encoded pair, or the client in the form,
 *   is refused here). The answer is `expires_in` (30 minutes, as
 *   integrations read it), `access_token`, `token_type: "bearer"` and
 *   `refresh_token`. A refresh answers a new access token and a new refresh
 *   token, and the one used is invalidated: used again it is a 400
 *   ("Missing/Invalid Refresh Token"), as RFC 6749 §5.2's `invalid_grant`
 *   here; other refusals are §5.2's bare `error`.
 * - API: the token as Bearer; an invalid or expired token is a 401
 *   `{ error_description: "The access token is invalid or has expired", error: "invalid_token" }`
 *   (documented); a token without the scope a route needs is a 403 here (its
 *   body made up). `GET /v1/identity/profile` (profile.compact) answers
 *   `{ data: { id }, meta }`; `PUT /v1/cart/add` (cart.basic:write) takes
 *   `{ items: [{ upc, quantity, modality }] }` and answers 204.
 * There is no revocation endpoint: revokeAccess() is the customer removing
 * the application's access, which ends its tokens. The authorization page
 * approves at once for signInAs()'s customer.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface KrogerCustomer {
  /** The customer's profile id, a UUID. */
  id: string;
}

export interface KrogerEmulator extends EmulatorHandle<KrogerCustomer> {
  /** The customer removes the application's access: every token of theirs stops working. */
  revokeAccess(customer: KrogerCustomer): void;
  /** The next /v1/identity/profile request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each item added to a cart, with the customer whose cart it is. */
  readonly cartItems: ReadonlyArray<{ customer: string; upc: string; quantity: number; modality: string | undefined }>;
}

/** Kroger's access tokens last 30 minutes (as integrations read `expires_in`). */
export const KROGER_ACCESS_TOKEN_SECONDS = 1800;

const SCOPES = ['profile.compact', 'cart.basic:write'];

export async function startKrogerEmulator(options: EmulatorOptions): Promise<KrogerEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<KrogerCustomer>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: KROGER_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<KrogerCustomer>(server, grants);
  const profileFailure = queuedFailure();
  const cartItems: Array<{ customer: string; upc: string; quantity: number; modality: string | undefined }> = [];

  authorizationEndpoint(server, '/v1/connect/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const asked = requestedScopes(query);
      return asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined;
    },
    pkce: false,
  });

  tokenEndpoint(server, '/v1/connect/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options) && !request.form().has('client_secret'),
    pkce: false,
    errors: { refreshToken: () => oauthError(400, 'invalid_grant', 'Missing/Invalid Refresh Token') },
    answer: ({ tokens }) => json(200, { expires_in: tokens.expiresIn, access_token: tokens.accessToken, token_type: 'bearer', refresh_token: tokens.refreshToken }),
  });

  /** The grant of an API call, its bearer token taken and holding `scope`; Kroger's refusal otherwise. */
  const apiGrant = (request: EmulatorRequest, scope: string): Grant<KrogerCustomer> | EmulatorReply => {
    const grant = bearerGrant(grants, request, () => json(401, { error_description: 'The access token is invalid or has expired', error: 'invalid_token' }));
    if (!isGrant(grant)) return grant;
    return grant.scope.split(' ').includes(scope) ? grant : json(403, { error_description: `The access token lacks the ${scope} scope`, error: 'insufficient_scope' });
  };

  server.route('GET', '/v1/identity/profile', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { errors: { reason: 'Internal Server Error' } });
    const grant = apiGrant(request, 'profile.compact');
    if (!isGrant(grant)) return grant;
    return json(200, { data: { id: grant.user.id }, meta: { pagination: { total: 0, start: 0, limit: 0 }, warnings: [] } });
  });

  server.route('PUT', '/v1/cart/add', (request) => {
    server.count('cart_add');
    const grant = apiGrant(request, 'cart.basic:write');
    if (!isGrant(grant)) return grant;
    const items = (request.json() as { items?: unknown } | undefined)?.items;
    if (!Array.isArray(items) || items.length === 0) return json(400, { errors: { reason: 'items is required' } });
    for (const item of items as Array<{ upc?: unknown; quantity?: unknown; modality?: unknown }>) {
      if (typeof item.upc !== 'string' || typeof item.quantity !== 'number') return json(400, { errors: { reason: 'each item needs a upc and a quantity' } });
      cartItems.push({ customer: grant.user.id, upc: item.upc, quantity: item.quantity, modality: typeof item.modality === 'string' ? item.modality : undefined });
    }
    return { status: 204, headers: {}, body: '' };
  });

  return {
    ...controls.handle,
    revokeAccess: (customer) => grants.revokeGrantsOf((someone) => someone.id === customer.id),
    failNextProfile: profileFailure.queue,
    cartItems,
  };
}
