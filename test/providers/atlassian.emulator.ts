/**
 * An emulator of Atlassian's OAuth 2.0 (3LO) authorization server
 * (auth.atlassian.com) and the parts of api.atlassian.com that sign-in
 * touches, written from Atlassian's documentation:
 * - OAuth 2.0 (3LO) apps (https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/,
 *   https://developer.atlassian.com/cloud/oauth/getting-started/implementing-oauth-3lo):
 *   `GET /authorize` with `audience=api.atlassian.com`, `client_id`, space-separated
 *   `scope`, `redirect_uri`, `state`, `response_type=code` and `prompt=consent`;
 *   the redirect back carries `code` and `state`; `POST /oauth/token` with
 *   `client_id` and `client_secret` in the body (the docs send JSON; a form,
 *   RFC 6749 §4.1.3, is taken too); access tokens of an hour (`expires_in`);
 *   `GET /oauth/token/accessible-resources`, the sites a token may reach.
 * - Refresh tokens (https://developer.atlassian.com/cloud/oauth/getting-started/refresh-tokens):
 *   only with `offline_access`; rotating: each refresh answers a new refresh
 *   token and disables the one used; the docs say a dead one is refused with 403
 *   `{"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}`,
 *   which is what an expired one, or one of a grant ended (a password change), gets.
 *   One Atlassian does not know, or one it rotated out, gets 403
 *   `{"error": "unauthorized_client", "error_description": "refresh_token is invalid"}`
 *   instead: undocumented, measured against auth.atlassian.com by the Atlassian clients
 *   jira.js and confluence.js (https://github.com/MrRefactoring/confluence.js/blob/master/docs/guide/oauth2.md,
 *   https://github.com/MrRefactoring/jira.js/blob/master/tests/unit/core/oauth/oauthErrors.test.ts)
 *   and seen 23,500 times in 15 days by Parabol (https://github.com/ParabolInc/parabol/issues/11849,
 *   which ends such a connection on that description: packages/server/dataloader/atlassianLoaders.ts).
 *   A failed client authentication is 401 `{"error": "access_denied", "error_description": "Unauthorized"}`
 *   (the same guide; Atlassian's authorization server is Auth0's, which documents that answer:
 *   https://auth0.com/docs/api/authentication#standard-error-responses).
 *   Rotating refresh tokens expire after 90 days unused, and a disabled one
 *   used again invalidates them all (Atlassian's announcement of rotating
 *   refresh tokens, https://community.developer.atlassian.com/t/updated-31-january-2022-action-required-deprecating-persistent-refresh-tokens/54172);
 *   its 10-minute leeway for such reuse and the 365-day absolute expiry are
 *   not reproduced (reuse is always treated as outside the leeway, the stricter case).
 * - `GET /me` with `read:me`: `account_id`, `email`, `name`, `nickname`…
 *   (https://developer.atlassian.com/cloud/oauth/getting-started/faq).
 * Atlassian documents no revocation endpoint and no PKCE for 3LO: there is no
 * revocation route, and `code_challenge` is ignored. A refused code gets the
 * same 403 `invalid_grant` as a refused refresh token. The consent screen
 * approves at once for the user set with signInAs().
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { jsonOrForm, oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface AtlassianUser {
  accountId: string;
  name: string;
  nickname: string;
  email: string;
}

export type AtlassianEmulator = Omit<EmulatorHandle<AtlassianUser>, 'denyNextAuthorization'>;

const ACCESS_TOKEN_TTL = 3600;
const REFRESH_INACTIVITY_TTL = 90 * 24 * 3600;

export async function startAtlassianEmulator(options: EmulatorOptions): Promise<AtlassianEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<AtlassianUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_INACTIVITY_TTL,
    revokeGrantOnReuse: true,
  });
  const controls = emulatorControls<AtlassianUser>(server, grants);

  server.route('GET', '/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('audience') !== 'api.atlassian.com') return html(400, '<h1>Something went wrong</h1><p>audience is required</p>');
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<h1>Something went wrong</h1><p>Invalid client or callback URL</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'User did not authorize the request' });
    const code = grants.issueCode({
      ...codeRequest(query, options, user),
      codeChallenge: undefined,
      codeChallengeMethod: undefined,
      refreshToken: requestedScopes(query).includes('offline_access'),
    });
    return reply({ code });
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Service unavailable</h1>') },
    // The token request's parameters from a JSON body (as documented) or a form.
    parameters: jsonOrForm,
    authenticates: (request) => credentialsIn(jsonOrForm(request), options),
    pkce: false,
    errors: {
      client: () => oauthError(401, 'access_denied', 'Unauthorized'),
      // Unknown or rotated out: Atlassian's undocumented `unauthorized_client` (see above); expired or revoked: the documented answer.
      refreshToken: (reason) =>
        reason === 'unknown_token' || reason === 'reused_token' ? oauthError(403, 'unauthorized_client', 'refresh_token is invalid') : oauthError(403, 'invalid_grant', 'Unknown or invalid refresh token.'),
      grantType: () => oauthError(403, 'unsupported_grant_type', 'Unsupported grant type'),
      code: () => oauthError(403, 'invalid_grant', 'Invalid authorization code'),
    },
    answer: ({ grant, tokens }) =>
      json(200, { access_token: tokens.accessToken, expires_in: ACCESS_TOKEN_TTL, token_type: 'Bearer', scope: grant.scope, ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}) }),
  });

  const caller = (request: EmulatorRequest) => grants.grantOfAccessToken(request.bearer() ?? '') ?? json(401, { code: 401, message: 'Unauthorized' });

  server.route('GET', '/me', (request) => {
    server.count('me');
    const grant = caller(request);
    if ('status' in grant) return grant;
    if (!grant.scope.split(' ').includes('read:me')) return json(403, { code: 403, message: 'Forbidden' });
    const { accountId, name, nickname, email } = grant.user;
    return json(200, {
      account_type: 'atlassian',
      account_id: accountId,
      email,
      name,
      picture: `https://avatar-management.example/${accountId}`,
      account_status: 'active',
      nickname,
      zoneinfo: 'Australia/Sydney',
      locale: 'en-US',
      extended_profile: {},
    });
  });

  server.route('GET', '/oauth/token/accessible-resources', (request) => {
    server.count('accessible_resources');
    const grant = caller(request);
    if ('status' in grant) return grant;
    const scopes = grant.scope.split(' ').filter((scope) => scope !== 'offline_access');
    return json(200, [{ id: '1324a887-45db-1bf4-1e99-ef0ff456d421', url: 'https://example.atlassian.net', name: 'example', scopes, avatarUrl: 'https://site-admin-avatar-cdn.example/avatar.png' }]);
  });

  return controls.handle;
}
