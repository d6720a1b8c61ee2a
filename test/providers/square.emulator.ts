/**
 * An emulator of Square's OAuth API and of the part of the Square API a
 * connection touches (`https://connect.squareup.com`, or the Sandbox's
 * host), written from Square's documentation:
 * - Authorize (https://developer.squareup.com/docs/oauth-api/create-urls-for-square-authorization,
 *   https://developer.squareup.com/docs/oauth-api/receive-and-manage-tokens):
 *   `GET /oauth2/authorize` with `client_id`, a space-separated `scope` of
 *   permissions (`MERCHANT_PROFILE_READ PAYMENTS_READ`), `state`, an
 *   optional `session` and `redirect_uri`, which must be the one registered
 *   (else an error page). Approval redirects with `code`,
 *   `response_type=code` and `state`; a seller who denies comes back with
 *   `error=access_denied` and `error_description=user_denied`. Codes live 5
 *   minutes and are used once
 *   (https://developer.squareup.com/docs/oauth-api/overview).
 * - ObtainToken (https://developer.squareup.com/reference/square/o-auth/obtain-token):
 *   `POST /oauth2/token` with a JSON body (a form is refused here) carrying
 *   `client_id`, `client_secret` and `grant_type`, with `code` or
 *   `refresh_token`. The answer is `{ access_token, token_type: "bearer",
 *   expires_at, merchant_id, refresh_token, short_lived: false }`, the access
 *   token for 30 days; a refresh answers a new access token and the same
 *   refresh token, which does not expire (the code flow's). Refusals are
 *   `{ errors: [{ category, code, detail }] }` here, 401 `UNAUTHORIZED`,
 *   with a detail naming the client secret for a wrong one: Square does not
 *   show ObtainToken's refusals.
 * - `GET /v2/merchants/me` (https://developer.squareup.com/reference/square/merchants-api/retrieve-merchant)
 *   answers `{ merchant: { id, business_name, country, language_code,
 *   currency, status, main_location_id, created_at } }` and `GET
 *   /v2/locations` `{ locations: [{ id, name, merchant_id, status }] }`, both
 *   with `MERCHANT_PROFILE_READ`, and 403 `INSUFFICIENT_SCOPES` without it.
 *   A token it does not take is 401 with `ACCESS_TOKEN_EXPIRED`,
 *   `ACCESS_TOKEN_REVOKED` or `UNAUTHORIZED`
 *   (https://developer.squareup.com/docs/build-basics/handling-errors).
 *   The `Square-Version` each call sends is recorded.
 * - RevokeToken (https://developer.squareup.com/reference/square/o-auth/revoke-token):
 *   `POST /oauth2/revoke` with `Authorization: Client <client secret>` (any
 *   other is `{ message: "bad authorization header", type:
 *   "bad_request.invalid_parameter" }`, as Square's forum shows) and `{
 *   client_id, access_token }` or `{ client_id, merchant_id }` ends every
 *   token of that seller's authorization and answers `{ success: true }`; a
 *   token it does not know is 401 `UNAUTHORIZED` here, which is not shown.
 * The authorization page approves at once for signInAs()'s seller.
 */
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, redirect, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface SquareMerchant {
  /** Square's merchant id, e.g. `MLR5X6A0J3K9B`. */
  id: string;
  business_name: string;
  country: string;
  currency: string;
}

export interface SquareEmulator extends EmulatorHandle<SquareMerchant> {
  /** The seller revokes the app's authorization in their Square Dashboard: none of its tokens works. */
  revokeAtSquare(merchantId: string): void;
  /** The next merchants/me request fails with this HTTP status. */
  failNextMerchantRequest(status: number): void;
  /** The `Square-Version` header of each API call, in order. */
  readonly versions: Array<string | undefined>;
}

const ACCESS_TOKEN_TTL = 30 * 86_400;
const PERMISSION = /^[A-Z]+(_[A-Z]+)*$/;

const errors = (status: number, category: string, code: string, detail: string): EmulatorReply => json(status, { errors: [{ category, code, detail }] });

