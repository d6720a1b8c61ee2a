/**
 * An emulator of LINE Login v2.1 (`https://access.line.me` and
 * `https://api.line.me`) on one host, whose origin is its issuer, written
 * from LINE's documentation (https://developers.line.biz/en/docs/line-login/integrate-line-login/,
 * https://developers.line.biz/en/reference/line-login/):
 * - discovery at `/.well-known/openid-configuration`, naming ES256 alone and
 *   the keys at `/oauth2/v2.1/certs`;
 * - `GET /oauth2/v2.1/authorize` with `response_type=code`, `client_id` (the
 *   channel ID), `redirect_uri`, `state`, `scope` (among `openid`,
 *   `profile` and, for a channel given the e-mail permission, `email`),
 *   `nonce` and PKCE S256. A person who cancels is sent back with
 *   `error=access_denied`.
 * - `POST /oauth2/v2.1/token` with the channel in the form. The code's
 *   answer is `access_token`, `expires_in` (30 days), `id_token`,
 *   `refresh_token`, `scope` and `token_type: "Bearer"`; the ID token is
 *   HS256 keyed by the channel secret, as a web login's is, unless the
 *   request has `id_token_key_type=JWK` (what LINE's SDKs send), which makes
 *   it ES256 with the published key. A refresh answers a new access token
 *   and a new refresh token (the used one refused here); a refresh token
 *   ends 90 days after it was issued. Refusals are RFC 6749's.
 * - `GET /oauth2/v2.1/userinfo` answers `sub`, `name` and `picture`;
 *   `GET /v2/profile` `userId`, `displayName`, `pictureUrl` (behind
 *   `profile`); a token not taken is 401 `{ message }`.
 * - `POST /oauth2/v2.1/revoke` with `access_token`, `client_id` and
 *   `client_secret` in the form, answering 200 with no body; the grant ends,
 *   its refresh token with it (an assumption). A token it does not take is
 *   400 `invalid_request` here.
 * The authorization page approves at once for signInAs()'s user.
 */
