/**
 * An emulator of AWeber's OAuth 2.0 server (auth.aweber.com/oauth2) and of
 * the part of the AWeber API (api.aweber.com/1.0) a connection touches, on
 * one host, written from AWeber's API reference (https://api.aweber.com/:
 * Authentication Overview, OAuth 2.0 Traces, OAuth 2.0 Reference, Accounts,
 * Lists and Troubleshooting):
 * - Authorize: `GET /oauth2/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (exactly the app's, else "Invalid redirect
 *   URI" on a page), `scope` (space-separated, among AWeber's; another is
 *   `invalid_scope` here) and `state`. The client is confidential: a
 *   `code_challenge` is refused ("Confidential Client MUST NOT Use PKCE",
 *   sent back as `invalid_request` here: how is not shown). A customer who
 *   declines goes back with `error=access_denied` (not shown by AWeber).
 * - Token: `POST /oauth2/token`, a form, the client as HTTP Basic or in the
 *   body; a `code_verifier` is refused as the challenge is. The answer is as
 *   the traces show it: `access_token`, `refresh_token`, `expires_in: 7200`
 *   and no `token_type` (nor `scope`). A refresh answers a new access token
 *   and a new refresh token, and the one used is refused here (AWeber does
 *   not say). Refusals are RFC 6749 §5.2's `{ error, error_description }`
 *   here (the revocation endpoint's documented shape).
 * - Revoke: `POST /oauth2/revoke`, a form with `token`, the client as HTTP
 *   Basic (401 `invalid_client` otherwise, 400 `invalid_request` without a
 *   token); an access token ends alone, a refresh token its grant (as RFC
 *   7009 servers commonly do: not said by AWeber); the answer is 200, for a
 *   token no longer known too (RFC 7009 §2.2).
 * - API: the token as `Authorization: Bearer`; a token not taken is 401 `{
 *   error: { status, message, type: "UnauthorizedError", documentation_url }
 *   }`, a scope the token lacks 403 `ForbiddenError` here (not shown by
 *   AWeber). `GET /1.0/accounts` (account.read) answers the collection of
 *   the one authorizing account, `{ entries: [{ id, uuid, company, … }],
 *   start, total_size, resource_type_link }`; `GET
 *   /1.0/accounts/:accountId/lists` (list.read) its lists.
 * - disconnectApp() is the customer disconnecting the app from their AWeber
 *   account: its tokens stop working.
 * The authorization page approves at once for signInAs()'s account.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface AWeberAccount {
  id: number;
  uuid: string;
  company: string;
}

export interface AWeberEmulator extends EmulatorHandle<AWeberAccount> {
  /** The customer disconnects the app from their AWeber account: none of its tokens works. */
  disconnectApp(account: AWeberAccount): void;
}

const SCOPES = ['account.read', 'landing-page.read', 'list.read', 'list.write', 'subscriber.read', 'subscriber.write', 'subscriber.read-extended', 'email.read', 'email.write'];
const NO_PKCE = { error: 'invalid_request', error_description: 'Confidential Client MUST NOT Use PKCE' };

export async function startAWeberEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<AWeberEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<AWeberAccount>({ accessTokenTtl: 7200, refreshPolicy: 'rotating', refreshTokenTtl: null });
  const controls = emulatorControls<AWeberAccount>(server, grants);

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'Invalid client id', redirectUri: 'Invalid redirect URI' },
    refuse: (query) => {
      if (query.has('code_challenge') || query.has('code_challenge_method')) return NO_PKCE;
      const asked = requestedScopes(query);
      return asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined;
    },
    pkce: false,
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Service Unavailable</h1>') },
    pkce: false,
    errors: { client: () => oauthError(401, 'invalid_client', 'Client authentication failed') },
    refuseCode: (parameters) => (parameters.has('code_verifier') ? json(400, NO_PKCE) : undefined),
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, expires_in: tokens.expiresIn }),
  });

  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    if (!authenticatesAs(request, options)) return oauthError(401, 'invalid_client', 'Client authentication failed');
    const token = request.form().get('token');
    if (!token) return oauthError(400, 'invalid_request', 'Missing token parameter');
    grants.revokeToken(token);
    return { status: 200, headers: {}, body: '' };
  });

  const apiError = (status: number, type: string, message: string): EmulatorReply => json(status, { error: { status, message, type, documentation_url: 'https://api.aweber.com/#tag/Troubleshooting' } });
  /** The grant of an API call, its bearer token taken and holding `scope`; AWeber's refusal otherwise. */
  const apiGrant = (request: EmulatorRequest, scope: string): Grant<AWeberAccount> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return apiError(401, 'UnauthorizedError', 'Invalid token.');
    return grant.scope.split(' ').includes(scope) ? grant : apiError(403, 'ForbiddenError', `The ${scope} scope is required.`);
  };

  server.route('GET', '/1.0/accounts', (request) => {
    server.count('accounts');
    const grant = apiGrant(request, 'account.read');
    if (!isGrant(grant)) return grant;
    const { id, uuid, company } = grant.user;
    const self = `${server.origin}/1.0/accounts/${id}`;
    return json(200, {
      entries: [{ id, uuid, company, analytics_src: `//analytics.aweber.com/js/awt_analytics.js?id=${id}`, http_etag: '"902ba3cda1883801594b6e1b452790cc53948fda"', self_link: self, lists_collection_link: `${self}/lists`, integrations_collection_link: `${self}/integrations`, resource_type_link: `${server.origin}/1.0/#account` }],
      start: 0,
      total_size: 1,
      resource_type_link: `${server.origin}/1.0/#accounts`,
    });
  });

  server.route('GET', '/1.0/accounts/:accountId/lists', (request) => {
    server.count('lists');
    const grant = apiGrant(request, 'list.read');
    if (!isGrant(grant)) return grant;
    if (request.params.accountId !== String(grant.user.id)) return apiError(404, 'NotFoundError', "Object: None, name: ''");
    return json(200, { entries: [{ id: 456, uuid: 'a2bd3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b', name: 'Newsletter', unique_list_id: 'awlist456', total_subscribers: 42 }], start: 0, total_size: 1 });
  });

  return {
    ...controls.handle,
    disconnectApp: (account) => grants.revokeGrantsOf((someone) => someone.id === account.id),
  };
}
