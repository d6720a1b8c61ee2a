/**
 * An emulator of Snapchat Login Kit's OAuth 2.0 (accounts.snapchat.com) and of its user API (kit.snapchat.com/v1/me),
 * written from Snap's pages (https://developers.snap.com/snap-kit/login-kit/overview,
 * https://developers.snap.com/snap-kit/login-kit/Tutorials/web,
 * https://developers.snap.com/reference/LoginKit/android/com/snap/loginkit/UserDataQuery.Builder.html):
 * - Authorize: `GET /accounts/oauth2/auth` with `client_id`, `redirect_uri`, `response_type=code`, `state` and the
 *   Login Kit scopes as full URLs (`…/user.display_name`, `…/user.external_id`, `…/user.bitmoji.avatar`); a scope
 *   that is none of them is sent back as `invalid_scope`. PKCE is checked when a challenge was sent.
 * - Token: `POST /accounts/oauth2/token`, the client as HTTP Basic (its id and secret as they are) and a form with
 *   `grant_type`, `code` and `redirect_uri`; JSON `access_token`, `token_type: "Bearer"`, `expires_in` (3600, the
 *   hour Snap gives a token), `refresh_token` and `scope`. A refresh answers a new refresh token and the spent one
 *   keeps working (the 'reissued' policy), as nothing says it ends. Refusals are RFC 6749 §5.2's.
 * - User API: `POST /v1/me` with a JSON `{ query }` and the token as Bearer; `me` answers `{ data: { me } }` with
 *   what the query names of `externalId`, `displayName` and `bitmoji { avatar }` (the Bitmoji only when that scope
 *   was granted, else a GraphQL error).
 * Made up here (Snap's pages as read do not say): the endpoints' paths past the hosts and the Basic client, as
 * Snapchat integrations use them; the 401 body for a token the API does not take and the 400 for a query it cannot
 * read. removeApp() is the user removing the app in Snapchat's Connected Apps. The authorization page approves at
 * once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface SnapchatUser {
  /** The user's external id for the app (Snap's is a base64-looking text). */
  externalId: string;
  displayName: string;
}

export interface SnapchatEmulator extends EmulatorHandle<SnapchatUser> {
  /** The user removes the app in Snapchat's Connected Apps: none of their tokens works. */
  removeApp(user: SnapchatUser): void;
  /** The next `me` query fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The query of each `/v1/me` request, in order. */
  readonly queries: ReadonlyArray<string>;
}

export const SNAPCHAT_ACCESS_TOKEN_SECONDS = 3600;
const SCOPE = 'https://auth.snapchat.com/oauth2/api/';
const KNOWN_SCOPES = new Set([`${SCOPE}user.display_name`, `${SCOPE}user.external_id`, `${SCOPE}user.bitmoji.avatar`]);

const graphqlError = (status: number, message: string) => json(status, { errors: [{ message }], data: null });

export async function startSnapchatEmulator(options: EmulatorOptions): Promise<SnapchatEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SnapchatUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: SNAPCHAT_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<SnapchatUser>(server, grants);
  const queries: string[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/accounts/oauth2/auth', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => ((query.get('scope') ?? '').split(' ').every((scope) => KNOWN_SCOPES.has(scope)) ? undefined : { error: 'invalid_scope' }),
  });

  tokenEndpoint(server, '/accounts/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options),
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  server.route('POST', '/v1/me', (request) => {
    server.count('me');
    const body = request.json() as { query?: unknown } | null;
    const query = typeof body?.query === 'string' ? body.query : '';
    queries.push(query);
    const status = profileFailure.take();
    if (status !== undefined) return graphqlError(status, 'Internal server error');
    const grant = bearerGrant(grants, request, () => graphqlError(401, 'Unauthorized'));
    if (!isGrant(grant)) return grant;
    if (!/^\s*(query\s*)?\{\s*me\s*\{[^{}]*(\{[^{}]*\}[^{}]*)*\}\s*\}\s*$/.test(query)) return graphqlError(400, 'Invalid query');
    const { user, scope } = grant;
    const granted = new Set(scope.split(' '));
    if (/\bbitmoji\b/.test(query) && !granted.has(`${SCOPE}user.bitmoji.avatar`)) return graphqlError(403, 'Insufficient scope for bitmoji');
    const me: Record<string, unknown> = {};
    if (/\bexternalId\b/.test(query)) me.externalId = user.externalId;
    if (/\bdisplayName\b/.test(query)) me.displayName = user.displayName;
    if (/\bbitmoji\b/.test(query)) me.bitmoji = { avatar: `https://sdk.bitmoji.com/render/panel/${encodeURIComponent(user.externalId)}.png` };
    return json(200, { data: { me } });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.externalId === user.externalId),
    failNextProfile: profileFailure.queue,
    queries,
  };
}
