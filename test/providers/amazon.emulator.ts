/**
 * An emulator of Login with Amazon: the sign-in page (www.amazon.com/ap/oa)
 * and the authorization service and profile API (api.amazon.com), on one
 * origin, written from Amazon's documentation:
 * - Authorization (https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html):
 *   `GET /ap/oa` with `client_id`, `scope` (space-separated: `profile`,
 *   `profile:user_id`, `postal_code`), `response_type=code`, `redirect_uri`,
 *   `state` and the PKCE challenge (plain when no method is named). A
 *   refused consent goes back with `error=access_denied`.
 * - `POST /auth/o2/token` with `grant_type`, `code`, `redirect_uri`,
 *   `client_id` and `client_secret` in the form (or a Basic header), and
 *   `code_verifier`; answers `access_token` (`Atza|…`), `token_type` bearer,
 *   `expires_in` 3600 and `refresh_token` (`Atzr|…`)
 *   (https://developer.amazon.com/docs/login-with-amazon/access-token.html).
 *   A refresh answers a new refresh token too; the one it replaced keeps
 *   working here, which Amazon does not say either way. Refusals are RFC
 *   6749 §5.2's `error` and `error_description`.
 * - `GET /user/profile` (https://developer.amazon.com/docs/login-with-amazon/obtain-customer-profile.html)
 *   with the token as Bearer, `x-amz-access-token` or the `access_token`
 *   query parameter; answers `user_id` and, by the scopes granted, `name`
 *   and `email` (profile) and `postal_code`. A token it does not take is
 *   401 `invalid_token` (RFC 6750 §3; Amazon's body is not checked).
 * - No revocation endpoint; removeApp() is the person removing the app in
 *   their Amazon account, which ends every token of the grant.
 * The sign-in page approves at once for signInAs()'s user.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface AmazonUser {
  /** `amzn1.account.…`, the same for every app of one developer. */
  userId: string;
  name: string;
  email: string;
  postalCode: string;
}

export interface AmazonEmulator extends EmulatorHandle<AmazonUser> {
  /** The person removes the app in their Amazon account: the grant's tokens are taken nowhere any more. */
  removeApp(token: string): void;
}

const ACCESS_TOKEN_TTL = 3600;
const SCOPES = new Set(['profile', 'profile:user_id', 'postal_code']);

export async function startAmazonEmulator(options: EmulatorOptions): Promise<AmazonEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<AmazonUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'reissued',
    prefixes: { access: 'Atza|', refresh: 'Atzr|' },
  });
  const controls = emulatorControls<AmazonUser>(server, grants);

  server.route('GET', '/ap/oa', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<h1>An unknown client or a redirect URI not in its Allowed Return URLs</h1>');
    }
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const scopes = (query.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0 || scopes.some((scope) => !SCOPES.has(scope))) return reply({ error: 'invalid_scope', error_description: 'An unknown scope was requested' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied the request.' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  tokenEndpoint(server, '/auth/o2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed'),
      grantType: () => oauthError(400, 'unsupported_grant_type', 'The grant type is not supported'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'The request has an invalid grant parameter : refresh_token'),
      code: () => oauthError(400, 'invalid_grant', 'The request has an invalid grant parameter : code'),
    },
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, token_type: 'bearer', expires_in: ACCESS_TOKEN_TTL }),
  });

  /** The access token as the profile API takes it: Bearer, `x-amz-access-token`, or the `access_token` parameter. */
  const tokenOf = (request: EmulatorRequest): string => {
    const header = request.headers['x-amz-access-token'];
    return request.bearer() ?? (typeof header === 'string' ? header : null) ?? request.url.searchParams.get('access_token') ?? '';
  };

  server.route('GET', '/user/profile', (request) => {
    server.count('profile');
    const grant = grants.grantOfAccessToken(tokenOf(request));
    if (!grant) return oauthError(401, 'invalid_token', 'The access token provided is expired, revoked, malformed, or invalid for other reasons.');
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return json(200, {
      user_id: user.userId,
      ...(scopes.includes('profile') ? { name: user.name, email: user.email } : {}),
      ...(scopes.includes('postal_code') ? { postal_code: user.postalCode } : {}),
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
