/**
 * An emulator of Facebook Login's web flow and the parts of the Graph API
 * that sign-in, the proxies and disconnect touch, written from Meta's docs:
 * - the manual login flow (https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow):
 *   the dialog at /v26.0/dialog/oauth; a cancelled login comes back with
 *   `error=access_denied`, `error_reason=user_denied`, `error_code=200`,
 *   `error_description=Permissions error`; the code is exchanged at
 *   /v26.0/oauth/access_token with `client_id`, `client_secret`,
 *   `redirect_uri` and `code` as parameters (a GET in the docs; a POST form
 *   is taken alike), answering `{ access_token, token_type: "bearer",
 *   expires_in }`, about 60 days, and never a refresh token
 *   (https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived);
 * - errors (https://developers.facebook.com/docs/graph-api/guides/error-handling):
 *   `{ error: { message, type, code, error_subcode, fbtrace_id } }`;
 *   an ended token is OAuthException code 190 (subcode 463 expired, 460
 *   password changed, 458 app removed), sent here with HTTP 400;
 * - `GET /me?fields=id,name,email`: the app-scoped `id`, and `email` only
 *   with the `email` permission and when the person has one
 *   (https://developers.facebook.com/docs/graph-api/reference/user/); the
 *   token as a Bearer header or the `access_token` parameter;
 * - `appsecret_proof`, the HMAC-SHA256 of the token keyed by the app secret,
 *   which an app with "Require App Secret" on must send with every call
 *   (https://developers.facebook.com/docs/graph-api/securing-requests):
 *   `requireAppSecretProof` turns that on here;
 * - `DELETE /me/permissions` removes every permission: the login ends.
 * The messages of token endpoint and proof errors are as Facebook is commonly
 * seen to send them; the docs do not list them. PKCE is checked when a
 * challenge was sent (Facebook's OIDC flow takes it). The dialog approves at
 * once for signInAs()'s user.
 */
