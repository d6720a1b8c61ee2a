/**
 * An emulator of VK ID (`https://id.vk.com`) and of the part of the VK API a connection touches
 * (`https://api.vk.com/method`), written from VK ID's method reference
 * (https://id.vk.com/about/business/go/docs/ru/vkid/latest/vk-id/connection/api-integration/api-description) and the
 * requests of VK's web SDK (https://github.com/VKCOM/vkid-web-sdk, `src/auth/auth.ts`):
 * - Authorize: `GET /authorize` with `response_type=code`, `client_id`, `redirect_uri`, `state`, a PKCE challenge
 *   (required) and a space-separated `scope`; the person comes back with `code`, `state`, `device_id` (a new one per
 *   device: per authorization here), `expires_in`, `type=code_v2` and `ext_id`.
 * - Token: `POST /oauth2/auth`, a form without a client secret: the code exchange needs `code`, `code_verifier`,
 *   `redirect_uri`, `client_id`, `state` and the `device_id` the code came with; a refresh needs `refresh_token`,
 *   `client_id`, `state` and that grant's `device_id`. The answer is `access_token`, `refresh_token`, `id_token`,
 *   `token_type: "Bearer"`, `expires_in: 3600`, `user_id` (a number), the request's `state` and `scope`. Each refresh
 *   answers a new refresh token and ends the one spent (assumed: VK ID does not say). Refusals are RFC 6749 §5.2's
 *   `{ error, error_description }` with HTTP 400 (401 for the client), as VK ID shows the body but not the status.
 * - `POST /oauth2/user_info`, a form of `client_id` and `access_token`: `{ user: { user_id, first_name, last_name,
 *   avatar, email } }`, `user_id` a string; an unknown token is `invalid_token`.
 * - `POST /oauth2/logout`, a form of `client_id` and `access_token`: `{ response: 1 }`, every token of that grant ended.
 * - `GET /method/users.get?v=…&access_token=…` (https://dev.vk.com/ru/method/users.get): `{ response: [{ id,
 *   first_name, last_name }] }`; without `v`, error 8; a token not taken, error 5 "User authorization failed", both
 *   with HTTP 200 (https://dev.vk.com/ru/reference/errors).
 * The authorization page approves at once for signInAs()'s user.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { codeRequest, redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface VkIdUser {
  /** The VK ID account's number. */
  id: number;
  firstName: string;
  lastName: string;
  email: string;
}

export interface VkIdEmulator extends EmulatorHandle<VkIdUser> {
  /** The person removes the app in their VK ID account: every token of theirs stops working. */
  removeApp(user: VkIdUser): void;
  /** The next /oauth2/user_info request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as VK ID read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
  /** The device_id each authorization sent back, in order. */
  readonly deviceIds: ReadonlyArray<string>;
  /** The form of each /oauth2/user_info and /oauth2/logout request, in order. */
  readonly profileForms: ReadonlyArray<URLSearchParams>;
  readonly logoutForms: ReadonlyArray<URLSearchParams>;
  /** The query of each VK API call, in order. */
  readonly apiQueries: ReadonlyArray<URLSearchParams>;
}

/** VK ID's access tokens last an hour. */
export const VKID_ACCESS_TOKEN_SECONDS = 3600;

const SCOPES = ['vkid.personal_info', 'email', 'phone', 'friends', 'wall'];

function vkApiError(code: number, message: string, request: EmulatorRequest): EmulatorReply {
  const requestParams = [...request.url.searchParams].filter(([key]) => key !== 'access_token').map(([key, value]) => ({ key, value }));
  return json(200, { error: { error_code: code, error_msg: message, request_params: requestParams } });
}

