/**
 * An emulator of HubSpot's OAuth for public apps, on its date-versioned
 * OAuth API (2026-03), and of the part of its API a connection first calls,
 * written from HubSpot's documentation:
 * - Install (https://developers.hubspot.com/docs/api/oauth-quickstart-guide):
 *   `GET /oauth/authorize` on app.hubspot.com with `client_id`, space-separated
 *   `scope` (which must include `oauth`), `redirect_uri` and `state`; the
 *   person picks the account (portal) to install into; the redirect back
 *   carries `code` and `state`.
 * - Tokens (https://developers.hubspot.com/docs/api-reference/2026-03/authentication/oauth-tokens/refresh-oauth-token,
 *   https://developers.hubspot.com/docs/api/oauth/tokens):
 *   `POST /oauth/2026-03/token`, form-encoded, `client_id` and `client_secret`
 *   in the body, `code_verifier` taken; answers `{ token_type: "bearer",
 *   access_token, refresh_token, expires_in: 1800 }`; a refresh answers the
 *   same refresh token, which does not expire. Errors are RFC 6749 §5.2 bodies
 *   with HubSpot's `status` and `message` beside them, e.g. 400
 *   `{"error": "invalid_grant", "error_description": "refresh token is invalid, expired or revoked", "status": "BAD_REFRESH_TOKEN", …}`
 *   (https://developers.hubspot.com/changelog/new-oauth-v3-api-endpoints-and-standardized-error-responses).
 * - Introspection (https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/token-introspect):
 *   `POST /oauth/2026-03/token/introspect`, a form with the client's
 *   credentials, `token` and `token_type_hint`: `token_use`, `active`,
 *   `token`, `hub_id`, `user_id`, `client_id`, `app_id`, `scopes`,
 *   `signed_access_token`, `expires_in`, `token_type`, `user`, `hub_domain`.
 *   A token it does not know is `{"active": false}` (RFC 7662 §2.2).
 * - Revocation (https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/revoke-token):
 *   `POST /oauth/2026-03/token/revoke`, a form with the client's credentials
 *   and `token`, deletes a refresh token; access tokens issued with it keep
 *   working until they expire (https://developers.hubspot.com/docs/methods/oauth2/delete-refresh-token).
 *   Anything else is 400 with HubSpot's error body (`category: "VALIDATION_ERROR"`).
 * - `GET /account-info/v3/details`, the account a token reaches
 *   (https://developers.hubspot.com/docs/api/settings/account-information-api);
 *   the API answers a bad token 401 `{"status": "error", "category": "INVALID_AUTHENTICATION", …}`.
 * Requests that put a token in a URL (the v1 endpoints) are counted, so a test
 * can say none was made. The install page approves at once for signInAs()'s
 * user and account.
 */
import { randomUUID } from 'node:crypto';
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface HubSpotInstall {
  userId: number;
  email: string;
  hubId: number;
  hubDomain: string;
}

export interface HubSpotEmulatorOptions extends EmulatorOptions {
  appId?: number;
}

export interface HubSpotEmulator extends Omit<EmulatorHandle<HubSpotInstall>, 'denyNextAuthorization'> {
  /** The next introspection answers `{"active": false}`, whatever the token. */
  denyNextIntrospection(): void;
  /** Whether HubSpot still accepts this refresh token. */
  acceptsRefreshToken(refreshToken: string): boolean;
}

const ACCESS_TOKEN_TTL = 1800;

