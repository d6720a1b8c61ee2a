/**
 * An emulator of signNow's OAuth 2.0 (the authorization page on `https://app.signnow.com`, the token endpoint on
 * `https://api.signnow.com`) and of the part of its REST API a connection touches, written from signNow's pages:
 * - Authorize: `GET /authorize` with `client_id`, `redirect_uri` and `response_type=code`, all three required,
 *   sending the person back with a `code` (https://docs.signnow.com/code-examples/three-legged-oauth); no scope and
 *   no PKCE are documented there. A person who declines is sent back with `error=access_denied`, one of the
 *   authentication errors signNow names (https://help.signnow.com/docs/getting-started).
 * - Token: `POST /oauth2/token` with the client as a Basic Authorization token alone (a client in the form is
 *   `invalid_client`), `grant_type` and the `code` or `refresh_token`, a missing one `invalid_request`
 *   (https://docs.signnow.com/sn/ref/oauth); answered with `expires_in` 2592000 (30 days), `token_type: "bearer"`,
 *   `access_token`, `refresh_token`, `scope: "*"` and `last_login`, as the reference's example.
 * - `GET /user`, the user the token acts for (https://docs.signnow.com/sn/ref/user), also the proxy's route here;
 *   a token the API does not take is `{ "error": "invalid_token" }` (https://help.signnow.com/docs/getting-started).
 * Not on signNow's pages, so assumed here: a refresh answers a new refresh token and ends the spent one (the
 * stricter case, refused afterwards); a spent code or refresh token is RFC 6749 §5.2's `invalid_grant`; the 401
 * status of a token not taken. removeAccess() is the person taking the application's access away in signNow.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface SignNowUser {
  /** The user's id, 40 hex digits. */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface SignNowEmulator extends EmulatorHandle<SignNowUser> {
  /** The person takes the application's access away in signNow: every token of theirs stops working. */
  removeAccess(user: SignNowUser): void;
  /** The next /user request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as signNow read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** signNow's access tokens last 30 days, as its reference's example answers. */
export const SIGNNOW_ACCESS_TOKEN_SECONDS = 2592000;

export async function startSignNowEmulator(options: EmulatorOptions): Promise<SignNowEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SignNowUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: SIGNNOW_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<SignNowUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return basicAsSent(request, options);
    },
    pkce: false,
    refuseCode: (form) => (form.get('code') ? undefined : oauthError(400, 'invalid_request')),
    refuseRefresh: (presented) => (presented ? undefined : oauthError(400, 'invalid_request')),
    answer: ({ tokens }) => json(200, { ...tokenMembers(tokens, '*', 'bearer'), last_login: 1 }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { error: 'invalid_token' }));

  server.route('GET', '/user', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { errors: [{ code: 65536, message: 'Internal server error' }] });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.id,
      first_name: user.firstName,
      last_name: user.lastName,
      active: '1',
      verified: true,
      type: 1,
      pro: 0,
      created: '1532078494',
      emails: [user.email],
      primary_email: user.email,
      subscriptions: [],
      credits: 0,
      is_logged_in: true,
      document_count: 3,
      teams: [],
    });
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
