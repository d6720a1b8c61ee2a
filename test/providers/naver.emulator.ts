/**
 * An emulator of Naver Login's OAuth 2.0 API (nid.naver.com/oauth2.0) and of the login Open APIs a connection
 * touches (openapi.naver.com), written from Naver's guide (https://github.com/naver/naver-openapi-guide:
 * ko/docs/login/api/README.md, ko/docs/login/devguide/README.md, ko/docs/login/profile.md):
 * - Authorize: `GET /oauth2.0/authorize` with `response_type=code`, `client_id`, `redirect_uri` (the Callback URL
 *   registered) and `state`; no scope (the person consents to the app's profile items). A refusal goes back as
 *   `error` and `error_description` beside the state (`access_denied` for a person who cancels).
 * - Token: `POST /oauth2.0/token`, the client's `client_id` and `client_secret` in the form; the issue needs
 *   `code` and `state`, the state the authorization request carried. The answer is `access_token`,
 *   `refresh_token`, `token_type: "bearer"` and `expires_in: "3600"` (a string, as Naver's examples write it). A
 *   refresh answers `access_token`, `token_type` and `expires_in` only: the refresh token stays the same, and
 *   lasts until revoked (no end is documented). Refusals are `{ error, error_description }` sent, like the
 *   tokens, with HTTP 200: `unauthorized_client` for a code Naver did not authorize, `invalid_request` for a
 *   wrong parameter (a refresh token it does not take, a missing or other state), `invalid_client` for the
 *   client's secret (RFC 6749's name; Naver documents none for it here).
 * - `GET /v1/nid/me` answers `{ resultcode: "00", message: "success", response: { id, nickname, name, email,
 *   profile_image } }`, each item but the id only when the person gave it; `GET /v1/nid/verify` checks the
 *   token, answering its `token` and `expire_date`, and with `info=true` the `allowed_profile` items,
 *   comma-separated. A token they do not take is a 401 `{ resultcode: "024", message }`.
 * - `POST /oauth2.0/revoke` with `client_id`, `client_secret`, `token` and `token_type_hint` revokes the token and
 *   its pair, answering 200 with no body, for a token unknown or already revoked too; 401 `unauthorized_client`
 *   for the client, 400 `invalid_request` without a token. withdraw() is the person withdrawing their consent
 *   in Naver's "connected services": every token of theirs ends.
 * The authorization page approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn, formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface NaverUser {
  /** The person's id for this application (BASE64, up to 64 characters, for apps made since May 2021). */
  id: string;
  nickname: string;
  /** Each of these only when the person agreed to give it. */
  name?: string;
  email?: string;
  profileImage?: string;
}

export interface NaverEmulator extends EmulatorHandle<NaverUser> {
  /** The person withdraws their consent to the app in Naver: none of its tokens works. */
  withdraw(user: NaverUser): void;
  /** The form of each token request, in order. */
  readonly tokenForms: readonly URLSearchParams[];
  /** The form of each revocation request, in order. */
  readonly revocationForms: readonly URLSearchParams[];
}

const ACCESS_TOKEN_TTL = 3600;
const refused = (error: string, description: string) => json(200, { error, error_description: description });
const NOT_AUTHENTICATED = () => json(401, { resultcode: '024', message: 'Authentication failed (인증 실패하였습니다.)' });

export async function startNaverEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<NaverEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<NaverUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'static' });
  const controls = emulatorControls<NaverUser>(server, grants);
  /** The state of the authorization request each code answered. */
  const stateOfCode = new Map<string, string>();
  const tokenForms: URLSearchParams[] = [];
  const revocationForms: URLSearchParams[] = [];

  server.route('GET', '/oauth2.0/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<h1>Callback URL 또는 Client ID가 등록된 정보와 일치하지 않습니다.</h1>');
    }
    const reply = redirectBack(options.redirectUri, query);
    const state = query.get('state');
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type', error_description: 'response_type must be code' });
    if (!state) return reply({ error: 'invalid_request', error_description: 'state is required' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'Canceled By User' });
    const code = grants.issueCode({ ...codeRequest(query, options, user), scope: '' });
    stateOfCode.set(code, state);
    return reply({ code });
  });

  tokenEndpoint(server, '/oauth2.0/token', {
    client: options,
    grants,
    screen: (request) => {
      tokenForms.push(request.form());
      return undefined;
    },
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    errors: {
      client: () => refused('invalid_client', 'client authentication failed'),
      grantType: () => refused('invalid_request', 'unsupported grant_type'),
      code: () => refused('unauthorized_client', 'the authorization code was not authorized'),
      refreshToken: () => refused('invalid_request', 'invalid refresh_token'),
    },
    refuseCode: (form) => {
      const code = form.get('code') ?? '';
      const expected = stateOfCode.get(code);
      if (expected !== undefined && form.get('state') !== expected) return refused('invalid_request', 'state does not match the authorization request');
      stateOfCode.delete(code);
      return undefined;
    },
    answer: ({ grantType, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        ...(grantType === 'authorization_code' ? { refresh_token: tokens.refreshToken } : {}),
        token_type: 'bearer',
        expires_in: String(tokens.expiresIn),
      }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, NOT_AUTHENTICATED);

  server.route('GET', '/v1/nid/me', (request) => {
    server.count('me');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      resultcode: '00',
      message: 'success',
      response: {
        id: user.id,
        nickname: user.nickname,
        ...(user.name ? { name: user.name } : {}),
        ...(user.email ? { email: user.email } : {}),
        ...(user.profileImage ? { profile_image: user.profileImage } : {}),
      },
    });
  });

  server.route('GET', '/v1/nid/verify', (request) => {
    server.count('verify');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const token = request.bearer()!;
    const expires = new Date(Date.now() + (grants.accessTokenSecondsLeft(token) ?? 0) * 1000).toISOString();
    const { user } = grant;
    const allowed = ['id', 'nickname', ...(user.name ? ['name'] : []), ...(user.email ? ['email'] : []), ...(user.profileImage ? ['profile_image'] : [])];
    const info = request.url.searchParams.get('info') === 'true';
    return json(200, { resultcode: '00', message: 'success', response: { token, expire_date: expires, ...(info ? { allowed_profile: allowed.join(',') } : {}) } });
  });

  server.route('POST', '/oauth2.0/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocationForms.push(form);
    if (!credentialsIn(form, options)) return json(401, { error: 'unauthorized_client', error_description: 'Client authentication failed.' });
    const token = form.get('token');
    if (!token) return json(400, { error: 'invalid_request', error_description: 'token is required' });
    const grant = grants.grantOfToken(token);
    if (grant) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  return {
    ...controls.handle,
    tokenForms,
    revocationForms,
    withdraw: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
