/**
 * An emulator of FACEIT Connect (`accounts.faceit.com` and the part of
 * `api.faceit.com` a connection touches), written from FACEIT's docs
 * (https://docs.faceit.com/getting-started/authentication/oauth2, FACEIT
 * Connect's documentation https://cdn.faceit.com/third_party/docs/FACEIT_Connect_3.0.pdf)
 * and its developer forum
 * (https://forums.faceit.com/t/faceit-connect-401-during-the-token-request/2100):
 * - Authorize: `GET /accounts` with `redirect_popup=true`, `client_id`,
 *   `redirect_uri`, `response_type=code`, `scope`, `state` and a PKCE
 *   challenge (S256); one without a challenge is refused as
 *   `invalid_request` (the flow is the PKCE one); an unknown client or
 *   another redirect URI is told on FACEIT's page; a person who declines
 *   goes back with `error=access_denied`.
 * - Token: `POST /auth/v1/oauth/token`, the client as HTTP Basic only (a
 *   request without it, or with the client in the form, is a 401
 *   `invalid_client`), the code with its `code_verifier`; the answer is
 *   `access_token`, `token_type: "bearer"`, `expires_in` (an hour, assumed),
 *   `refresh_token`, `scope` and an `id_token` (opaque here: the preset does
 *   not read it). A refresh answers a new refresh token and ends the one
 *   spent (assumed: FACEIT does not say; the stricter case).
 * - `GET /auth/v1/resources/userinfo` with the token as Bearer: `guid`,
 *   `nickname`, `email`, `picture`, `given_name`, `family_name`, `locale`;
 *   a token it does not take is a 401 `{ error: "invalid_token" }`, one
 *   without the profile scope a 403 `insufficient_scope` (the forum's body).
 * No revocation: removeApp() is the person removing the app in FACEIT.
 * The authorization page approves at once for signInAs()'s person.
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

export interface FaceitUser {
  /** The FACEIT account's guid (a UUID). */
  guid: string;
  nickname: string;
  email: string;
}

export interface FaceitEmulator extends EmulatorHandle<FaceitUser> {
  /** The person removes the app's access in FACEIT: every token of theirs stops working. */
  removeApp(user: FaceitUser): void;
  /** The next userinfo request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

/** FACEIT's access tokens last an hour (assumed). */
export const FACEIT_ACCESS_TOKEN_SECONDS = 3600;

const SCOPES = ['openid', 'profile', 'email', 'membership'];

export async function startFaceitEmulator(options: EmulatorOptions): Promise<FaceitEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<FaceitUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: FACEIT_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<FaceitUser>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/accounts', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      if (!query.get('code_challenge') || query.get('code_challenge_method') !== 'S256') return { error: 'invalid_request', error_description: 'code_challenge is required' };
      const asked = (query.get('scope') ?? '').split(' ').filter(Boolean);
      return asked.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined;
    },
  });

  tokenEndpoint(server, '/auth/v1/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    // HTTP Basic only: a client in the form is not read.
    authenticates: (request) => !request.form().has('client_secret') && basicAsSent(request, options),
    answer: ({ grant, tokens }) => json(200, { ...tokenMembers(tokens, grant.scope, 'bearer'), id_token: `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ guid: grant.user.guid })).toString('base64url')}.c2lnbmF0dXJl` }),
  });

  server.route('GET', '/auth/v1/resources/userinfo', (request) => {
    server.count('userinfo');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'server_error' });
    const grant = bearerGrant(grants, request, () => json(401, { error: 'invalid_token', error_description: 'Invalid access token' }));
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes('profile')) return json(403, { error: 'insufficient_scope', error_description: 'Insufficient scope for this resource', scope: grant.scope });
    const { user } = grant;
    return json(200, {
      guid: user.guid,
      nickname: user.nickname,
      ...(grant.scope.split(' ').includes('email') ? { email: user.email } : {}),
      picture: `https://assets.faceit-cdn.net/avatars/${user.guid}.jpg`,
      given_name: '',
      family_name: '',
      locale: 'en',
    });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.guid === user.guid),
    failNextProfile: profileFailure.queue,
  };
}