import { SignJWT } from 'jose';
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { credentialsIn, formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface LineUser {
  /** The user ID, `U` and 32 hex digits. */
  userId: string;
  displayName: string;
  email: string;
}

export interface LineEmulatorOptions extends EmulatorOptions {
  /** Whether the channel was given the e-mail permission (default true). */
  emailPermission?: boolean;
}

export interface LineEmulator extends EmulatorHandle<LineUser> {
  readonly issuer: string;
  /** The algorithm of each ID token issued, in order. */
  readonly idTokenAlgorithms: string[];
  /** The person removes the app from their LINE account's authorized apps: none of its tokens works. */
  removeAppInLine(user: LineUser): void;
}

const ACCESS_TOKEN_TTL = 30 * 86_400;
const REFRESH_TOKEN_TTL = 90 * 86_400;

export async function startLineEmulator(options: LineEmulatorOptions): Promise<LineEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('ES256', now);
  const grants = new GrantStore<LineUser>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating', refreshTokenTtl: REFRESH_TOKEN_TTL });
  const controls = emulatorControls<LineUser>(server, grants);
  const scopes = new Set(['openid', 'profile', ...(options.emailPermission === false ? [] : ['email'])]);
  const idTokenAlgorithms: string[] = [];

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/oauth2/v2.1/authorize`,
      token_endpoint: `${issuer}/oauth2/v2.1/token`,
      revocation_endpoint: `${issuer}/oauth2/v2.1/revoke`,
      userinfo_endpoint: `${issuer}/oauth2/v2.1/userinfo`,
      scopes_supported: ['openid', 'profile', 'email'],
      jwks_uri: `${issuer}/oauth2/v2.1/certs`,
      response_types_supported: ['code'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['ES256'],
      code_challenge_methods_supported: ['S256'],
    }),
  );
  server.route('GET', '/oauth2/v2.1/certs', () => json(200, key.jwks));

  server.route('GET', '/oauth2/v2.1/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>400 Bad Request</h1><p>Invalid redirect_uri value.</p>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    if (query.has('code_challenge') && query.get('code_challenge_method') !== 'S256') return reply({ error: 'invalid_request', error_description: 'code_challenge_method' });
    if (requestedScopes(query).some((scope) => !scopes.has(scope))) return reply({ error: 'invalid_scope', error_description: 'The requested scope is invalid' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The+user+has+denied+the+approval' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  /** The ID token of a code exchange: ES256 with the published key when asked for JWK, else HS256 keyed by the channel secret. */
  const idTokenFor = async (user: LineUser, scope: string, nonce: string | undefined, keyType: string | null): Promise<string> => {
    const granted = scope.split(' ');
    const claims = {
      iss: issuer,
      sub: user.userId,
      aud: options.clientId,
      auth_time: now(),
      amr: ['linesso'],
      ...(nonce ? { nonce } : {}),
      ...(granted.includes('profile') ? { name: user.displayName, picture: `https://profile.line-scdn.net/${user.userId}` } : {}),
      ...(granted.includes('email') ? { email: user.email } : {}),
    };
    if (keyType === 'JWK') {
      idTokenAlgorithms.push('ES256');
      return key.signIdToken(claims);
    }
    idTokenAlgorithms.push('HS256');
    return new SignJWT({ iat: now(), exp: now() + 3600, ...claims }).setProtectedHeader({ typ: 'JWT', alg: 'HS256' }).sign(new TextEncoder().encode(options.clientSecret));
  };

  tokenEndpoint(server, '/oauth2/v2.1/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => json(status, { error: 'server_error', error_description: 'Internal Server Error' }) },
    // The channel in the form only.
    authenticates: (request) => formCredentials(request, options),
    errors: {
      client: () => oauthError(400, 'invalid_client', 'invalid client_secret'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'invalid refresh token'),
      code: () => oauthError(400, 'invalid_grant', 'invalid authorization code'),
    },
    answer: async ({ grantType, grant, tokens, form }) => {
      const base = { access_token: tokens.accessToken, expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken, scope: grant.scope, token_type: 'Bearer' };
      if (grantType === 'refresh_token') return json(200, base);
      const idToken = grant.scope.split(' ').includes('openid') ? await idTokenFor(grant.user, grant.scope, grant.nonce, form.get('id_token_key_type')) : undefined;
      return json(200, { ...base, ...(idToken ? { id_token: idToken } : {}) });
    },
  });

  const unauthorized = (): EmulatorReply => json(401, { message: 'The access token expired' });

  server.route('GET', '/oauth2/v2.1/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return unauthorized();
    if (!grant.scope.split(' ').includes('openid')) return json(403, { error: 'insufficient_scope', error_description: 'openid scope is required' });
    const { user } = grant;
    return json(200, { sub: user.userId, ...(grant.scope.split(' ').includes('profile') ? { name: user.displayName, picture: `https://profile.line-scdn.net/${user.userId}` } : {}) });
  });

  server.route('GET', '/v2/profile', (request) => {
    server.count('profile');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return unauthorized();
    if (!grant.scope.split(' ').includes('profile')) return json(403, { message: 'Not allowed to use this API' });
    const { user } = grant;
    return json(200, { userId: user.userId, displayName: user.displayName, pictureUrl: `https://profile.line-scdn.net/${user.userId}`, statusMessage: 'Hello, LINE!' });
  });

  server.route('POST', '/oauth2/v2.1/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    if (!credentialsIn(form, options)) return oauthError(400, 'invalid_client', 'invalid client_secret');
    const grant = grants.grantOfAccessToken(form.get('access_token') ?? '');
    if (!grant) return oauthError(400, 'invalid_request', 'access token invalid');
    grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  return {
    ...controls.handle,
    issuer,
    idTokenAlgorithms,
    removeAppInLine: (user) => grants.revokeGrantsOf((someone) => someone.userId === user.userId),
  };
}
