/**
 * An emulator of Mercado Pago's OAuth (auth.mercadopago.com/authorization, api.mercadopago.com/oauth/token) and of
 * the part of its API a connection touches, written from Mercado Pago's pages
 * (https://www.mercadopago.com.ar/developers/en/docs/security/oauth/creation,
 * https://www.mercadopago.com.mx/developers/en/reference/oauth/_oauth_token/post,
 * https://www.mercadopago.com.br/developers/en/docs/qr-code/additional-content/security/oauth/renewal):
 * - Authorize: `GET /authorization` with `client_id`, `response_type=code`, `platform_id=mp`, `state` and
 *   `redirect_uri` (the application's Redirect URL, exactly); the application has PKCE turned on, so
 *   `code_challenge` and `code_challenge_method` are required. Approved, a code (`TG-…`) with the state.
 * - Token: `POST /oauth/token`, a JSON body with `client_id`, `client_secret`, `grant_type`, `code`, `redirect_uri`
 *   and `code_verifier` (or `refresh_token`); the answer is `access_token` (`APP_USR-…`), `token_type: "bearer"`,
 *   `expires_in` 15552000, `scope`, `user_id`, `refresh_token`, `public_key` and `live_mode`. Each refresh answers
 *   a new refresh token. Refusals are 400 with `error` (`invalid_client`, `invalid_grant`, `invalid_request`,
 *   `unsupported_grant_type`).
 * - API: `GET /v1/payments/search`, the token as Bearer, the seller's payments.
 * Made up here: the pages for an unknown client or redirect URI; the refusals' `message`, `status` and `cause`
 * beside `error`; the spent refresh token refused after a refresh; the API's 401 for a token it does not take.
 * unlinkApp() is the seller unlinking the application in their account. The authorization page approves at once
 * for signInAs()'s seller.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface MercadoPagoSeller {
  /** The seller's Mercado Pago user ID, a number. */
  id: number;
}

export interface MercadoPagoEmulator extends EmulatorHandle<MercadoPagoSeller> {
  /** The seller unlinks the application from their Mercado Pago account: every token of theirs stops working. */
  unlinkApp(seller: MercadoPagoSeller): void;
  /** Each token request's Content-Type, query and JSON body, in order. */
  readonly tokenRequests: ReadonlyArray<{ contentType: string | undefined; query: string; body: Record<string, string> }>;
}

/** 180 days. */
export const MERCADOPAGO_ACCESS_TOKEN_SECONDS = 15_552_000;

/** The JSON body's string members, where the request says it is JSON. */
function jsonParameters(request: EmulatorRequest): URLSearchParams {
  const body = (request.headers['content-type'] ?? '').startsWith('application/json') ? request.json() : undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return new URLSearchParams();
  return new URLSearchParams(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Mercado Pago's refusal: `error` with `message`, `status` and `cause`. */
function mpError(status: number, error: string, message: string): EmulatorReply {
  return json(status, { message, error, status, cause: [] });
}
const INVALID_GRANT = () => mpError(400, 'invalid_grant', 'invalid_grant');

export async function startMercadoPagoEmulator(options: EmulatorOptions): Promise<MercadoPagoEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<MercadoPagoSeller>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: MERCADOPAGO_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating', prefixes: { access: 'APP_USR-', refresh: 'TG-' } });
  const controls = emulatorControls<MercadoPagoSeller>(server, grants);
  const tokenRequests: Array<{ contentType: string | undefined; query: string; body: Record<string, string> }> = [];

  authorizationEndpoint(server, '/authorization', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const method = query.get('code_challenge_method');
      if (!query.get('code_challenge') || (method !== 'S256' && method !== 'plain')) return { error: 'invalid_request', error_description: 'code_challenge and code_challenge_method are required' };
      return undefined;
    },
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    screen: (request) => {
      tokenRequests.push({ contentType: request.headers['content-type'], query: request.url.search, body: Object.fromEntries(jsonParameters(request)) });
      // "Remember not to send any parameters inside Query Params."
      return request.url.search ? mpError(400, 'invalid_request', 'parameters must be sent in the body') : undefined;
    },
    failure: { queued: controls.tokenFailure },
    parameters: jsonParameters,
    authenticates: (request) => credentialsIn(jsonParameters(request), options),
    errors: {
      client: () => mpError(400, 'invalid_client', 'invalid client_id or client_secret'),
      grantType: () => mpError(400, 'unsupported_grant_type', 'unsupported_grant_type'),
      refreshToken: INVALID_GRANT,
      code: INVALID_GRANT,
    },
    answer: ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'bearer',
        expires_in: tokens.expiresIn,
        scope: 'offline_access read write',
        user_id: grant.user.id,
        refresh_token: tokens.refreshToken,
        public_key: `APP_USR-d0a26210-${grant.user.id}`,
        live_mode: true,
      }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => mpError(401, 'unauthorized', 'invalid access token'));

  server.route('GET', '/v1/payments/search', (request) => {
    server.count('payments');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { paging: { total: 1, limit: 30, offset: 0 }, results: [{ id: 20359978, status: 'approved', currency_id: 'ARS', transaction_amount: 100, collector_id: grant.user.id }] });
  });

  return {
    ...controls.handle,
    unlinkApp: (seller) => grants.revokeGrantsOf((someone) => someone.id === seller.id),
    tokenRequests,
  };
}