export async function startSquareEmulator(options: EmulatorOptions): Promise<SquareEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<SquareMerchant>({
    now,
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'static',
    refreshTokenTtl: null,
    codeTtl: 5 * 60,
    prefixes: { access: 'EAAA', refresh: 'EQAA' },
  });
  const controls = emulatorControls<SquareMerchant>(server, grants);
  const versions: Array<string | undefined> = [];
  const merchantFailure = queuedFailure();

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    const redirectUri = query.get('redirect_uri');
    if (query.get('client_id') !== options.clientId || (redirectUri !== null && redirectUri !== options.redirectUri)) return html(400, '<h1>Invalid application or redirect URL</h1>');
    const scopes = (query.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.some((scope) => !PERMISSION.test(scope))) return html(400, `<h1>Invalid scope: ${scopes.join(' ')}</h1>`);
    const back = new URL(options.redirectUri);
    const merchant = controls.approver();
    if (!merchant) {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'user_denied');
    } else {
      const code = grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: scopes.join(' '), codeChallenge: undefined, codeChallengeMethod: undefined, user: merchant });
      back.searchParams.set('code', code);
      back.searchParams.set('response_type', 'code');
    }
    const state = query.get('state');
    if (state !== null) back.searchParams.set('state', state);
    return redirect(back);
  });

  /** The JSON body's string members, or nothing: ObtainToken takes JSON only. */
  const jsonParameters = (request: EmulatorRequest): URLSearchParams | undefined => {
    const body = request.json();
    if (!(request.headers['content-type'] ?? '').startsWith('application/json') || body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
    return new URLSearchParams(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  };

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    screen: (request) => (jsonParameters(request) ? undefined : errors(400, 'INVALID_REQUEST_ERROR', 'INVALID_CONTENT_TYPE', 'Content-Type must be application/json')),
    parameters: (request) => jsonParameters(request)!,
    authenticates: (request) => credentialsIn(jsonParameters(request)!, options),
    pkce: false,
    errors: {
      client: () => errors(401, 'AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'Invalid client_secret for the application'),
      grantType: () => errors(400, 'INVALID_REQUEST_ERROR', 'INVALID_VALUE', 'Invalid grant_type'),
      code: (reason) => errors(401, 'AUTHENTICATION_ERROR', 'UNAUTHORIZED', reason === 'code_reused' ? 'Authorization code is already redeemed' : 'Authorization code is invalid or expired'),
      refreshToken: () => errors(401, 'AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'Refresh token is revoked or invalid'),
    },
    // The code flow's refresh answers the refresh token it was given.
    answer: ({ grant, tokens, form }) =>
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'bearer',
        expires_at: new Date((now() + (tokens.expiresIn ?? ACCESS_TOKEN_TTL)) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        merchant_id: grant.user.id,
        refresh_token: tokens.refreshToken ?? form.get('refresh_token'),
        short_lived: false,
      }),
  });

  /** The grant of the request's Bearer token, or the 401 Square answers without one. */
  const apiGrant = (request: EmulatorRequest): Grant<SquareMerchant> | EmulatorReply => {
    const version = request.headers['square-version'];
    versions.push(typeof version === 'string' ? version : undefined);
    const token = request.bearer() ?? '';
    const grant = grants.grantOfAccessToken(token);
    if (grant) return grant;
    // A token issued here that is no longer live: revoked with its authorization, or past its 30 days.
    const issued = grants.grantOfToken(token);
    if (issued?.revoked) return errors(401, 'AUTHENTICATION_ERROR', 'ACCESS_TOKEN_REVOKED', 'The access token has been revoked.');
    if (issued) return errors(401, 'AUTHENTICATION_ERROR', 'ACCESS_TOKEN_EXPIRED', 'The access token has expired.');
    return errors(401, 'AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.');
  };
  const profileRead = (grant: Grant<SquareMerchant>) => grant.scope.split(' ').includes('MERCHANT_PROFILE_READ');
  const insufficient = (): EmulatorReply =>
    errors(403, 'AUTHENTICATION_ERROR', 'INSUFFICIENT_SCOPES', 'The merchant has not given your application sufficient permissions to do that. The app should ask the merchant for more permissions.');

  server.route('GET', '/v2/merchants/me', (request) => {
    server.count('merchants_me');
    const status = merchantFailure.take();
    if (status !== undefined) return errors(status, 'API_ERROR', 'INTERNAL_SERVER_ERROR', 'An internal error has occurred.');
    const grant = apiGrant(request);
    if (!('user' in grant)) return grant;
    if (!profileRead(grant)) return insufficient();
    const merchant = grant.user;
    return json(200, {
      merchant: { ...merchant, language_code: 'en-US', status: 'ACTIVE', main_location_id: `L${merchant.id.slice(2)}`, created_at: '2024-03-11T09:30:00.000Z' },
    });
  });

  server.route('GET', '/v2/locations', (request) => {
    server.count('locations');
    const grant = apiGrant(request);
    if (!('user' in grant)) return grant;
    if (!profileRead(grant)) return insufficient();
    return json(200, { locations: [{ id: `L${grant.user.id.slice(2)}`, name: `${grant.user.business_name} Main Street`, merchant_id: grant.user.id, status: 'ACTIVE' }] });
  });

  const revokeMerchant = (merchantId: string) => {
    grants.revokeGrantsOf((someone) => someone.id === merchantId);
  };

  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    if (request.headers.authorization !== `Client ${options.clientSecret}`) return json(400, { message: 'bad authorization header', type: 'bad_request.invalid_parameter' });
    const body = (request.json() ?? {}) as Record<string, unknown>;
    if (body.client_id !== options.clientId) return errors(401, 'AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'Invalid client_id');
    const merchantId = typeof body.access_token === 'string' ? grants.grantOfAccessToken(body.access_token)?.user.id : typeof body.merchant_id === 'string' ? body.merchant_id : undefined;
    if (merchantId === undefined) return errors(401, 'AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.');
    revokeMerchant(merchantId);
    return json(200, { success: true });
  });

  return {
    ...controls.handle,
    revokeAtSquare: revokeMerchant,
    failNextMerchantRequest: merchantFailure.queue,
    versions,
  };
}
