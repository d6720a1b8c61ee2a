/**
 * An emulator of LiveChat's OAuth server (accounts.livechat.com) and of the Agent Chat API call the tests make,
 * written from LiveChat's "Agent Authorization" page (https://platform.text.com/docs/authorization/agent-authorization)
 * and the errors of "Authorizing API calls" (https://platform.text.com/docs/authorization/authorizing-api-calls):
 * - `GET /` with `response_type=code`, `client_id`, `redirect_uri` and `state`; no scope is read: the grant holds
 *   the scopes chosen for the app in Developer Console (`APP_SCOPES`). An unknown client or redirect URI, or a
 *   response type other than `code`, is told on LiveChat's own error page and never redirected.
 * - `POST /v2/token`, a form: the code exchange needs `grant_type`, `code`, `client_id`, `client_secret` and the
 *   `redirect_uri` of the authorization; a refresh `grant_type=refresh_token`, `refresh_token` and the client. The
 *   answer is JSON `access_token` (`dal:`-prefixed), `account_id`, `expires_in` 28800, `organization_id`,
 *   `refresh_token` (a server-side app's does not rotate: a refresh names the same one again), `scope`
 *   comma-separated, `token_type` `Bearer`. A wrong client secret and a refresh token never issued are
 *   `unauthorized_client`, a refresh token of another client `invalid_client`, a revoked or expired one
 *   `invalid_grant`, as LiveChat's errors list has them; the bodies are RFC 6749 §5.2's (LiveChat shows none).
 * - `DELETE /v2/token` with a token as Bearer (or as `code` in the query) revokes it, an access token with its
 *   refresh token, answering `{}`; a token it no longer knows is a 401 (made up: LiveChat shows no such answer).
 * - `POST /v3.5/agent/action/list_chats` (the Agent Chat API, the token as Bearer) answers the agent's chats; a
 *   token it does not take is a 401 with an `authentication` error (made up here: LiveChat's API error shape,
 *   `{ error: { type, message } }`, is the Agent Chat API's).
 * removeApp() is the person removing the app's access in LiveChat. The authorization page approves at once for
 * signInAs()'s agent.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface LiveChatAgent {
  /** The account's id, a UUID shared by every organization the account belongs to. */
  accountId: string;
  /** The organization the person signs in from. */
  organizationId: string;
  name: string;
}

export interface LiveChatEmulator extends EmulatorHandle<LiveChatAgent> {
  /** The person removes the app's access: every token of theirs stops working. */
  removeApp(agent: LiveChatAgent): void;
  /** The form of each token request, in order, as LiveChat read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** LiveChat's default access token lifetime. */
export const LIVECHAT_ACCESS_TOKEN_SECONDS = 28800;
/** The scopes chosen for the app in Developer Console, as the token answer lists them. */
export const APP_SCOPES = 'chats--all:ro,chats--all:rw';

const unauthorized = () => json(401, { error: { type: 'authentication', message: 'Invalid access token' } });

export async function startLiveChatEmulator(options: EmulatorOptions): Promise<LiveChatEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<LiveChatAgent>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: LIVECHAT_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static', prefixes: { access: 'dal:', refresh: 'dal:' } });
  const controls = emulatorControls<LiveChatAgent>(server, grants);
  const tokenForms: URLSearchParams[] = [];

  authorizationEndpoint(server, '/', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'oauth_exception=unauthorized_client: client_id_not_found', redirectUri: 'oauth_exception=unauthorized_client: invalid_redirect_uri' },
    responseType: { page: 'oauth_exception=unsupported_response_type' },
    pkce: false,
    request: () => ({ scope: APP_SCOPES }),
  });

  tokenEndpoint(server, '/v2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    refuseCode: (form) => (form.get('redirect_uri') ? undefined : oauthError(400, 'invalid_request')),
    errors: {
      client: () => oauthError(400, 'unauthorized_client'),
      refreshToken: (reason) => (reason === 'unknown_token' ? oauthError(400, 'unauthorized_client') : reason === 'wrong_client' ? oauthError(401, 'invalid_client') : oauthError(400, 'invalid_grant')),
    },
    answer: ({ grant, tokens, form }) =>
      json(200, {
        access_token: tokens.accessToken,
        account_id: grant.user.accountId,
        expires_in: tokens.expiresIn,
        organization_id: grant.user.organizationId,
        refresh_token: tokens.refreshToken ?? form.get('refresh_token'),
        scope: grant.scope,
        token_type: 'Bearer',
      }),
  });

  server.route('DELETE', '/v2/token', (request) => {
    server.count('revoke');
    const grant = grants.grantOfToken(request.bearer() ?? request.url.searchParams.get('code') ?? '');
    if (!grant || grant.revoked) return oauthError(401, 'invalid_grant');
    grants.revokeGrant(grant.id);
    return json(200, {});
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('POST', '/v3.5/agent/action/list_chats', (request) => {
    server.count('list_chats');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      chats_summary: [{ id: 'PJ0MRSHTDG', last_thread_summary: { id: 'K600PKZON8', active: true }, users: [{ id: grant.user.accountId, name: grant.user.name, type: 'agent' }] }],
      found_chats: 1,
      next_page_id: null,
      previous_page_id: null,
    });
  });

  return {
    ...controls.handle,
    removeApp: (agent) => grants.revokeGrantsOf((someone) => someone.accountId === agent.accountId),
    tokenForms,
  };
}
