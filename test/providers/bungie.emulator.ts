/**
 * An emulator of Bungie.net's OAuth and of the part of the Bungie.Net API a connection touches, written from
 * Bungie's docs (https://github.com/Bungie-net/api/wiki/OAuth-Documentation, https://bungie-net.github.io):
 * - Authorize: `GET /en/OAuth/Authorize` with `client_id`, `response_type=code`, `state` and, if sent, the one
 *   `redirect_uri` registered; the scope is the application's, and a request that names one is refused
 *   (`invalid_scope`), as the documentation says it must be omitted. A person who refuses goes back with
 *   `error=access_denied`.
 * - Token: `POST /Platform/App/OAuth/token/`, a form, the Confidential client authenticated as RFC 6749 §2.3.1
 *   has it (its secret as the password, by HTTP Basic or in the form); a `scope` is refused here too. The answer is `access_token`, `token_type`, `expires_in` (an hour),
 *   `refresh_token`, `refresh_expires_in` (90 days) and `membership_id`. A refresh answers a new refresh token and
 *   the used one is refused after it; one left unused 90 days ends. Refusals are RFC 6749's (400 `invalid_grant`,
 *   401 `invalid_client`), which Bungie's pages do not show.
 * - API (under /Platform, every answer wrapped as `{ Response, ErrorCode, ThrottleSeconds, ErrorStatus, Message,
 *   MessageData }`): every request needs the application's `X-API-Key` (else 401 `ApiInvalidOrExpiredKey`) and,
 *   for the person's data, the Bearer token (else 401 `WebAuthRequired`). `GET /User/GetMembershipsForCurrentUser/`
 *   answers User.UserMembershipData; `GET /Destiny2/{membershipType}/Profile/{membershipId}/` a Destiny profile.
 * The person removes the application in their Bungie.net settings (`removeApp`). The authorization page approves at
 * once for signInAs()'s person.
 */
import { redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface BungieUser {
  /** The Bungie.net membership id (an int64, as a string). */
  membershipId: string;
  /** The Bungie Name's two parts. */
  globalName: string;
  nameCode: number;
  /** The Destiny 2 membership on Steam (type 3). */
  destinyMembershipId: string;
}

export interface BungieEmulatorOptions extends EmulatorOptions {
  apiKey: string;
}

export interface BungieEmulator extends EmulatorHandle<BungieUser> {
  /** The person removes the application in their Bungie.net settings: none of its tokens works. */
  removeApp(user: BungieUser): void;
  /** The X-API-Key of each API request, in order (undefined: none). */
  readonly apiKeys: ReadonlyArray<string | undefined>;
  /** The form of each token request, in order. */
  readonly tokenForms: readonly URLSearchParams[];
}

const ACCESS_TOKEN_TTL = 3600;
const REFRESH_TOKEN_IDLE_TTL = 90 * 86_400;

/** Bungie's answer envelope around `response`, with the platform's error code and status. */
function envelope(status: number, response: unknown, errorCode = 1, errorStatus = 'Success', message = 'Ok'): EmulatorReply {
  return json(status, { Response: response, ErrorCode: errorCode, ThrottleSeconds: 0, ErrorStatus: errorStatus, Message: message, MessageData: {} });
}

export async function startBungieEmulator(options: BungieEmulatorOptions): Promise<BungieEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<BungieUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating', refreshTokenIdleTtl: REFRESH_TOKEN_IDLE_TTL, ...(options.now ? { now: options.now } : {}) });
  const controls = emulatorControls<BungieUser>(server, grants);
  const apiKeys: Array<string | undefined> = [];
  const tokenForms: URLSearchParams[] = [];

  server.route('GET', '/en/OAuth/Authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Invalid client</h1>');
    const sent = query.get('redirect_uri');
    if (sent !== null && sent !== options.redirectUri) return html(400, '<h1>Invalid redirect_uri</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    if (query.has('scope')) return reply({ error: 'invalid_scope', error_description: 'The scope is set on the application.' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: '', codeChallenge: undefined, codeChallengeMethod: undefined, user }) });
  });

  tokenEndpoint(server, '/Platform/App/OAuth/token/', {
    client: options,
    grants,
    screen: (request) => {
      tokenForms.push(request.form());
      return undefined;
    },
    failure: { queued: controls.tokenFailure },
    pkce: false,
    refuseCode: (form) => (form.has('scope') ? oauthError(400, 'invalid_scope', 'The scope is set on the application.') : undefined),
    refuseRefresh: (_presented, form) => (form.has('scope') ? oauthError(400, 'invalid_scope', 'The scope is set on the application.') : undefined),
    errors: {
      client: () => oauthError(401, 'invalid_client'),
      code: () => oauthError(400, 'invalid_grant', 'AuthorizationCodeInvalid'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'AuthorizationRecordRevoked'),
    },
    answer: ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'Bearer',
        expires_in: tokens.expiresIn,
        refresh_token: tokens.refreshToken,
        refresh_expires_in: REFRESH_TOKEN_IDLE_TTL,
        membership_id: grant.user.membershipId,
      }),
  });

  /** The live grant of the request, or the platform's refusal: no API key, then no (live) Bearer token. */
  const apiGrant = (request: EmulatorRequest): Grant<BungieUser> | EmulatorReply => {
    const key = request.headers['x-api-key'];
    apiKeys.push(typeof key === 'string' ? key : undefined);
    if (key !== options.apiKey) return envelope(401, null, 2101, 'ApiInvalidOrExpiredKey', 'The API key is invalid or expired.');
    return grants.grantOfAccessToken(request.bearer() ?? '') ?? envelope(401, null, 99, 'WebAuthRequired', 'Please sign-in to continue.');
  };
  const isGrant = (value: Grant<BungieUser> | EmulatorReply): value is Grant<BungieUser> => 'user' in value;

  server.route('GET', '/Platform/User/GetMembershipsForCurrentUser/', (request) => {
    server.count('memberships');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return envelope(200, {
      destinyMemberships: [{ LastSeenDisplayName: user.globalName, iconPath: '/img/theme/bungienet/icons/steamLogo.png', crossSaveOverride: 0, applicableMembershipTypes: [3], isPublic: true, membershipType: 3, membershipId: user.destinyMembershipId, displayName: user.globalName, bungieGlobalDisplayName: user.globalName, bungieGlobalDisplayNameCode: user.nameCode }],
      bungieNetUser: {
        membershipId: user.membershipId,
        uniqueName: user.membershipId,
        displayName: user.globalName,
        profilePicture: 70651,
        isDeleted: false,
        about: '',
        locale: 'en',
        profilePicturePath: '/img/profile/avatars/cc21.jpg',
        cachedBungieGlobalDisplayName: user.globalName,
        cachedBungieGlobalDisplayNameCode: user.nameCode,
      },
    });
  });

  server.route('GET', '/Platform/Destiny2/:membershipType/Profile/:membershipId/', (request) => {
    server.count('profile');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { membershipType, membershipId } = request.params;
    if (membershipId !== grant.user.destinyMembershipId) return envelope(200, { profile: { privacy: 2 } });
    return envelope(200, { profile: { data: { userInfo: { membershipType: Number(membershipType), membershipId, displayName: grant.user.globalName }, characterIds: ['2305843009301234567'] }, privacy: 1 } });
  });

  return {
    ...controls.handle,
    apiKeys,
    tokenForms,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.membershipId === user.membershipId),
  };
}
