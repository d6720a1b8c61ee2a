/**
 * An emulator of Yandex OAuth (oauth.yandex.com) and of the user API
 * (login.yandex.ru) a connection touches, written from Yandex ID's docs
 * (https://yandex.com/dev/id/doc/en/concepts/ya-oauth-intro,
 * https://yandex.com/dev/id/doc/en/tokens/refresh-client,
 * https://yandex.com/dev/id/doc/en/tokens/token-invalidate,
 * https://yandex.com/dev/id/doc/en/user-information):
 * - Authorize: `GET /authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri` (another than the app's Callback URI is ignored, and the
 *   app's used), `state`, and optionally `scope`, space-separated rights
 *   among the app's (all of the app's rights without it; another is refused
 *   here with an error page), and `device_id` (6 to 50 printable ASCII
 *   characters) with `device_name`, which make the token a device token. A
 *   person who declines goes back with `error=access_denied`.
 * - Token: `POST /token` with the client as Basic (`id:secret` in base64,
 *   as they are), which wins over `client_id` and `client_secret` in the
 *   form. A code is good once, for 10 minutes. The answer is `token_type:
 *   "bearer"`, `access_token`, `expires_in` (a year here) and
 *   `refresh_token`, which lives as long; a refresh answers a new pair (the
 *   spent refresh token still works until its end here, as the docs do not
 *   say it ends). Refusals are `{ error, error_description }`:
 *   `invalid_client` (401 with Basic, 400 otherwise), `invalid_grant` 400.
 * - `GET /info?format=json` with `Authorization: OAuth <token>` (no other
 *   scheme) answers `id` (a string), `login`, `client_id` and `psuid`, with
 *   `login:info`'s names, `login:email`'s `default_email` and `emails`, and
 *   `login:avatar`'s `default_avatar_id` and `is_avatar_empty`; a token it
 *   does not take is a 401.
 * - `POST /revoke_token` with `access_token` in the form and the client
 *   (Basic or the form) revokes a device token and its refresh token,
 *   answering 200 `{ status: "ok" }`, as for a token already invalid; a
 *   token issued for no device is 400 `unsupported_token_type`.
 * - removeAccess() is the person revoking the app on their Data access page.
 * The authorization page approves at once for signInAs()'s person.
 */
import { redirectBack } from './kit/authorization.js';
import { basicAsSent, formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface YandexUser {
  /** The Yandex user id, digits sent as a string. */
  id: string;
  login: string;
  realName: string;
  email: string;
  avatarId: string | null;
}

export interface YandexEmulatorOptions extends EmulatorOptions {
  /** The rights set on the app (default `login:info login:email login:avatar`). */
  rights?: readonly string[];
}

export interface YandexEmulator extends EmulatorHandle<YandexUser> {
  /** The person revokes the app's access on their Data access page: none of its tokens works. */
  removeAccess(user: YandexUser): void;
  /** The device a grant's token was issued for (its device_id and device_name), or undefined for a token issued for no device. */
  deviceOf(accessToken: string): { id: string; name: string | null } | undefined;
}

const TOKEN_TTL = 31_536_000;

export async function startYandexEmulator(options: YandexEmulatorOptions): Promise<YandexEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<YandexUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: TOKEN_TTL, refreshPolicy: 'reissued', refreshTokenTtl: TOKEN_TTL, codeTtl: 600 });
  const controls = emulatorControls<YandexUser>(server, grants);
  const rights = options.rights ?? ['login:info', 'login:email', 'login:avatar'];
  const devicesOfCodes = new Map<string, { id: string; name: string | null }>();
  const devicesOfGrants = new Map<string, { id: string; name: string | null }>();

  /** Basic as sent wins over the form, as Yandex documents. */
  const clientOf = (request: EmulatorRequest): boolean => (request.headers.authorization ? basicAsSent(request, options) : formCredentials(request, options));
  const badClient = (request: EmulatorRequest) => oauthError(request.headers.authorization ? 401 : 400, 'invalid_client', 'Client not found');

  server.route('GET', '/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('response_type') !== 'code') return html(400, '<h1>Client not found</h1>');
    const reply = redirectBack(options.redirectUri, query);
    const asked = (query.get('scope') ?? '').split(' ').filter(Boolean);
    if (asked.some((right) => !rights.includes(right))) return html(400, '<h1>Invalid scope</h1>');
    const deviceId = query.get('device_id');
    if (deviceId !== null && !/^[\x20-\x7e]{6,50}$/.test(deviceId)) return html(400, '<h1>Invalid device_id</h1>');
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'User denied access' });
    const code = grants.issueCode({
      clientId: options.clientId,
      redirectUri: options.redirectUri,
      scope: (asked.length > 0 ? asked : rights).join(' '),
      codeChallenge: query.get('code_challenge') ?? undefined,
      codeChallengeMethod: query.get('code_challenge_method') ?? undefined,
      user,
    });
    if (deviceId !== null) devicesOfCodes.set(code, { id: deviceId, name: query.get('device_name') });
    return reply({ code });
  });

  tokenEndpoint(server, '/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => clientOf(request) || badClient(request),
    errors: {
      code: () => oauthError(400, 'invalid_grant', 'Code has expired'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Refresh token expired'),
    },
    answer: ({ grantType, grant, tokens, form }) => {
      const device = grantType === 'authorization_code' ? devicesOfCodes.get(form.get('code') ?? '') : undefined;
      if (device) devicesOfGrants.set(grant.id, device);
      return json(200, { token_type: 'bearer', access_token: tokens.accessToken, expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken });
    },
  });

  server.route('GET', '/info', (request) => {
    server.count('info');
    const token = /^OAuth (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const grant = token === undefined ? undefined : grants.grantOfAccessToken(token);
    if (!grant) return { status: 401, headers: { 'content-type': 'text/plain' }, body: 'invalid token' };
    const { user } = grant;
    const granted = grant.scope.split(' ');
    const [firstName, ...rest] = user.realName.split(' ');
    return json(200, {
      id: user.id,
      login: user.login,
      client_id: options.clientId,
      psuid: `1.AAceCw.${user.id}.psuid`,
      ...(granted.includes('login:info') ? { display_name: user.login, real_name: user.realName, first_name: firstName, last_name: rest.join(' '), sex: null } : {}),
      ...(granted.includes('login:email') ? { default_email: user.email, emails: [user.email] } : {}),
      ...(granted.includes('login:avatar') ? { default_avatar_id: user.avatarId ?? '0/0-0', is_avatar_empty: user.avatarId === null } : {}),
    });
  });

  server.route('POST', '/revoke_token', (request) => {
    server.count('revoke_token');
    if (!clientOf(request)) return badClient(request);
    const token = request.form().get('access_token');
    if (!token) return oauthError(400, 'invalid_request', 'access_token not in POST');
    const grant = grants.grantOfToken(token);
    if (!grant || !grants.grantOfAccessToken(token)) return json(200, { status: 'ok' });
    if (grant.clientId !== options.clientId) return oauthError(400, 'invalid_grant', 'Token does not belong to this client');
    if (!devicesOfGrants.has(grant.id)) return oauthError(400, 'unsupported_token_type', 'Token is not device-bound');
    grants.revokeGrant(grant.id);
    return json(200, { status: 'ok' });
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    deviceOf: (accessToken) => {
      const grant = grants.grantOfToken(accessToken);
      return grant && devicesOfGrants.get(grant.id);
    },
  };
}