export async function startVkIdEmulator(options: { clientId: string; redirectUri: string; now?: () => number }): Promise<VkIdEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<VkIdUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: VKID_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<VkIdUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const deviceIds: string[] = [];
  const profileForms: URLSearchParams[] = [];
  const logoutForms: URLSearchParams[] = [];
  const apiQueries: URLSearchParams[] = [];
  const deviceOfCode = new Map<string, string>();
  const deviceOfGrant = new Map<string, string>();
  const profileFailure = queuedFailure();

  server.route('GET', '/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid request</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    if (!query.get('state') || !query.get('code_challenge') || query.get('code_challenge_method')?.toUpperCase() !== 'S256') return reply({ error: 'invalid_request' });
    const asked = (query.get('scope') ?? '').split(' ').filter(Boolean);
    if (asked.some((scope) => !SCOPES.includes(scope))) return reply({ error: 'invalid_scope' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    const code = grants.issueCode({ ...codeRequest(query, options, user), codeChallengeMethod: 'S256', scope: asked.length > 0 ? asked.join(' ') : 'vkid.personal_info' });
    const deviceId = randomUUID();
    deviceIds.push(deviceId);
    deviceOfCode.set(code, deviceId);
    return reply({ code, device_id: deviceId, expires_in: '600', type: 'code_v2', ext_id: randomBytes(24).toString('base64url') });
  });

  const parametersMissing = (form: URLSearchParams, names: string[]) => names.find((name) => !form.get(name));

  tokenEndpoint(server, '/oauth2/auth', {
    client: { clientId: options.clientId },
    grants,
    screen: (request) => {
      tokenForms.push(request.form());
      return undefined;
    },
    failure: { queued: controls.tokenFailure },
    // A public client: no secret; the client id names it, and PKCE proves it at the code exchange.
    authenticates: (request) => request.form().get('client_id') === options.clientId && !request.form().has('client_secret') && request.headers.authorization === undefined,
    refuseCode: (form) => {
      const missing = parametersMissing(form, ['code_verifier', 'redirect_uri', 'state', 'device_id']);
      if (missing) return oauthError(400, 'invalid_request', `${missing} is missing`);
      const expected = deviceOfCode.get(form.get('code') ?? '');
      return expected !== undefined && expected !== form.get('device_id') ? oauthError(400, 'invalid_request', 'device_id is invalid') : undefined;
    },
    refuseRefresh: (presented, form) => {
      const missing = parametersMissing(form, ['state', 'device_id']);
      if (missing) return oauthError(400, 'invalid_request', `${missing} is missing`);
      const grant = grants.grantOfToken(presented);
      return grant && deviceOfGrant.get(grant.id) !== form.get('device_id') ? oauthError(400, 'invalid_request', 'device_id is invalid') : undefined;
    },
    errors: { refreshToken: () => oauthError(400, 'invalid_grant', 'Refresh token is invalid or expired') },
    answer: ({ grantType, grant, tokens, form }) => {
      if (grantType === 'authorization_code') deviceOfGrant.set(grant.id, form.get('device_id')!);
      return json(200, {
        access_token: tokens.accessToken,
        refresh_token: tokens.refreshToken,
        // Opaque here: the preset reads the person from user_info, not from this.
        id_token: `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: grant.user.id })).toString('base64url')}.c2lnbmF0dXJl`,
        token_type: 'Bearer',
        expires_in: tokens.expiresIn,
        user_id: grant.user.id,
        state: form.get('state'),
        scope: grant.scope,
      });
    },
  });

  /** The grant of the form's access token, for the client that asked; else the refusal VK ID answers. */
  const formGrant = (request: EmulatorRequest) => {
    const form = request.form();
    if (form.get('client_id') !== options.clientId) return oauthError(401, 'invalid_client', 'client_id is invalid');
    const grant = grants.grantOfAccessToken(form.get('access_token') ?? '');
    return grant ?? oauthError(401, 'invalid_token', 'Access token is invalid or expired');
  };

  server.route('POST', '/oauth2/user_info', (request) => {
    server.count('profile');
    profileForms.push(request.form());
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'server_error', error_description: 'Internal server error' });
    const grant = formGrant(request);
    if (!('user' in grant)) return grant;
    const { user } = grant;
    return json(200, {
      user: {
        user_id: String(user.id),
        first_name: user.firstName,
        last_name: user.lastName,
        avatar: `https://sun1-00.userapi.com/s/v1/ig2/${user.id}.jpg`,
        ...(grant.scope.split(' ').includes('email') ? { email: user.email } : {}),
        sex: 0,
        verified: false,
      },
    });
  });

  server.route('POST', '/oauth2/logout', (request) => {
    server.count('logout');
    logoutForms.push(request.form());
    const grant = formGrant(request);
    if (!('user' in grant)) return grant;
    grants.revokeGrant(grant.id);
    return json(200, { response: 1 });
  });

  server.route('GET', '/method/users.get', (request) => {
    server.count('users.get');
    const query = request.url.searchParams;
    apiQueries.push(query);
    const grant = grants.grantOfAccessToken(query.get('access_token') ?? '');
    if (!grant) return vkApiError(5, 'User authorization failed: invalid access_token (4).', request);
    if (!query.get('v')) return vkApiError(8, 'Invalid request: v (version) is required', request);
    const { user } = grant;
    return json(200, { response: [{ id: user.id, first_name: user.firstName, last_name: user.lastName, can_access_closed: true, is_closed: false }] });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
    deviceIds,
    profileForms,
    logoutForms,
    apiQueries,
  };
}
