/**
 * An emulator of SoundCloud's OAuth 2.1 server (`https://secure.soundcloud.com`)
 * and of the part of its API a connection touches (`https://api.soundcloud.com`),
 * written from SoundCloud's API guide
 * (https://developers.soundcloud.com/docs/api/guide#authentication):
 * - Authorize: `GET /authorize` with `client_id`, `redirect_uri` (the one
 *   registered), `response_type=code` (the only one left:
 *   https://developers.soundcloud.com/blog/security-updates-api), `state`
 *   and PKCE, required: `code_challenge` with `code_challenge_method=S256`
 *   (https://developers.soundcloud.com/blog/oauth-migration). There are no
 *   scopes. A person who declines is sent back with `error=access_denied`.
 * - Token: `POST /oauth/token`, a form with the client's `client_id` and
 *   `client_secret` (the guide's authorization-code and refresh examples) or
 *   Basic credentials (its client-credentials example). The answer is
 *   `{ access_token, token_type: "bearer", expires_in: 3599, refresh_token,
 *   scope: "" }` as SoundCloud's answers are shown
 *   (https://github.com/soundcloud/api/issues/273): tokens of about an hour,
 *   and single-use refresh tokens, each refresh answering a new one
 *   (https://developers.soundcloud.com/docs/llm-context). Refusals are
 *   RFC 6749 §5.2's, as SoundCloud's tracker shows `invalid_grant` and
 *   `invalid_client` (https://github.com/soundcloud/api/issues/339); how long
 *   a refresh token lasts unused is not documented, so it does not end here.
 * - `GET /me` on the API answers the authenticated user: `id`, `urn`
 *   (`soundcloud:users:{id}`), `username`, `full_name`, `avatar_url`,
 *   `permalink_url`…, no e-mail; `GET /me/tracks` a list of tracks. The
 *   token is taken as `Authorization: OAuth {token}`, the guide's form, or as
 *   `Bearer`, which SoundCloud added in 2021
 *   (https://github.com/soundcloud/api/issues/109); any other answer is the
 *   401 `{ code, message, link, status, errors, error }` SoundCloud answers
 *   (https://github.com/soundcloud/api/issues/89).
 * - No revocation: the person removes the app in their SoundCloud settings
 *   (removeApp), which ends every token of it.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface SoundCloudUser {
  id: number;
  username: string;
  full_name: string;
}

export interface SoundCloudEmulator extends EmulatorHandle<SoundCloudUser> {
  /** The person removes the app in their SoundCloud settings: every grant they gave it ends. */
  removeApp(userId: number): void;
  /** The next GET /me fails with this HTTP status. */
  failNextMe(status: number): void;
}

const ACCESS_TOKEN_TTL = 3599;

export async function startSoundCloudEmulator(options: EmulatorOptions): Promise<SoundCloudEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SoundCloudUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
  });
  const controls = emulatorControls<SoundCloudUser>(server, grants);
  const meFailure = queuedFailure();

  authorizationEndpoint(server, '/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid client or redirect URI',
    refuse: (query) => (!query.get('code_challenge') || query.get('code_challenge_method') !== 'S256' ? { error: 'invalid_request', error_description: 'PKCE is required: code_challenge and code_challenge_method=S256' } : undefined),
    denied: { error: 'access_denied', error_description: 'The user denied access to the application' },
    request: () => ({ scope: '' }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: { clientId: options.clientId, clientSecret: options.clientSecret },
    grants,
    failure: { queued: controls.tokenFailure },
    errors: { client: () => oauthError(401, 'invalid_client', 'Client authentication failed') },
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'bearer', expires_in: ACCESS_TOKEN_TTL, refresh_token: tokens.refreshToken, scope: '' }),
  });

  const unauthorized = (): EmulatorReply => json(401, { code: 401, message: '', link: 'https://developers.soundcloud.com/docs/api/explorer/open-api', status: '401 - Unauthorized', errors: [], error: null });
  /** The grant of the request's token, sent as `OAuth` or `Bearer`. */
  const apiGrant = (request: EmulatorRequest): Grant<SoundCloudUser> | undefined => {
    const token = /^(?:OAuth|Bearer) (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    return token === undefined ? undefined : grants.grantOfAccessToken(token);
  };
  const userJson = (user: SoundCloudUser) => ({
    id: user.id,
    urn: `soundcloud:users:${user.id}`,
    kind: 'user',
    username: user.username,
    full_name: user.full_name,
    permalink: user.username.toLowerCase(),
    permalink_url: `https://soundcloud.com/${user.username.toLowerCase()}`,
    avatar_url: `https://i1.sndcdn.com/avatars-${user.id}-large.jpg`,
    city: 'Berlin',
    country: 'Germany',
    followers_count: 12,
    track_count: 1,
  });

  server.route('GET', '/me', (request) => {
    server.count('me');
    const status = meFailure.take();
    if (status !== undefined) return html(status, '<h1>Internal Server Error</h1>');
    const grant = apiGrant(request);
    return grant ? json(200, userJson(grant.user)) : unauthorized();
  });

  server.route('GET', '/me/tracks', (request) => {
    server.count('me_tracks');
    const grant = apiGrant(request);
    if (!grant) return unauthorized();
    const track = { id: 1_234_567, urn: 'soundcloud:tracks:1234567', kind: 'track', title: `${grant.user.full_name} – First Demo`, user: userJson(grant.user), duration: 215_000, access: 'playable' };
    return json(200, [track]);
  });

  return {
    ...controls.handle,
    removeApp: (userId) => grants.revokeGrantsOf((someone) => someone.id === userId),
    failNextMe: meFailure.queue,
  };
}