import { createHmac } from 'node:crypto';
import { codeRequest, redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';

export interface FacebookUser {
  /** The app-scoped user id. */
  id: string;
  name: string;
  /** Absent when the person has no valid address on Facebook. */
  email: string | null;
}

export interface FacebookEmulatorOptions extends EmulatorOptions {
  /** The app's "Require App Secret": Graph API calls without a valid appsecret_proof are refused. */
  requireAppSecretProof?: boolean;
}

export interface FacebookEmulator extends EmulatorHandle<FacebookUser> {
  /** Ends the login behind this access token as Facebook does when the person changes their password (code 190, subcode 460). */
  invalidate(accessToken: string): void;
}

export const VERSION = 'v26.0';
const TOKEN_TTL = 5_183_944;

function graphError(status: number, error: { message: string; type: string; code: number; error_subcode?: number }): EmulatorReply {
  return json(status, { error: { ...error, fbtrace_id: 'AbCdEfGhIjK' } }, status === 400 && error.code === 190 ? { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${error.message}"` } : {});
}

export async function startFacebookEmulator(options: FacebookEmulatorOptions): Promise<FacebookEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<FacebookUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: TOKEN_TTL, refreshPolicy: 'none' });
  const controls = emulatorControls<FacebookUser>(server, grants);
  const invalidated = new Set<string>();

  server.route('GET', `/${VERSION}/dialog/oauth`, (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Invalid App ID</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, "<h1>URL Blocked: This redirect failed because the redirect URI is not whitelisted in the app's Client OAuth Settings.</h1>");
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_code: '200', error_description: 'Permissions error', error_reason: 'user_denied' });
    // Facebook takes comma- or space-separated permissions.
    const scope = (query.get('scope') ?? '').split(/[\s,]+/).filter(Boolean).join(' ');
    return reply({ code: grants.issueCode({ ...codeRequest(query, options, user), scope }) });
  });

  const exchange = (request: EmulatorRequest): EmulatorReply => {
    server.count('token_request');
    const status = controls.tokenFailure();
    if (status !== undefined) return graphError(status, { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2 });
    const parameters = request.method === 'GET' ? request.url.searchParams : request.form();
    if (parameters.get('client_id') !== options.clientId) return graphError(400, { message: 'Error validating application. Invalid application ID.', type: 'OAuthException', code: 101 });
    if (parameters.get('client_secret') !== options.clientSecret) return graphError(400, { message: 'Error validating client secret.', type: 'OAuthException', code: 1 });
    if (parameters.get('grant_type') === 'refresh_token') return graphError(400, { message: 'Unsupported grant type: refresh_token', type: 'OAuthException', code: 100 });
    server.count('authorization_code');
    const redeemed = grants.redeemCode(parameters.get('code') ?? '', {
      clientId: options.clientId,
      redirectUri: parameters.get('redirect_uri'),
      codeVerifier: parameters.get('code_verifier'),
    });
    if (!redeemed.ok) return graphError(400, { message: 'Invalid verification code format.', type: 'OAuthException', code: 100, error_subcode: 36007 });
    return json(200, { access_token: redeemed.tokens.accessToken, token_type: 'bearer', expires_in: TOKEN_TTL });
  };
  server.route('GET', `/${VERSION}/oauth/access_token`, exchange);
  server.route('POST', `/${VERSION}/oauth/access_token`, exchange);

  const proof = (accessToken: string) => createHmac('sha256', options.clientSecret).update(accessToken).digest('hex');

  /** The grant a Graph API call is made under, or Facebook's refusal. */
  const caller = (request: EmulatorRequest): Grant<FacebookUser> | EmulatorReply => {
    const query = request.url.searchParams;
    const accessToken = request.bearer() ?? query.get('access_token');
    if (!accessToken) return graphError(400, { message: 'An active access token must be used to query information about the current user.', type: 'OAuthException', code: 2500 });
    const grant = grants.grantOfAccessToken(accessToken);
    if (!grant || invalidated.has(accessToken)) {
      const subcode = invalidated.has(accessToken) ? 460 : grants.grantOfToken(accessToken)?.revoked ? 458 : 463;
      return graphError(400, { message: 'Error validating access token: The session has been invalidated.', type: 'OAuthException', code: 190, error_subcode: subcode });
    }
    const sent = query.get('appsecret_proof');
    if (sent !== null && sent !== proof(accessToken)) return graphError(400, { message: 'Invalid appsecret_proof provided in the API argument', type: 'GraphMethodException', code: 100 });
    if (sent === null && options.requireAppSecretProof) return graphError(400, { message: 'API calls from the server require an appsecret_proof argument', type: 'GraphMethodException', code: 100 });
    return grant;
  };

  server.route('GET', `/${VERSION}/me`, (request) => {
    server.count('me');
    const grant = caller(request);
    if ('status' in grant) return grant;
    const fields = (request.url.searchParams.get('fields') ?? 'id,name').split(',');
    const { id, name, email } = grant.user;
    const body: Record<string, unknown> = { id };
    if (fields.includes('name')) body.name = name;
    if (fields.includes('email') && email !== null && grant.scope.split(' ').includes('email')) body.email = email;
    return json(200, body);
  });

  server.route('GET', `/${VERSION}/me/permissions`, (request) => {
    server.count('permissions');
    const grant = caller(request);
    if ('status' in grant) return grant;
    return json(200, { data: grant.scope.split(' ').map((permission) => ({ permission, status: 'granted' })) });
  });

  server.route('DELETE', `/${VERSION}/me/permissions`, (request) => {
    server.count('revoke');
    const grant = caller(request);
    if ('status' in grant) return grant;
    grants.revokeGrant(grant.id);
    return json(200, { success: true });
  });

  return {
    ...controls.handle,
    accepts: (accessToken) => controls.handle.accepts(accessToken) && !invalidated.has(accessToken),
    invalidate: (accessToken) => {
      invalidated.add(accessToken);
    },
  };
}
