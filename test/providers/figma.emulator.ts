/**
 * An emulator of Figma's OAuth apps (www.figma.com/oauth,
 * api.figma.com/v1/oauth) and of the part of its REST API (api.figma.com/v1)
 * a connection touches, written from Figma's documentation
 * (https://developers.figma.com/docs/rest-api/authentication,
 * https://developers.figma.com/docs/rest-api/scopes) and its OpenAPI
 * description (https://github.com/figma/rest-api-spec):
 * - Authorize: `GET /oauth` with `client_id`, `redirect_uri`,
 *   `response_type=code`, `state`, `scope` and an optional PKCE challenge;
 *   a scope it does not know is `invalid_scope`, a user who denies is sent
 *   back with `error=access_denied`.
 * - Token: `POST /v1/oauth/token`, a form with the code, `redirect_uri`,
 *   `grant_type=authorization_code` and the PKCE verifier, the client as
 *   HTTP Basic of its id and secret as they are. The answer has
 *   `user_id_string`, `access_token`, `token_type: "bearer"`, `expires_in`
 *   (90 days) and `refresh_token`. Refreshes are not taken here.
 * - Refresh: `POST /v1/oauth/refresh` (the spec's `refreshUrl`), a form with
 *   `refresh_token`, the client as Basic; the answer has `access_token`,
 *   `token_type` and `expires_in`, and no refresh token: the one held stays.
 * - Errors at both are Figma's own `{ "error": true, "status", "message",
 *   "i18n": null }` (as Figma answered a request without its client, in
 *   https://forum.figma.com/ask-the-community-7/unsure-how-to-fill-out-the-body-of-the-post-in-oauth2-0-33052);
 *   the statuses and messages for a refused code, refresh token or client
 *   secret are not documented: 400 for a code or refresh token, 401 for the
 *   client, here.
 * - `GET /v1/me` (scope `current_user:read` or the deprecated `files:read`)
 *   answers `id`, `handle`, `img_url` and `email`; `GET /v1/files/:key`
 *   (`file_content:read` or `files:read`) the file's `name`, `lastModified`,
 *   `version` and `document`. The API refuses with 403 and `{ "status": 403,
 *   "err": "…" }`: "Invalid token" for a token it does not take (the
 *   message is as Figma's clients report it), a missing scope otherwise; an
 *   unknown file is 404.
 * The client's Basic credentials, the PKCE challenge, the 90-day lifetime,
 * the refresh answer without a refresh token and the "Invalid token" message
 * are as Figma's clients use them, not checked against Figma's docs (the
 * preset says so too). Figma documents no revocation endpoint: the person removing the app
 * (`removeApp`) ends the grant. The authorization page approves at once for
 * signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, isForm, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';

export interface FigmaUser {
  /** The user's stable id, digits as a string. */
  id: string;
  handle: string;
  email: string;
}

export interface FigmaEmulator extends EmulatorHandle<FigmaUser> {
  /** Figma stops taking this access token before its time (its grant and refresh token stay). */
  endAccessToken(accessToken: string): void;
  /** The person removes the app in their Figma settings: every token of the grant stops working. */
  removeApp(token: string): void;
}

const ACCESS_TOKEN_TTL = 90 * 86_400;
const SCOPES = [
  'current_user:read',
  'file_comments:read',
  'file_comments:write',
  'file_content:read',
  'file_dev_resources:read',
  'file_dev_resources:write',
  'file_metadata:read',
  'file_variables:read',
  'file_variables:write',
  'file_versions:read',
  'files:read',
  'library_analytics:read',
  'library_assets:read',
  'library_content:read',
  'projects:read',
  'team_library_content:read',
  'webhooks:read',
  'webhooks:write',
];
const FILES: Record<string, { name: string; lastModified: string; version: string }> = {
  FgK3yQx8hVtWmZ2cLrN9aP: { name: 'Design System', lastModified: '2026-11-30T09:12:44Z', version: '6014827791' },
};

