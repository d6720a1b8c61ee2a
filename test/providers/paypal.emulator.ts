/**
 * An emulator of Log in with PayPal: the sign-in page (www.paypal.com, or
 * www.sandbox.paypal.com) and the part of PayPal's REST API (api-m.paypal.com)
 * it uses, on one origin, written from PayPal's documentation:
 * - Authorization (https://developer.paypal.com/docs/log-in-with-paypal/integrate/):
 *   `GET /signin/authorize` with `response_type=code`, `client_id`, a
 *   space-separated `scope` and `redirect_uri`, the app's Return URL. A
 *   refused consent goes back with `error=access_denied` (RFC 6749
 *   §4.1.2.1; PayPal's pages do not show it).
 * - `POST /v1/oauth2/token` (https://developer.paypal.com/api/rest/authentication/)
 *   with `Authorization: Basic` base64(client_id:secret) and a form body
 *   (`grant_type=authorization_code&code=…`, or `refresh_token`); answers
 *   `access_token`, `token_type` Bearer, `expires_in` 28800, `scope` and, for
 *   a code, a `refresh_token`, with the `nonce` member of PayPal's REST
 *   token answers. A refresh answers a new access token only: the refresh
 *   token is kept, which PayPal's pages do not say either way. The code
 *   exchange also answers an `id_token` signed with a key this emulator
 *   publishes nowhere: PayPal names no keys for one, so a client that relied
 *   on it would fail here. A client it does not take is 401 `invalid_client`
 *   (https://developer.paypal.com/api/identity/v1/errors/invalid_client);
 *   other refusals are RFC 6749 §5.2's `error`.
 * - `GET /v1/identity/oauth2/userinfo?schema=paypalv1.1`
 *   (https://developer.paypal.com/docs/api/identity/v1/) answers `user_id`
 *   (the per-app PPID) and, by the scopes granted, `name`, `given_name`,
 *   `family_name` (profile), `emails[]` with `value`, `primary` and
 *   `confirmed` (email), `verified_account` and `payer_id`
 *   (paypalattributes). Another schema is 400 `INVALID_REQUEST`; a token it
 *   does not take is 401 with the REST API's `{name, message, debug_id}`
 *   (the name used here is not checked against PayPal's pages).
 * - No revocation endpoint; removeApp() is the person removing the app in
 *   their PayPal settings, which ends every token of the grant.
 * The sign-in page approves at once for signInAs()'s user.
 */
import { randomBytes } from 'node:crypto';
import { codeRequest, redirectBack } from './kit/authorization.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';
import { createSigningKey } from './kit/signing.js';

export interface PaypalUser {
  /** The PPID this app sees, a URL under www.paypal.com. */
  userId: string;
  payerId: string;
  givenName: string;
  familyName: string;
  /** The primary address, and whether PayPal confirmed it. */
  email: string;
  confirmed: boolean;
}

export interface PaypalEmulator extends EmulatorHandle<PaypalUser> {
  /** The person removes the app in their PayPal settings: the grant's tokens are taken nowhere any more. */
  removeApp(token: string): void;
}

const ACCESS_TOKEN_TTL = 28_800;
const PAYPALATTRIBUTES = 'https://uri.paypal.com/services/paypalattributes';

export async function startPaypalEmulator(options: EmulatorOptions): Promise<PaypalEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<PaypalUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'static',
    prefixes: { access: 'A21AA', refresh: 'R23AA' },
  });
  const controls = emulatorControls<PaypalUser>(server, grants);
  // A key no JWKS of this emulator names: an ID token signed with it can be checked by nobody.
  const unpublishedKey = await createSigningKey('RS256', options.now);

  server.route('GET', '/signin/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('response_type') !== 'code' || query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<h1>Sorry, we can’t connect you to this site. The Return URL does not match the one registered.</h1>');
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  /** Basic with `client_id:secret` as they are, as PayPal's curl examples send it. */
  const isClient = (request: EmulatorRequest): boolean => basicAsSent(request, options);
  const nonce = () => `${new Date().toISOString().slice(0, 19)}Z${randomBytes(16).toString('base64url')}`;

  tokenEndpoint(server, '/v1/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: isClient,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client Authentication failed'),
      grantType: () => oauthError(400, 'unsupported_grant_type', 'Grant Type is not supported'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Invalid refresh token'),
      code: () => oauthError(400, 'invalid_grant', 'Invalid authorization code'),
    },
    // A refresh answers a new access token alone; the code's answer has the refresh token and an ID token.
    answer: async ({ grantType, grant, tokens }) => {
      if (grantType === 'refresh_token') return json(200, { scope: grant.scope, access_token: tokens.accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL, nonce: nonce() });
      return json(200, {
        scope: grant.scope,
        access_token: tokens.accessToken,
        token_type: 'Bearer',
        expires_in: ACCESS_TOKEN_TTL,
        refresh_token: tokens.refreshToken,
        nonce: nonce(),
        id_token: await unpublishedKey.signIdToken({ iss: server.origin, aud: options.clientId, sub: grant.user.userId }),
      });
    },
  });

  const error = (status: number, name: string, message: string): EmulatorReply => json(status, { name, message, debug_id: randomBytes(6).toString('hex') });

  server.route('GET', '/v1/identity/oauth2/userinfo', (request) => {
    server.count('userinfo');
    const grant: Grant<PaypalUser> | undefined = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return error(401, 'INVALID_TOKEN', 'Invalid access token.');
    if (request.url.searchParams.get('schema') !== 'paypalv1.1') return error(400, 'INVALID_REQUEST', 'Invalid request.');
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return json(200, {
      user_id: user.userId,
      ...(scopes.includes('profile') ? { name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName } : {}),
      ...(scopes.includes('email')
        ? {
            emails: [
              { value: `${user.givenName.toLowerCase()}.old@example.net`, primary: false, confirmed: true },
              { value: user.email, primary: true, confirmed: user.confirmed },
            ],
          }
        : {}),
      ...(scopes.includes(PAYPALATTRIBUTES) ? { verified_account: user.confirmed, payer_id: user.payerId } : {}),
    });
  });

  return {
    ...controls.handle,
    removeApp: (token) => {
      const grant = grants.grantOfToken(token);
      if (grant) grants.revokeGrant(grant.id);
    },
  };
}
