/**
 * An emulator of a Phorge install's OAuth Server and of Conduit's
 * user.whoami, written from "Using the Phorge OAuth Server"
 * (https://we.phorge.it/book/contrib/article/using_oauthserver/) and the
 * server's behaviour as its source has it:
 * - Authorize: `GET /oauthserver/auth/` with `client_id` (the application's
 *   PHID), `response_type=code`, `redirect_uri` and `state`; an unknown client
 *   or another redirect URI is told on Phorge's page; a person who does not
 *   authorize goes back with `error=access_denied`. No scopes, no PKCE; a code
 *   lasts 5 minutes.
 * - Token: `POST /oauthserver/token/`, the client's id and secret in the form
 *   (or as Basic when the form has no secret). Only `authorization_code` is
 *   taken (400 `unsupported_grant_type` otherwise); a missing id or secret is
 *   a 400 `invalid_request`, an unknown client a 400 `invalid_client`, and a
 *   wrong secret, like an unknown or used code, a 400 `invalid_grant`. The
 *   answer is `{ access_token, token_type: "Bearer" }`: no expiry, no refresh
 *   token.
 * - Conduit: `GET /api/user.whoami?access_token=…` answers HTTP 200 with
 *   `{ result, error_code, error_info }`; a token it does not take is HTTP
 *   200 with `result: null` and `error_code: "ERR-INVALID-AUTH"`. No
 *   Authorization header is read.
 * There is no revocation endpoint: revokeAuthorization() is the person
 * revoking the application's authorization in their settings.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface PhorgeUser {
  /** The user's PHID (`PHID-USER-…`). */
  phid: string;
  userName: string;
  realName: string;
  email: string;
}

export interface PhorgeEmulator extends EmulatorHandle<PhorgeUser> {
  /** The person revokes the application's authorization in Phorge: its tokens stop working. */
  revokeAuthorization(user: PhorgeUser): void;
  /** The next user.whoami request fails with this HTTP status. */
  failNextWhoami(status: number): void;
}

const conduit = (result: unknown, errorCode: string | null = null, errorInfo: string | null = null) => json(200, { result, error_code: errorCode, error_info: errorInfo });

export async function startPhorgeEmulator(options: EmulatorOptions): Promise<PhorgeEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<PhorgeUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: null, refreshPolicy: 'none', codeTtl: 300 });
  const controls = emulatorControls<PhorgeUser>(server, grants);
  const whoamiFailure = queuedFailure();

  authorizationEndpoint(server, '/oauthserver/auth/', { client: options, grants, approver: controls.approver, pkce: false, request: () => ({ scope: '' }) });

  tokenEndpoint(server, '/oauthserver/token/', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      const form = request.form();
      const basic = request.basicAuth();
      const inForm = Boolean(form.get('client_secret'));
      const id = inForm ? form.get('client_id') : basic?.username;
      const secret = inForm ? form.get('client_secret') : basic?.password;
      if (!id) return oauthError(400, 'invalid_request', 'Required parameter client_id missing.');
      if (!secret) return oauthError(400, 'invalid_request', 'Required parameter client_secret missing.');
      if (id !== options.clientId) return oauthError(400, 'invalid_client', `Client with client_id ${id} not found.`);
      // A wrong secret fails the code's check, as an expired code does.
      if (secret !== options.clientSecret) return oauthError(400, 'invalid_grant', `Invalid authorization code ${form.get('code') ?? ''}.`);
      return true;
    },
    errors: {
      grantType: () => oauthError(400, 'unsupported_grant_type', 'Only grant_type authorization_code is supported.'),
      refreshToken: () => oauthError(400, 'unsupported_grant_type', 'Only grant_type authorization_code is supported.'),
      code: () => oauthError(400, 'invalid_grant', 'Authorization code not found.'),
    },
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'Bearer' }),
  });

  server.route('GET', '/api/user.whoami', (request) => {
    server.count('whoami');
    const status = whoamiFailure.take();
    if (status !== undefined) return html(status, '<h1>Unhandled Exception</h1>');
    const token = request.url.searchParams.get('access_token');
    if (!token) return conduit(null, 'ERR-INVALID-SESSION', 'Session key is not present.');
    const grant = grants.grantOfAccessToken(token);
    if (!grant) return conduit(null, 'ERR-INVALID-AUTH', 'Access token does not exist.');
    const { user } = grant;
    return conduit({
      phid: user.phid,
      userName: user.userName,
      realName: user.realName,
      image: `${server.origin}/file/data/${user.userName}/profile.png`,
      uri: `${server.origin}/p/${user.userName}/`,
      roles: ['verified', 'approved', 'activated'],
      primaryEmail: user.email,
    });
  });

  return {
    ...controls.handle,
    revokeAuthorization: (user) => grants.revokeGrantsOf((someone) => someone.phid === user.phid),
    failNextWhoami: whoamiFailure.queue,
  };
}