export async function startFigmaEmulator(options: EmulatorOptions): Promise<FigmaEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<FigmaUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'static',
    prefixes: { access: 'figu_', refresh: 'figur_' },
  });
  const controls = emulatorControls<FigmaUser>(server, grants);

  authorizationEndpoint(server, '/oauth', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const asked = requestedScopes(query);
      return asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined;
    },
  });

  const refusal = (status: number, message: string): EmulatorReply => json(status, { error: true, status, message, i18n: null });
  /** The client as Figma takes it: HTTP Basic of its id and secret as they are. */
  const isClient = (request: EmulatorRequest) => request.headers.authorization === `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`;

  server.route('POST', '/v1/oauth/token', (request) => {
    server.count('token_request');
    const status = controls.tokenFailure();
    if (status !== undefined) return html(status, '<h1>Internal Server Error</h1>');
    if (!isForm(request)) return refusal(400, 'Invalid request body');
    if (!isClient(request)) return refusal(401, 'Invalid client credentials');
    const form = request.form();
    if (form.get('grant_type') !== 'authorization_code') return refusal(400, 'Invalid grant_type');
    server.count('authorization_code');
    const redeemed = grants.redeemCode(form.get('code') ?? '', { clientId: options.clientId, redirectUri: form.get('redirect_uri'), codeVerifier: form.get('code_verifier') });
    if (!redeemed.ok) return refusal(400, 'Invalid code');
    const { tokens, grant } = redeemed;
    return json(200, { user_id_string: grant.user.id, access_token: tokens.accessToken, token_type: 'bearer', expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken });
  });

  server.route('POST', '/v1/oauth/refresh', (request) => {
    server.count('refresh_token');
    const status = controls.tokenFailure();
    if (status !== undefined) return html(status, '<h1>Internal Server Error</h1>');
    if (!isForm(request)) return refusal(400, 'Invalid request body');
    if (!isClient(request)) return refusal(401, 'Invalid client credentials');
    const refreshed = grants.refresh(request.form().get('refresh_token') ?? '', options.clientId);
    if (!refreshed.ok) return refusal(400, 'Invalid refresh token');
    return json(200, { access_token: refreshed.tokens.accessToken, token_type: 'bearer', expires_in: refreshed.tokens.expiresIn });
  });

  const forbidden = (err: string): EmulatorReply => json(403, { status: 403, err });
  /** The grant behind the request's Bearer token when it holds one of `scopes`; else Figma's 403. */
  const authorized = (request: EmulatorRequest, scopes: string[]): Grant<FigmaUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return forbidden('Invalid token');
    const held = grant.scope.split(' ');
    return scopes.some((scope) => held.includes(scope)) ? grant : forbidden(`Invalid scope(s): ${held.join(', ')}. This endpoint requires the ${scopes[0]} scope`);
  };

  server.route('GET', '/v1/me', (request) => {
    server.count('me');
    const grant = authorized(request, ['current_user:read', 'files:read']);
    if ('status' in grant) return grant;
    const { id, handle, email } = grant.user;
    return json(200, { id, handle, img_url: `https://s3-alpha.figma.test/profile/${id}`, email });
  });

  server.route('GET', '/v1/files/:key', (request) => {
    server.count('file');
    const grant = authorized(request, ['file_content:read', 'files:read']);
    if ('status' in grant) return grant;
    const file = FILES[request.params.key!];
    if (!file) return json(404, { status: 404, err: 'Not found' });
    return json(200, { ...file, role: 'viewer', editorType: 'figma', document: { id: '0:0', name: 'Document', type: 'DOCUMENT', children: [] } });
  });

  return {
    ...controls.handle,
    endAccessToken: (accessToken) => {
      grants.revokeAccessToken(accessToken);
    },
    removeApp: (token) => {
      const grant = grants.grantOfToken(token);
      if (grant) grants.revokeGrant(grant.id);
    },
  };
}
