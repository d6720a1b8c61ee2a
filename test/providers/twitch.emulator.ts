/**
 * An emulator of Twitch's OpenID Connect authorization code flow and the part
 * of its API that sign-in and calls touch, written from Twitch's documentation:
 * - Using OIDC (https://dev.twitch.tv/docs/authentication/getting-tokens-oidc/):
 *   the discovery document under the issuer `<origin>/oauth2` (no revocation
 *   endpoint, `client_secret_post` the only client authentication), /authorize
 *   with `client_id`, `redirect_uri`, `response_type=code`, space-separated
 *   `scope` with `openid`, `claims` (JSON naming the claims wanted in the ID
 *   token and in userinfo), `nonce` and `state`; the token answer
 *   `{ access_token, expires_in, id_token, refresh_token, scope: [..], token_type: "bearer" }`,
 *   its `scope` an array; the ID token (RS256, keys at /oauth2/keys) with `iss`,
 *   `sub`, `aud`, `azp`, `exp`, `iat`, `nonce` and the claims asked for;
 *   userinfo with `sub` and the claims asked for there; `email` and
 *   `email_verified` only with `user:read:email`.
 * - Refreshing (https://dev.twitch.tv/docs/authentication/refresh-tokens/): the
 *   form `client_id`, `client_secret`, `grant_type=refresh_token`,
 *   `refresh_token`; an answer with a new refresh token (the old one is not
 *   documented to stop working, so it does not); a refused one
 *   `{"error": "Bad Request", "status": 400, "message": "Invalid refresh token"}`.
 * - Validating (https://dev.twitch.tv/docs/authentication/validate-tokens/):
 *   GET /oauth2/validate with `Authorization: OAuth <access token>` answers
 *   `{ client_id, login, scopes, user_id, expires_in }` for a live token, 401
 *   `{"status": 401, "message": "invalid access token"}` otherwise.
 * - Revoking (https://dev.twitch.tv/docs/authentication/revoke-tokens/): the
 *   form `client_id` and `token`, an access token; 200 with no body, 400
 *   "Invalid token", 404 "client does not exist".
 * - The Twitch API (https://dev.twitch.tv/docs/authentication/#sending-user-access-and-app-access-tokens,
 *   https://dev.twitch.tv/docs/api/reference/#get-users): `Authorization: Bearer`
 *   and `Client-Id`, which must be the client the token was issued to, else
 *   401; `GET /helix/users` answers `{ data: [user] }`, the e-mail only with
 *   `user:read:email`; errors `{ error, status, message }`.
 * Twitch's errors at the token endpoint for a code or a client it refuses are
 * in the same `{ status, message }` form ("Invalid authorization code", 403
 * "invalid client secret"), as answered by Twitch, which does not document them.
 * Twitch does not document PKCE: a `code_challenge` is ignored. The
 * authorization page approves at once for the user set with signInAs().
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { createSigningKey } from './kit/signing.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface TwitchUser {
  /** The user id, sent as a string. */
  id: string;
  login: string;
  displayName: string;
  email: string;
  emailVerified: boolean;
}

export interface TwitchEmulator extends EmulatorHandle<TwitchUser> {
  readonly issuer: string;
  /** The user disconnects the app in their Twitch settings: every token of its grants stops working. */
  disconnectAtTwitch(userId: string): void;
  /** The next token check answers this status (a fault), once. */
  failNextCheck(status: number): void;
}

const ACCESS_TOKEN_TTL = 14_400;

interface ClaimsRequest {
  id_token?: Record<string, unknown>;
  userinfo?: Record<string, unknown>;
}

function twitchError(status: number, message: string, error?: string): EmulatorReply {
  return json(status, { ...(error ? { error } : {}), status, message });
}

