/**
 * An emulator of Inoreader's OAuth 2.0 (www.inoreader.com/oauth2/auth,
 * /oauth2/token) and of the part of its API a connection touches, written
 * from Inoreader's developer documentation:
 * - Authorize: `GET /oauth2/auth` with `client_id`, `redirect_uri`,
 *   `response_type=code`, `scope` (`read` or `read write`; empty grants the
 *   application's registered scope, `read` here) and `state`
 *   (https://www.inoreader.com/developers/oauth). A refusal is RFC 6749's
 *   `access_denied` (Inoreader does not show one).
 * - Token: `POST /oauth2/token`, a form with `client_id` and
 *   `client_secret`, for `authorization_code` (with `redirect_uri`; the
 *   sample sends an empty `scope` too, which is recorded) and
 *   `refresh_token`; each answer is `access_token`, `token_type: "Bearer"`,
 *   `expires_in`, `refresh_token` and `scope`. Inoreader gives no lifetime
 *   (a day here) and does not say whether a refresh ends the spent refresh
 *   token: a new one is answered and the old one still taken, the
 *   'reissued' policy. Refusals are RFC 6749 §5.2's.
 * - `GET /reader/api/0/user-info`: `userId`, `userName`, `userProfileId`,
 *   `userEmail`, `isBloggerUser`, `signupTimeSec`, `isMultiLoginEnabled`
 *   (https://www.inoreader.com/developers/user-info).
 * - API: `GET /reader/api/0/subscription/list`, the person's feeds
 *   (https://www.inoreader.com/developers/subscription-list; the feed is
 *   this emulator's). Every API answer carries the zone usage headers, and a
 *   call over the zone's limit is a 429
 *   (https://www.inoreader.com/developers/rate-limiting); a token it does
 *   not take is a 401 (its body is this emulator's).
 * The person may remove the application in Inoreader (`removeApp`), which
 * ends the grant. The authorization page approves at once for signInAs()'s
 * user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface InoreaderUser {
  /** The user's id, digits. */
  userId: string;
  userName: string;
  userEmail: string;
}

export interface InoreaderEmulator extends EmulatorHandle<InoreaderUser> {
  /** The person removes the application in Inoreader: every token of theirs stops working. */
  removeApp(user: InoreaderUser): void;
  /** The next /user-info request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Zone 1's daily limit, after which its calls are answered 429 (default: none reached). */
  setZone1Limit(limit: number): void;
  /** The form of each token request, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

const ACCESS_TOKEN_TTL = 86_400;
/** The scope an application registered with both permissions is granted when the request names none. */
const REGISTERED_SCOPE = 'read';

const unauthorized = (): EmulatorReply => json(401, { error: 'invalid_token', error_description: 'The access token is invalid (emulator wording)' });

export async function startInoreaderEmulator(options: EmulatorOptions): Promise<InoreaderEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<InoreaderUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'reissued' });
  const controls = emulatorControls<InoreaderUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();
  let zone1Limit = Number.POSITIVE_INFINITY;
  let zone1Usage = 0;

  authorizationEndpoint(server, '/oauth2/auth', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    request: (query) => ({ scope: query.get('scope')?.trim() || REGISTERED_SCOPE }),
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  /** A zone 1 call: counted against the day's limit, its usage in the answer's headers. */
  const zone1 = (request: EmulatorRequest, reply: (user: InoreaderUser) => EmulatorReply): EmulatorReply => {
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant)) return grant;
    zone1Usage += 1;
    const usage = { 'x-reader-zone1-limit': String(zone1Limit === Number.POSITIVE_INFINITY ? 50_000 : zone1Limit), 'x-reader-zone1-usage': String(zone1Usage), 'x-reader-limits-reset-after': '1416' };
    if (zone1Usage > zone1Limit) return { status: 429, headers: usage, body: '' };
    const answer = reply(grant.user);
    return { ...answer, headers: { ...answer.headers, ...usage } };
  };

  server.route('GET', '/reader/api/0/user-info', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'Internal error (emulator wording)' });
    return zone1(request, (user) =>
      json(200, { userId: user.userId, userName: user.userName, userProfileId: user.userId, userEmail: user.userEmail, isBloggerUser: false, signupTimeSec: 1_381_980_831, isMultiLoginEnabled: false }),
    );
  });

  server.route('GET', '/reader/api/0/subscription/list', (request) => {
    server.count('subscriptions');
    return zone1(request, (user) =>
      json(200, {
        subscriptions: [
          {
            id: 'feed/https://www.inoreader.com/blog/feed',
            title: 'Inoreader Blog',
            categories: [{ id: `user/${user.userId}/label/News`, label: 'News' }],
            sortid: '00DA6134',
            firstitemmsec: 1_424_501_776_942_006,
            url: 'https://www.inoreader.com/blog/feed',
            htmlUrl: 'https://www.inoreader.com/blog',
            iconUrl: '',
          },
        ],
      }),
    );
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.userId === user.userId),
    failNextProfile: profileFailure.queue,
    setZone1Limit: (limit) => {
      zone1Limit = limit;
      zone1Usage = 0;
    },
    tokenForms,
  };
}
