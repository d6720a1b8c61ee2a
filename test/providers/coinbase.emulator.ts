/**
 * An emulator of Coinbase's OAuth2 for the Coinbase App (login.coinbase.com's
 * /oauth2/auth, /oauth2/token and /oauth2/revoke) and of the part of its v2
 * API (api.coinbase.com) a connection touches, written from Coinbase's
 * documentation:
 * - Authorize (https://docs.cdp.coinbase.com/coinbase-app/oauth2-integration/reference):
 *   `GET /oauth2/auth` with `client_id`, `response_type=code`,
 *   `redirect_uri`, a `state` of at least 8 characters, a comma-separated
 *   `scope` (each one declared for the client), and an optional PKCE
 *   challenge, `S256` or `plain` (the default). A state too short is sent back
 *   as `invalid_state`, a scope not declared as `invalid_scope`, a person who
 *   declines as `access_denied` (RFC 6749's; Coinbase names none of them).
 * - Token (the same reference, and
 *   https://docs.cdp.coinbase.com/coinbase-app/oauth2-integration/access-and-refresh-tokens):
 *   `POST /oauth2/token`, a form with `client_id`, `client_secret` and the
 *   code (with its `redirect_uri`, and `code_verifier` when a challenge was
 *   sent) or a refresh token; the answer is `access_token`,
 *   `token_type: "bearer"`, `expires_in` (3600), `refresh_token` (with the
 *   scope `offline_access` only) and `scope`. A refresh token is exchanged
 *   once only, for a new pair, and ends 1.5 years after it was issued.
 *   Refusals are RFC 6749 §5.2's.
 * - Revoke (the tokens page, "Revoking an Access Token"): `POST /oauth2/revoke`
 *   with the access token as `token`, the request authenticated by that token
 *   as Bearer (or an `access_token` parameter); 200 whether or not anything
 *   was revoked. The app's access to the account is disconnected: the whole
 *   grant ends here, its refresh token too.
 * - API: `GET /v2/user` answers the user under `data`: `id`, `name`,
 *   `username` and the public profile with no scope, `time_zone`,
 *   `native_currency`, `country`, `created_at` with `wallet:user:read`, `email`
 *   with `wallet:user:email` (https://docs.cdp.coinbase.com/coinbase-app/oauth2-integration/available-apis);
 *   `GET /v2/accounts` (`wallet:accounts:read`) the accounts under `data` with
 *   `pagination`. A token it does not take is 401 `invalid_token`, a scope not
 *   granted 403 `invalid_scope`, as `{ errors: [{ id, message }] }`
 *   (https://docs.cdp.coinbase.com/coinbase-app/api-architecture/error-messages).
 * The authorization page approves at once for signInAs()'s user.
 */
import { redirectBack } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface CoinbaseUser {
  /** The Coinbase user id, a UUID. */
  id: string;
  name: string;
  username: string;
  email: string;
}

export interface CoinbaseEmulator extends EmulatorHandle<CoinbaseUser> {
  /** The `token` of each revocation request, in order. */
  readonly revoked: ReadonlyArray<string>;
}

const ACCESS_TOKEN_TTL = 3600;
const REFRESH_TOKEN_TTL = 547 * 86_400;
/** The scopes the emulated client declared. */
const DECLARED = ['wallet:user:read', 'wallet:user:email', 'wallet:accounts:read', 'offline_access'];
const apiError = (status: number, id: string, message: string): EmulatorReply => json(status, { errors: [{ id, message }] });

export async function startCoinbaseEmulator(options: EmulatorOptions): Promise<CoinbaseEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<CoinbaseUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
  });
  const controls = emulatorControls<CoinbaseUser>(server, grants);
  const revoked: string[] = [];

  server.route('GET', '/oauth2/auth', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>invalid_client</h1>');
    if ((query.get('redirect_uri') ?? options.redirectUri) !== options.redirectUri) return html(400, '<h1>The redirect_uri does not match the registered one</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if ((query.get('state') ?? '').length < 8) return reply({ error: 'invalid_state', error_description: 'The state is missing or has fewer than 8 characters.' });
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const method = query.get('code_challenge_method') ?? 'plain';
    if (query.get('code_challenge') && method !== 'S256' && method !== 'plain') return reply({ error: 'invalid_request', error_description: 'code_challenge_method must be S256 or plain' });
    const scopes = (query.get('scope') ?? '').split(',').filter(Boolean);
    if (scopes.some((scope) => !DECLARED.includes(scope))) return reply({ error: 'invalid_scope' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The resource owner denied the request' });
    return reply({
      code: grants.issueCode({
        clientId: options.clientId,
        redirectUri: options.redirectUri,
        scope: scopes.join(' '),
        codeChallenge: query.get('code_challenge') ?? undefined,
        codeChallengeMethod: query.get('code_challenge') ? method : undefined,
        user,
        refreshToken: scopes.includes('offline_access'),
      }),
    });
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    errors: { client: () => oauthError(401, 'invalid_client', 'Client authentication failed') },
    answer: ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'bearer',
        expires_in: tokens.expiresIn,
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        scope: grant.scope,
      }),
  });

  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    const token = form.get('token');
    if (token) revoked.push(token);
    const bearer = request.bearer() ?? form.get('access_token');
    const grant = bearer && bearer === token ? grants.grantOfAccessToken(bearer) : undefined;
    if (grant) grants.revokeGrant(grant.id);
    return json(200, {});
  });

  /** The grant of the request's Bearer token when it holds `scope` (none: any grant); else Coinbase's 401 or 403. */
  const authorized = (request: EmulatorRequest, scope?: string): Grant<CoinbaseUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return apiError(401, 'invalid_token', 'The access token is invalid');
    if (scope && !grant.scope.split(' ').includes(scope)) return apiError(403, 'invalid_scope', "User hasn't authorized necessary scope");
    return grant;
  };

  server.route('GET', '/v2/user', (request) => {
    server.count('user');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    const held = grant.scope.split(' ');
    return json(200, {
      data: {
        id: user.id,
        name: user.name,
        username: user.username,
        profile_location: null,
        profile_bio: null,
        profile_url: `https://coinbase.com/${user.username}`,
        avatar_url: 'https://images.coinbase.com/avatar?s=128',
        resource: 'user',
        resource_path: '/v2/user',
        ...(held.includes('wallet:user:read') ? { time_zone: 'Pacific Time (US & Canada)', native_currency: 'USD', country: { code: 'US', name: 'United States' }, created_at: '2015-01-31T20:49:02Z' } : {}),
        ...(held.includes('wallet:user:email') ? { email: user.email } : {}),
      },
    });
  });

  server.route('GET', '/v2/accounts', (request) => {
    server.count('accounts');
    const grant = authorized(request, 'wallet:accounts:read');
    if (!isGrant(grant)) return grant;
    return json(200, {
      pagination: { ending_before: null, starting_after: null, limit: 25, order: 'desc', previous_uri: null, next_uri: null },
      data: [
        {
          id: '58542935-67b5-56e1-a3f9-42686e07fa40',
          name: `BTC Wallet of ${grant.user.username}`,
          primary: true,
          type: 'wallet',
          currency: { code: 'BTC', name: 'Bitcoin' },
          balance: { amount: '0.00100000', currency: 'BTC' },
          resource: 'account',
          resource_path: '/v2/accounts/58542935-67b5-56e1-a3f9-42686e07fa40',
        },
      ],
    });
  });

  return { ...controls.handle, revoked };
}
