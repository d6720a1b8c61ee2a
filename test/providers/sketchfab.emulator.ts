/**
 * An emulator of Sketchfab Login (sketchfab.com/oauth2/) and of the part of
 * its Data API v3 a connection touches, on one host, written from
 * Sketchfab's pages (https://sketchfab.com/developers/oauth,
 * https://docs.sketchfab.com/data-api/v3/index.html):
 * - Authorize: `GET /oauth2/authorize/` (with its trailing slash) with
 *   `response_type=code`, `client_id` (else an error page), `redirect_uri`
 *   (the app's, else an error page) and `state`; no scope is read: the grant
 *   is `read write`. A person who declines comes back with
 *   `error=access_denied`. No PKCE is read.
 * - Token: `POST /oauth2/token/`, a form with `grant_type`, `client_id`,
 *   `client_secret` and `code` with `redirect_uri`, or `refresh_token`: only
 *   the form authenticates the client here. The answer is `access_token`,
 *   `token_type: "Bearer"`, `expires_in` (a month, 2592000 s, assumed),
 *   `refresh_token` and `scope`. Each refresh answers a new refresh token;
 *   the used one is then refused (the strict reading, assumed). A code or
 *   refresh token it does not take is 400 `invalid_grant`, a client it does
 *   not know 401 `invalid_client` (RFC 6749 §5.2's bare `error`, assumed).
 * - API: JSON, the token as `Authorization: Bearer`; a token it does not
 *   take is 401 `{ detail }` (the status and body assumed). `GET /v3/me`
 *   answers the person (`uid`, `username`, `displayName`, `email`,
 *   `profileUrl`, `account`, …); `GET /v3/me/models` their models, paginated
 *   with `next`, `previous` and `cursors`.
 * There is no revocation endpoint. The person may remove the app on
 * Sketchfab (`removeApp`), which ends its grants. The authorization page
 * approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface SketchfabUser {
  /** Sketchfab's user uid, 32 hex digits. */
  uid: string;
  username: string;
  displayName: string;
  email: string;
}

export interface SketchfabEmulator extends EmulatorHandle<SketchfabUser> {
  /** The person removes the app on Sketchfab: every token of theirs stops working. */
  removeApp(user: SketchfabUser): void;
  /** The form of each token request answered with tokens, in order. */
  readonly tokenForms: ReadonlyArray<Record<string, string>>;
}

const ACCESS_TOKEN_TTL = 30 * 24 * 60 * 60;

export async function startSketchfabEmulator(options: EmulatorOptions): Promise<SketchfabEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SketchfabUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<SketchfabUser>(server, grants);
  const tokenForms: Array<Record<string, string>> = [];

  authorizationEndpoint(server, '/oauth2/authorize/', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'Invalid client_id parameter value.', redirectUri: 'Mismatching redirect URI.' },
    pkce: false,
    request: () => ({ scope: 'read write' }),
  });

  tokenEndpoint(server, '/oauth2/token/', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Server Error</h1>') },
    authenticates: (request: EmulatorRequest) => formCredentials(request, options),
    errors: {
      client: () => oauthError(401, 'invalid_client'),
      refreshToken: () => oauthError(400, 'invalid_grant'),
      code: () => oauthError(400, 'invalid_grant'),
    },
    answer: ({ grant, tokens, form }) => {
      tokenForms.push(Object.fromEntries(form));
      return json(200, tokenMembers(tokens, grant.scope, 'Bearer'));
    },
  });

  const authorized = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { detail: 'Invalid token.' }));

  server.route('GET', '/v3/me', (request) => {
    server.count('me');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    const { uid, username, displayName, email } = grant.user;
    return json(200, { uid, username, displayName, email, profileUrl: `https://sketchfab.com/${username}`, account: 'basic', modelCount: 1, followerCount: 0, uri: `https://api.sketchfab.com/v3/users/${uid}` });
  });

  server.route('GET', '/v3/me/models', (request) => {
    server.count('models');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    return json(200, { next: null, previous: null, cursors: { next: null, previous: null }, results: [{ uid: 'c0ffee00c0ffee00c0ffee00c0ffee00', name: 'Teapot', user: { uid: grant.user.uid, username: grant.user.username } }] });
  });

  return {
    ...controls.handle,
    tokenForms,
    removeApp: (user) => {
      for (const grant of grants.allGrants()) if (grant.user.uid === user.uid) grants.revokeGrant(grant.id);
    },
  };
}
