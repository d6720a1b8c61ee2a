/**
 * An emulator of TrueLayer's auth server and of the part of its Data API v1 a connection touches, as TrueLayer
 * documents them (https://docs.truelayer.com/docs/generate-an-auth-link,
 * https://docs.truelayer.com/docs/create-a-connection, https://docs.truelayer.com/reference/generateaccesstoken,
 * https://docs.truelayer.com/docs/data-api-basics): the auth link at the server's root, `GET /?response_type=code`
 * with `client_id`, `redirect_uri` and a space-separated `scope`; `POST /connect/token`, a form carrying the client
 * as `client_id` and `client_secret` (never Basic) and, for a code, the `redirect_uri`; a refresh token only when
 * `offline_access` was granted, spent at the same endpoint; a connection that lasts 90 days from its creation.
 * `GET /data/v1/accounts` with the token as Bearer answers `{ results, status: 'Succeeded' }`.
 * Made up here (TrueLayer's pages read do not say): a scope outside the Data scopes refused as `invalid_scope`; the
 * access token's hour; a refresh answering the same refresh token (the 'static' policy); refusals as RFC 6749 §5.2's
 * bare `error`; the 401's body. removeAccess() is the person's consent ending at TrueLayer (revoked, or the 90 days
 * over). The auth dialog approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export const TRUELAYER_ACCESS_TOKEN_SECONDS = 3600;
const CONNECTION_SECONDS = 90 * 24 * 3600;
const SCOPES = ['info', 'accounts', 'balance', 'cards', 'transactions', 'direct_debits', 'standing_orders', 'offline_access'];

/** A bank customer and the display names of the accounts they share. */
export interface TrueLayerPerson {
  name: string;
  accounts: string[];
}

export interface TrueLayerEmulator extends EmulatorHandle<TrueLayerPerson> {
  /** The person's consent ends at TrueLayer: every token of theirs stops working. */
  removeAccess(person: TrueLayerPerson): void;
  /** Each token request's form, in order. */
  readonly tokenForms: readonly URLSearchParams[];
}

export async function startTrueLayerEmulator(options: EmulatorOptions): Promise<TrueLayerEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<TrueLayerPerson>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: TRUELAYER_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static', refreshTokenTtl: CONNECTION_SECONDS });
  const controls = emulatorControls<TrueLayerPerson>(server, grants);
  const tokenForms: URLSearchParams[] = [];

  authorizationEndpoint(server, '/', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => ((query.get('scope') ?? '').split(' ').every((scope) => SCOPES.includes(scope)) ? undefined : { error: 'invalid_scope' }),
    // A refresh token only for a connection granted offline_access.
    request: (query) => ({ refreshToken: (query.get('scope') ?? '').split(' ').includes('offline_access') }),
  });

  tokenEndpoint(server, '/connect/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    screen: (request) => {
      tokenForms.push(request.form());
      return undefined;
    },
    authenticates: (request) => !request.headers.authorization && formCredentials(request, options),
    pkce: false,
    answer: ({ tokens }) =>
      json(200, { access_token: tokens.accessToken, expires_in: tokens.expiresIn, token_type: 'Bearer', ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}) }),
  });

  server.route('GET', '/data/v1/accounts', (request) => {
    server.count('accounts');
    const grant = bearerGrant(grants, request, () => json(401, { error: 'invalid_token', error_description: 'Invalid access token.' }));
    if (!isGrant(grant)) return grant;
    const results = grant.user.accounts.map((name, index) => ({ account_id: `${grant.id.slice(0, 8)}-${index}`, account_type: 'TRANSACTION', display_name: name, currency: 'GBP' }));
    return json(200, { results, status: 'Succeeded' });
  });

  return {
    ...controls.handle,
    removeAccess: (person) => grants.revokeGrantsOf((someone) => someone === person),
    tokenForms,
  };
}
