/**
 * An emulator of Chatwork's OAuth 2.0 (www.chatwork.com/packages/oauth2/login.php, oauth.chatwork.com/token) and of
 * the part of API v2 a connection touches, written from Chatwork's pages (https://developer.chatwork.com/docs/oauth,
 * and the documentation and RAML spec Chatwork published at https://github.com/chatwork/api):
 * - Consent screen: `GET /packages/oauth2/login.php` with `response_type=code`, `client_id`, `redirect_uri`, `scope`
 *   (required, from the scope list), `state`, and optionally `code_challenge` and `code_challenge_method`; approved,
 *   a code comes back with the state; denied, `error=access_denied` with the state.
 * - Token: `POST /token` (on oauth.chatwork.com), the client as HTTP Basic only; `code_verifier` is required when
 *   the code was issued with a challenge. JSON with `access_token` (15 minutes), `refresh_token`,
 *   `token_type: "Bearer"`, `expires_in` and `scope`; refusals are `error` and `error_description`.
 * - API v2: the token as Bearer; a revoked or invalid token is a 401 with the error in `WWW-Authenticate` and
 *   `{ "errors": ["Invalid API token"] }`. `GET /v2/me` (scope `users.profile.me:read` or `users.all:read`) answers
 *   the account: `account_id`, `room_id`, `name`, `chatwork_id`, the organization, `mail`, `login_mail`,
 *   `avatar_image_url`…
 * Made up here (Chatwork's pages do not say): how a missing or unknown scope is sent back (`invalid_scope`); the
 * PKCE method checked (S256); a refresh rotating the refresh token (the spent one then refused); the 403 for a token
 * short of a route's scope (RFC 6750's `insufficient_scope`); the pages for an unknown client or redirect URI.
 * removeApp() is the person removing the client's access in Chatwork. The consent screen approves at once for
 * signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface ChatworkUser {
  /** The account ID. */
  accountId: number;
  name: string;
  /** The optional Chatwork ID the person sets (empty when unset). */
  chatworkId: string;
  loginMail: string;
}

export interface ChatworkEmulator extends EmulatorHandle<ChatworkUser> {
  /** The person removes the client's access in Chatwork: every token of theirs stops working. */
  removeApp(user: ChatworkUser): void;
  /** The next /v2/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

/** Chatwork's access tokens last 15 minutes. */
export const CHATWORK_ACCESS_TOKEN_SECONDS = 15 * 60;

/** The scopes of Chatwork's list (the Appendix), the umbrella ones included. */
const SCOPES = new Set([
  'offline_access', 'users.all:read', 'users.profile.me:read', 'users.status.me:read', 'users.tasks.me:read',
  'rooms.all:read_write', 'rooms.all:read', 'rooms.all:write', 'rooms:write', 'rooms.info:read', 'rooms.info:write',
  'rooms.members:read', 'rooms.members:write', 'rooms.messages:read', 'rooms.messages:write', 'rooms.tasks:read',
  'rooms.tasks:write', 'rooms.files:read', 'contacts.all:read_write', 'contacts.all:read', 'contacts.all:write',
]);

const invalidToken = () => json(401, { errors: ['Invalid API token'] }, { 'www-authenticate': 'Bearer error="invalid_token", error_description="The access token is invalid"' });
const insufficientScope = () => json(403, { errors: ['Insufficient scope'] }, { 'www-authenticate': 'Bearer error="insufficient_scope"' });

const granted = (grant: Grant<ChatworkUser>, ...anyOf: string[]) => grant.scope.split(' ').some((scope) => anyOf.includes(scope));

export async function startChatworkEmulator(options: EmulatorOptions): Promise<ChatworkEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ChatworkUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: CHATWORK_ACCESS_TOKEN_SECONDS, refreshTokenTtl: 14 * 86400, refreshPolicy: 'rotating' });
  const controls = emulatorControls<ChatworkUser>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/packages/oauth2/login.php', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const scopes = (query.get('scope') ?? '').split(' ').filter(Boolean);
      if (scopes.length === 0 || !scopes.every((scope) => SCOPES.has(scope))) return { error: 'invalid_scope' };
      const method = query.get('code_challenge_method');
      if (query.has('code_challenge') && method !== 'S256') return { error: 'invalid_request' };
      return undefined;
    },
  });

  tokenEndpoint(server, '/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options),
    errors: { client: () => oauthError(401, 'invalid_client', 'client authentication failed') },
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, invalidToken);

  server.route('GET', '/v2/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { errors: ['Internal Server Error'] });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!granted(grant, 'users.profile.me:read', 'users.all:read')) return insufficientScope();
    const { user } = grant;
    return json(200, {
      account_id: user.accountId,
      room_id: 322000 + user.accountId,
      name: user.name,
      chatwork_id: user.chatworkId,
      organization_id: 101,
      organization_name: 'Hello Company',
      department: 'Marketing',
      title: '',
      url: '',
      introduction: '',
      mail: '',
      tel_organization: '',
      tel_extension: '',
      tel_mobile: '',
      skype: '',
      facebook: '',
      twitter: '',
      avatar_image_url: `https://appdata.chatwork.com/avatar/${user.accountId}.png`,
      login_mail: user.loginMail,
    });
  });

  server.route('GET', '/v2/rooms', (request) => {
    server.count('rooms');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!granted(grant, 'rooms.info:read', 'rooms.all:read', 'rooms.all:read_write')) return insufficientScope();
    return json(200, [{ room_id: 123, name: 'Group Chat Name', type: 'group', role: 'admin', sticky: false, unread_num: 10, mention_num: 1, mytask_num: 0, message_num: 122, file_num: 10, task_num: 17, icon_path: 'https://example.com/ico_group.png', last_update_time: 1298905200 }]);
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.accountId === user.accountId),
    failNextProfile: profileFailure.queue,
  };
}