export async function startHubSpotEmulator(options: HubSpotEmulatorOptions): Promise<HubSpotEmulator> {
  const server = await startEmulatorServer();
  const appId = options.appId ?? 456_789;
  const grants = new GrantStore<HubSpotInstall>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'static' });
  /** Refresh token of each grant (it does not change), and the ones deleted. */
  const refreshTokens = new Map<string, string>();
  const deleted = new Set<string>();
  const controls = emulatorControls<HubSpotInstall>(server, grants);
  let inactiveNext = false;

  const validationError = (message: string): EmulatorReply =>
    json(400, { status: 'error', message, correlationId: randomUUID(), category: 'VALIDATION_ERROR', links: { 'knowledge-base': 'https://www.hubspot.com/products/service/knowledge-base' } });
  const oauthError = (error: string, description: string, status: string): EmulatorReply =>
    json(400, { error, error_description: description, status, message: description, correlationId: randomUUID() });

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Authorization failed because of a mismatch in the redirect URL</h1>');
    if (!requestedScopes(query).includes('oauth')) return html(400, '<h1>Authorization failed because the oauth scope is missing</h1>');
    const reply = redirectBack(options.redirectUri, query);
    const install = controls.approver();
    if (!install) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode(codeRequest(query, options, install)) });
  });

  /** The form of a request that must carry this client's credentials in its body, or why not. */
  const clientForm = (request: EmulatorRequest): URLSearchParams | EmulatorReply => {
    if (!(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return validationError('Request body must be application/x-www-form-urlencoded');
    if (request.url.search !== '') return validationError('Parameters must be sent in the request body, not the query');
    const form = request.form();
    if (!credentialsIn(form, options)) return oauthError('invalid_client', 'missing or unknown client id', 'BAD_CLIENT_ID');
    return form;
  };

  tokenEndpoint(server, '/oauth/2026-03/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      const form = clientForm(request);
      return 'status' in form ? form : true;
    },
    errors: {
      refreshToken: () => oauthError('invalid_grant', 'refresh token is invalid, expired or revoked', 'BAD_REFRESH_TOKEN'),
      grantType: () => oauthError('unsupported_grant_type', 'grant_type is not supported', 'BAD_GRANT_TYPE'),
      code: () => oauthError('invalid_grant', 'missing or invalid auth code', 'BAD_AUTH_CODE'),
    },
    refuseRefresh: (presented) => (deleted.has(presented) ? oauthError('invalid_grant', 'refresh token is invalid, expired or revoked', 'BAD_REFRESH_TOKEN') : undefined),
    // The refresh token does not change: a refresh answers the one it was given.
    answer: ({ grantType, grant, tokens, form }) => {
      const refreshToken = grantType === 'refresh_token' ? form.get('refresh_token')! : tokens.refreshToken!;
      if (grantType === 'authorization_code') refreshTokens.set(grant.id, refreshToken);
      return json(200, { token_type: 'bearer', access_token: tokens.accessToken, refresh_token: refreshToken, expires_in: ACCESS_TOKEN_TTL });
    },
  });

  server.route('POST', '/oauth/2026-03/token/introspect', (request) => {
    server.count('introspect');
    const form = clientForm(request);
    if ('status' in form) return form;
    const token = form.get('token') ?? '';
    const grant = grants.grantOfAccessToken(token);
    if (!grant || inactiveNext) {
      inactiveNext = false;
      return json(200, { active: false });
    }
    const { userId, email, hubId, hubDomain } = grant.user;
    const scopes = grant.scope.split(' ');
    return json(200, {
      token_use: 'access_token',
      active: true,
      token,
      hub_id: hubId,
      user_id: userId,
      client_id: options.clientId,
      app_id: appId,
      scopes,
      signed_access_token: { appId, hubId, userId, installingUserId: userId, scopes: scopes.join(','), isUserLevel: false, isServiceAccount: false, isPrivateDistribution: false, hublet: 'na1', signature: `sig-${token.slice(-8)}`, newSignature: `new-${token.slice(-8)}`, expiresAt: Date.now() + ACCESS_TOKEN_TTL * 1000, scopeToScopeGroupPks: '', trialScopes: '', trialScopeToScopeGroupPks: '' },
      expires_in: ACCESS_TOKEN_TTL,
      is_private_distribution: false,
      token_type: 'access',
      user: email,
      hub_domain: hubDomain,
    });
  });

  server.route('POST', '/oauth/2026-03/token/revoke', (request) => {
    server.count('revoke');
    const form = clientForm(request);
    if ('status' in form) return form;
    const token = form.get('token') ?? '';
    if (deleted.has(token) || ![...refreshTokens.values()].includes(token)) return validationError('Token is invalid');
    deleted.add(token);
    return { status: 200 };
  });

  // The v1 token metadata and deletion routes, which carry the token in their path: counted, so a test can say none was used.
  for (const [method, path] of [['GET', '/oauth/v1/access-tokens/:token'], ['GET', '/oauth/v1/refresh-tokens/:token'], ['DELETE', '/oauth/v1/refresh-tokens/:token']] as const) {
    server.route(method, path, () => {
      server.count('token_in_url');
      return json(410, { status: 'error', message: 'v1 OAuth API is retired' });
    });
  }

  server.route('GET', '/account-info/v3/details', (request) => {
    server.count('account_info');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) {
      return json(401, { status: 'error', message: 'Authentication credentials not found.', correlationId: randomUUID(), category: 'INVALID_AUTHENTICATION' });
    }
    return json(200, { portalId: grant.user.hubId, accountType: 'STANDARD', timeZone: 'US/Eastern', companyCurrency: 'USD', additionalCurrencies: [], utcOffset: '-05:00', utcOffsetMilliseconds: -18_000_000, uiDomain: 'app.hubspot.com', dataHostingLocation: 'na1' });
  });

  return {
    ...controls.handle,
    denyNextIntrospection: () => {
      inactiveNext = true;
    },
    acceptsRefreshToken: (refreshToken) => [...refreshTokens.values()].includes(refreshToken) && !deleted.has(refreshToken),
  };
}