export async function startTwitchEmulator(options: EmulatorOptions): Promise<TwitchEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/oauth2`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<TwitchUser>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'reissued' });
  /** The `claims` asked for by each grant's authorization. */
  const claimsOf = new Map<string, ClaimsRequest>();
  const claimsOfCode = new Map<string, ClaimsRequest>();
  const controls = emulatorControls<TwitchUser>(server, grants);

  server.route('GET', '/oauth2/.well-known/openid-configuration', () =>
    json(200, {
      authorization_endpoint: `${issuer}/authorize`,
      claims_parameter_supported: true,
      claims_supported: ['email', 'email_verified', 'picture', 'preferred_username', 'exp', 'iss', 'sub', 'azp', 'aud', 'iat', 'updated_at'],
      id_token_signing_alg_values_supported: ['RS256'],
      issuer,
      jwks_uri: `${issuer}/keys`,
      response_types_supported: ['id_token', 'code', 'token', 'code id_token', 'token id_token'],
      scopes_supported: ['openid'],
      subject_types_supported: ['public'],
      token_endpoint: `${issuer}/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      userinfo_endpoint: `${issuer}/userinfo`,
    }),
  );
  server.route('GET', '/oauth2/keys', () => json(200, key.jwks));

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>invalid client</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>redirect_mismatch</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type', error_description: 'response_type must be code' });
    let claims: ClaimsRequest = {};
    try {
      claims = JSON.parse(query.get('claims') ?? '{}') as ClaimsRequest;
    } catch {
      return reply({ error: 'invalid_request', error_description: 'claims is not valid JSON' });
    }
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied you access' });
    const code = grants.issueCode({ ...codeRequest(query, options, user), codeChallenge: undefined, codeChallengeMethod: undefined });
    claimsOfCode.set(code, claims);
    return reply({ code, scope: query.get('scope') ?? '' });
  });

  /** The claims asked for in `part` that Twitch has for this grant's user and scopes. */
  const requestedClaims = (grant: Grant<TwitchUser>, part: keyof ClaimsRequest): Record<string, unknown> => {
    const asked = Object.keys(claimsOf.get(grant.id)?.[part] ?? {});
    const mayReadEmail = grant.scope.split(' ').includes('user:read:email');
    const { login, displayName, email, emailVerified } = grant.user;
    const available: Record<string, unknown> = {
      preferred_username: displayName,
      picture: `https://static-cdn.jtvnw.net/jtv_user_pictures/${login}-profile_image-300x300.png`,
      updated_at: '2026-01-01T00:00:00Z',
      ...(mayReadEmail ? { email, email_verified: emailVerified } : {}),
    };
    return Object.fromEntries(asked.filter((name) => name in available).map((name) => [name, available[name]]));
  };

  const tokenAnswer = async (grant: Grant<TwitchUser>, tokens: { accessToken: string; refreshToken: string | undefined }, withIdToken: boolean): Promise<EmulatorReply> => {
    const scopes = grant.scope.split(' ');
    const answer: Record<string, unknown> = { access_token: tokens.accessToken, expires_in: ACCESS_TOKEN_TTL, refresh_token: tokens.refreshToken, scope: scopes, token_type: 'bearer' };
    if (withIdToken && scopes.includes('openid')) {
      answer.id_token = await key.signIdToken({
        iss: issuer,
        sub: grant.user.id,
        aud: options.clientId,
        azp: options.clientId,
        ...(grant.nonce ? { nonce: grant.nonce } : {}),
        ...requestedClaims(grant, 'id_token'),
      });
    }
    return json(200, answer);
  };

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: {
      queued: controls.tokenFailure,
      reply: (status) => twitchError(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error', status === 503 ? 'Service Unavailable' : 'Internal Server Error'),
    },
    // The client's credentials in the form only (client_secret_post).
    authenticates: (request) => {
      const form = request.form();
      if (form.get('client_id') !== options.clientId) return twitchError(400, 'invalid client');
      return form.get('client_secret') === options.clientSecret || twitchError(403, 'invalid client secret');
    },
    pkce: false,
    errors: {
      refreshToken: () => twitchError(400, 'Invalid refresh token', 'Bad Request'),
      grantType: () => twitchError(400, 'Invalid grant type'),
      code: () => twitchError(400, 'Invalid authorization code'),
    },
    answer: ({ grantType, grant, tokens, form }) => {
      if (grantType === 'authorization_code') claimsOf.set(grant.id, claimsOfCode.get(form.get('code') ?? '') ?? {});
      return tokenAnswer(grant, tokens, grantType === 'authorization_code');
    },
  });

  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    if (form.get('client_id') !== options.clientId) return twitchError(404, 'client does not exist');
    const token = form.get('token') ?? '';
    // The access token given; one Twitch no longer takes is "Invalid token".
    if (!grants.grantOfAccessToken(token)) return twitchError(400, 'Invalid token');
    grants.revokeAccessToken(token);
    return { status: 200 };
  });

  const checkFailure = queuedFailure();
  server.route('GET', '/oauth2/validate', (request) => {
    server.count('validate');
    const status = checkFailure.take();
    if (status !== undefined) return twitchError(status, 'Internal Server Error');
    const token = /^OAuth (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const grant = grants.grantOfAccessToken(token);
    if (!grant) return twitchError(401, 'invalid access token');
    return json(200, { client_id: grant.clientId, login: grant.user.login, scopes: grant.scope.split(' '), user_id: grant.user.id, expires_in: grants.accessTokenSecondsLeft(token) });
  });

  const bearerGrant = (request: EmulatorRequest): Grant<TwitchUser> | EmulatorReply => {
    const token = request.bearer();
    if (!token) return twitchError(401, 'OAuth token is missing', 'Unauthorized');
    const grant = grants.grantOfAccessToken(token);
    return grant ?? twitchError(401, 'Invalid OAuth token', 'Unauthorized');
  };

  server.route('GET', '/oauth2/userinfo', (request) => {
    server.count('userinfo');
    const grant = bearerGrant(request);
    if ('status' in grant) return grant;
    return json(200, { aud: options.clientId, exp: now() + 3600, iat: now(), iss: issuer, sub: grant.user.id, ...requestedClaims(grant, 'userinfo') });
  });

  server.route('GET', '/helix/users', (request) => {
    server.count('helix_users');
    const grant = bearerGrant(request);
    if ('status' in grant) return grant;
    const clientId = request.headers['client-id'];
    if (clientId === undefined) return twitchError(401, 'Client ID is missing', 'Unauthorized');
    if (clientId !== grant.clientId) return twitchError(401, 'Client ID and OAuth token do not match', 'Unauthorized');
    const { id, login, displayName, email } = grant.user;
    return json(200, {
      data: [
        {
          id,
          login,
          display_name: displayName,
          type: '',
          broadcaster_type: 'partner',
          description: '',
          profile_image_url: `https://static-cdn.jtvnw.net/jtv_user_pictures/${login}-profile_image-300x300.png`,
          offline_image_url: '',
          view_count: 0,
          ...(grant.scope.split(' ').includes('user:read:email') ? { email } : {}),
          created_at: '2016-12-14T20:32:28Z',
        },
      ],
    });
  });

  return {
    ...controls.handle,
    issuer,
    disconnectAtTwitch: (userId) => {
      for (const grant of grants.liveGrants(options.clientId)) if (grant.user.id === userId) grants.revokeGrant(grant.id);
    },
    failNextCheck: checkFailure.queue,
  };
}
