/**
 * An emulator of Klaviyo's OAuth (www.klaviyo.com's /oauth/authorize,
 * a.klaviyo.com's /oauth/token and /oauth/revoke) and of the part of the
 * API a connection touches, written from Klaviyo's documentation:
 * - Authorize (https://developers.klaviyo.com/en/docs/set_up_oauth):
 *   `GET /oauth/authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri`, a space-separated `scope` (each one the app registered),
 *   `state`, and `code_challenge` with `code_challenge_method=S256`, all
 *   required. A request it refuses goes back to the redirect URI with RFC
 *   6749's `error`; a person who declines is `access_denied`.
 * - Token (https://developers.klaviyo.com/en/docs/set_up_oauth,
 *   https://developers.klaviyo.com/en/docs/troubleshoot_oauth_errors):
 *   `POST /oauth/token`, a form body, the client by `Authorization: Basic`
 *   with base64 of `[ID]:[SECRET]` alone (`invalid_client` otherwise); a
 *   verifier that does not hash to the challenge is `invalid_grant` with
 *   `Code challenge failed.`; an expired or revoked refresh token is
 *   refused. The answer is `access_token`, `token_type: "Bearer"`,
 *   `expires_in` (3600), `refresh_token` and `scope`; each refresh answers a
 *   new refresh token and the used one is refused, and a refresh token ends
 *   after 90 days unused (neither is on Klaviyo's pages: see the preset).
 *   Refusals are RFC 6749 §5.2's JSON, `invalid_client` 401, the others 400
 *   (the statuses are not documented).
 * - Revoke (https://developers.klaviyo.com/en/docs/set_up_oauth):
 *   `POST /oauth/revoke`, a form with `token`, the client as at the token
 *   endpoint; a refresh token revoked ends the grant, an access token only
 *   itself. 200 with no body, for a token it does not know too (RFC 7009 §2.2).
 * - API (https://developers.klaviyo.com/en/reference/get_accounts): every
 *   call carries the token as Bearer and a `revision` header, which is
 *   required; `GET /api/accounts` (`accounts:read`) answers the one account
 *   the token is for, as JSON:API `data`, with its `contact_information`;
 *   `GET /api/accounts/{id}` that account alone. Errors are JSON:API
 *   `errors` with `status`, `code`, `title` and `detail`
 *   (https://developers.klaviyo.com/en/v2023-02-22/docs/rate_limits_and_error_handling):
 *   a token it does not take is 401, a scope not granted 403, a missing
 *   revision 400 (the codes and wording are this emulator's).
 * The authorization page approves at once for signInAs()'s account.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface KlaviyoAccount {
  /** The Klaviyo account id (six characters, the public API key). */
  id: string;
  organizationName: string;
  defaultSenderEmail: string;
}

export interface KlaviyoEmulatorOptions extends EmulatorOptions {
  /** The scopes the app registered (default: accounts:read and lists:read). */
  registeredScopes?: string[];
}

export interface KlaviyoEmulator extends EmulatorHandle<KlaviyoAccount> {
  /** The `token` of each revocation request the client authenticated, in order. */
  readonly revoked: ReadonlyArray<string>;
}

const ACCESS_TOKEN_TTL = 60 * 60;
const REFRESH_TOKEN_IDLE_TTL = 90 * 86_400;

/** A JSON:API error answer as the API sends it. */
const apiError = (status: number, code: string, title: string, detail: string): EmulatorReply => json(status, { errors: [{ id: `err-${code}`, status, code, title, detail, source: { pointer: '/data/' } }] });

/** The account as `/api/accounts` lists it. */
function accountResource(origin: string, account: KlaviyoAccount): Record<string, unknown> {
  return {
    type: 'account',
    id: account.id,
    attributes: {
      test_account: false,
      contact_information: { default_sender_name: account.organizationName, default_sender_email: account.defaultSenderEmail, website_url: 'https://www.example.com', organization_name: account.organizationName },
      industry: 'Software / SaaS',
      timezone: 'US/Eastern',
      preferred_currency: 'USD',
      public_api_key: account.id,
      locale: 'en-US',
    },
    links: { self: `${origin}/api/accounts/${account.id}` },
  };
}

export async function startKlaviyoEmulator(options: KlaviyoEmulatorOptions): Promise<KlaviyoEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<KlaviyoAccount>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenIdleTtl: REFRESH_TOKEN_IDLE_TTL,
  });
  const controls = emulatorControls<KlaviyoAccount>(server, grants);
  const revoked: string[] = [];
  const registered = new Set(options.registeredScopes ?? ['accounts:read', 'lists:read']);

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid request',
    refuse: (query) => {
      if (!query.get('code_challenge') || query.get('code_challenge_method') !== 'S256') return { error: 'invalid_request', error_description: 'code_challenge with code_challenge_method S256 is required' };
      if (!query.get('state')) return { error: 'invalid_request', error_description: 'state is required' };
      const scopes = requestedScopes(query);
      return scopes.length === 0 || scopes.some((scope) => !registered.has(scope)) ? { error: 'invalid_scope' } : undefined;
    },
  });

  /** Basic with the id and secret as they are: Klaviyo documents no other client authentication. */
  const isClient = (request: EmulatorRequest): boolean => basicAsSent(request, options);

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: isClient,
    errors: {
      code: (reason) => oauthError(400, 'invalid_grant', reason === 'pkce_failed' ? 'Code challenge failed.' : 'Invalid code.'),
    },
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    if (!isClient(request)) return oauthError(401, 'invalid_client');
    const token = request.form().get('token');
    if (!token) return oauthError(400, 'invalid_request');
    revoked.push(token);
    const grant = grants.grantOfToken(token);
    if (grant && !grants.revokeAccessToken(token)) grants.revokeGrant(grant.id);
    return { status: 200, headers: {}, body: '' };
  });

  /** The grant of the request's Bearer token, with the revision header and `scope` granted; else Klaviyo's JSON:API refusal. */
  const authorized = (request: EmulatorRequest, scope: string): Grant<KlaviyoAccount> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return apiError(401, 'authentication_failed', 'Incorrect authentication credentials.', 'Incorrect authentication credentials.');
    if (!request.headers.revision) return apiError(400, 'invalid', 'Invalid input.', "The 'revision' header is required.");
    if (!grant.scope.split(' ').includes(scope)) return apiError(403, 'permission_denied', 'You do not have permission to perform this action.', `This token is missing the ${scope} scope.`);
    return grant;
  };

  server.route('GET', '/api/accounts', (request) => {
    server.count('accounts');
    const grant = authorized(request, 'accounts:read');
    if (!isGrant(grant)) return grant;
    return json(200, { data: [accountResource(server.origin, grant.user)], links: { self: `${server.origin}/api/accounts`, next: null, prev: null } });
  });

  server.route('GET', '/api/accounts/:id', (request) => {
    server.count('account');
    const grant = authorized(request, 'accounts:read');
    if (!isGrant(grant)) return grant;
    if (request.params.id !== grant.user.id) return apiError(404, 'not_found', 'Not found.', `An account with id ${request.params.id} was not found.`);
    return json(200, { data: accountResource(server.origin, grant.user), links: { self: `${server.origin}/api/accounts/${grant.user.id}` } });
  });

  return { ...controls.handle, revoked };
}
