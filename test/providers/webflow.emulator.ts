/**
 * An emulator of Webflow's OAuth (`https://webflow.com/oauth`,
 * `https://api.webflow.com/oauth`) and of the part of its Data API v2 a
 * connection touches, on one host, written from Webflow's documentation
 * (https://developers.webflow.com/data/reference/oauth-app):
 * - Authorize: `GET /oauth/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (the app's), `state` and `scope`,
 *   space-separated, equal to or a subset of the app's scopes (else an error
 *   page, as Webflow shows for a mismatch). A person who declines comes back
 *   with `error=access_denied` here (Webflow does not show it).
 * - Token: `POST /oauth/access_token` with `client_id`, `client_secret`,
 *   `code`, `grant_type` and `redirect_uri`, as the JSON Webflow's SDK sends
 *   (a form is read too here). A code is good once, for 15 minutes; a
 *   `redirect_uri` that was in the authorization link must come again. The
 *   answer is `{ access_token, token_type: "bearer", scope }`, a token with
 *   no end and no refresh token. Refusals
 *   are RFC 6749's `{ error, error_description }` here (400 `invalid_grant`,
 *   401 `invalid_client`), which Webflow does not show.
 * - `GET /v2/token/authorized_by` (https://developers.webflow.com/data/reference/token/authorized-by)
 *   answers `{ id, email, firstName, lastName }` behind
 *   `authorized_user:read`, `GET /v2/sites` `{ sites: [...] }` behind
 *   `sites:read`; a token it does not take is 401 `{ code: "not_authorized",
 *   message: "Request not authorized", externalReference, details }`, a
 *   missing scope 403 `missing_scopes`.
 * - Revoke: `POST /oauth/revoke_authorization` with `client_id`,
 *   `client_secret` and `access_token` as JSON answers 200 `{ did_revoke:
 *   true }`; `invalid_client` (401 here) for another client, `invalid_token`
 *   (400 here) for a token that does not exist or was revoked already.
 * The authorization page approves at once for signInAs()'s user.
 */
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface WebflowUser {
  /** Webflow's user id, 24 hexadecimal digits. */
  id: string;
  email: string;
  firstName: string;
  lastName: string;
}

export interface WebflowEmulatorOptions extends Omit<EmulatorOptions, 'now'> {
  /** The scopes set on the app (default `authorized_user:read sites:read`). */
  appScopes?: string[];
}

export interface WebflowEmulator extends EmulatorHandle<WebflowUser> {
  /** The person removes the app from their sites and workspace in Webflow: its tokens stop working. */
  removeAppInWebflow(user: WebflowUser): void;
  /** The next /v2/token/authorized_by request fails with this HTTP status. */
  failNextAuthorizedByRequest(status: number): void;
}

/** Webflow's API error body (https://developers.webflow.com/data/reference/error-handling). */
function apiError(status: number, code: string, message: string): EmulatorReply {
  return json(status, { code, message, externalReference: null, details: [] });
}

export async function startWebflowEmulator(options: WebflowEmulatorOptions): Promise<WebflowEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<WebflowUser>({ accessTokenTtl: null, refreshPolicy: 'none', codeTtl: 15 * 60 });
  const controls = emulatorControls<WebflowUser>(server, grants);
  const appScopes = options.appScopes ?? ['authorized_user:read', 'sites:read'];
  const authorizedByFailure = queuedFailure();

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    const redirectUri = query.get('redirect_uri');
    const asked = requestedScopes(query);
    if (query.get('client_id') !== options.clientId || (redirectUri !== null && redirectUri !== options.redirectUri) || asked.some((scope) => !appScopes.includes(scope))) {
      return html(400, '<h1>Bad Request</h1><p>The client, redirect URI or scopes do not match the app.</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied the request.' });
    const scope = (asked.length > 0 ? asked : appScopes).join(' ');
    return reply({ code: grants.issueCode({ clientId: options.clientId, redirectUri: redirectUri ?? undefined, scope, codeChallenge: undefined, codeChallengeMethod: undefined, user }) });
  });

  tokenEndpoint(server, '/oauth/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Service Unavailable</h1>') },
    authenticates: (request) => credentialsIn(jsonOrForm(request), options),
    parameters: jsonOrForm,
    pkce: false,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed.'),
      code: () => oauthError(400, 'invalid_grant', 'The authorization code is invalid, expired or used.'),
    },
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'bearer', scope: grant.scope }),
  });

  const caller = (request: EmulatorRequest) => bearerGrant(grants, request, () => apiError(401, 'not_authorized', 'Request not authorized'));
  const missingScope = (grant: Grant<WebflowUser>, scope: string) => (grant.scope.split(' ').includes(scope) ? undefined : apiError(403, 'missing_scopes', `OAuthForbidden: You are missing the following scopes - ${scope}`));

  server.route('GET', '/v2/token/authorized_by', (request) => {
    server.count('authorized_by');
    const status = authorizedByFailure.take();
    if (status !== undefined) return apiError(status, 'internal_error', 'An internal error occurred');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const refused = missingScope(grant, 'authorized_user:read');
    if (refused) return refused;
    const { id, email, firstName, lastName } = grant.user;
    return json(200, { id, email, firstName, lastName });
  });

  server.route('GET', '/v2/sites', (request) => {
    server.count('sites');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const refused = missingScope(grant, 'sites:read');
    if (refused) return refused;
    return json(200, { sites: [{ id: '42e98c9a982ac9b8b742', workspaceId: '42e63e98c9a982ac9b8b742', displayName: "The Hitchhiker's Guide to the Galaxy", shortName: 'hitchhikers-guide' }] });
  });

  server.route('POST', '/oauth/revoke_authorization', (request) => {
    server.count('revoke');
    const parameters = jsonOrForm(request);
    if (!credentialsIn(parameters, options)) return oauthError(401, 'invalid_client', "The client_id or client_secret is invalid or doesn't match the provided credentials.");
    const token = parameters.get('access_token');
    if (!token) return oauthError(400, 'invalid_request', 'The request is missing one or more required parameters.');
    const grant = grants.grantOfAccessToken(token);
    if (!grant) return oauthError(400, 'invalid_token', "The access_token provided doesn't exist or has already been revoked.");
    grants.revokeGrant(grant.id);
    return json(200, { did_revoke: true });
  });

  return {
    ...controls.handle,
    removeAppInWebflow: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextAuthorizedByRequest: authorizedByFailure.queue,
  };
}
