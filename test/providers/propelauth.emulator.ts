/**
 * An emulator of one PropelAuth environment as an OAuth 2.0 provider for its end users, at its Auth URL, written from
 * PropelAuth's pages (https://docs.propelauth.com/reference/api/oauth2,
 * https://docs.propelauth.com/overview/authentication/oauth2):
 * - `GET /propelauth/oauth/authorize` with the OAuth Config's `client_id` and one of its redirect URIs,
 *   `response_type=code` and `state` (all four required), and optionally a PKCE challenge (S256); no scope;
 * - `POST /propelauth/oauth/token` with the client as HTTP Basic: a code, or a refresh token, is exchanged for a new
 *   access token and a new refresh token.
 * Made up here: `GET /propelauth/oauth/userinfo` with the token as Bearer and its members (`user_id`, `email`,
 * `first_name`, `last_name`, `username`, `picture_url`, `org_id_to_org_info`, as PropelAuth's libraries call and
 * read it), a 30-minute access token, the spent refresh token refused after a refresh, a missing `state` refused
 * with `invalid_request`, the error pages and refusals (RFC 6749's bare errors), and userinfo's refusal of a token
 * (401). There is no revocation for the client
 * (the Backend API's logout takes the environment's API key). The authorization page approves at once for
 * signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface PropelAuthUser {
  /** The user's id in the environment (a UUID). */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface PropelAuthEmulator extends EmulatorHandle<PropelAuthUser> {
  /** The person is logged out everywhere (or deleted) in PropelAuth: every token of theirs stops working. */
  logOutEverywhere(user: PropelAuthUser): void;
  /** The next /propelauth/oauth/userinfo request fails with this HTTP status. */
  failNextUserinfoRequest(status: number): void;
}

/** The access tokens' lifetime here (PropelAuth's pages give none; the answer's `expires_in` is what is kept). */
export const PROPELAUTH_ACCESS_TOKEN_SECONDS = 1800;

export async function startPropelAuthEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<PropelAuthEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<PropelAuthUser>({ accessTokenTtl: PROPELAUTH_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<PropelAuthUser>(server, grants);
  const userinfoFailure = queuedFailure();

  authorizationEndpoint(server, '/propelauth/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => (query.get('state') ? undefined : { error: 'invalid_request' }),
  });

  /** The client as HTTP Basic alone, as the token endpoint's reference shows it. */
  const basicClient = (request: EmulatorRequest) => {
    const basic = request.basicAuth();
    return basic?.username === options.clientId && basic.password === options.clientSecret;
  };

  tokenEndpoint(server, '/propelauth/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: basicClient,
    answer: ({ tokens }) => json(200, tokenMembers(tokens, undefined, 'Bearer')),
  });

  server.route('GET', '/propelauth/oauth/userinfo', (request) => {
    server.count('userinfo');
    const status = userinfoFailure.take();
    if (status !== undefined) return json(status, { error: 'server_error' });
    const grant = bearerGrant(grants, request, () => json(401, { error: 'invalid_token' }));
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      user_id: user.id,
      email: user.email,
      first_name: user.firstName,
      last_name: user.lastName,
      username: user.firstName.toLowerCase(),
      picture_url: `https://img.propelauth.com/${user.id}.png`,
      org_id_to_org_info: {},
    });
  });

  return {
    ...controls.handle,
    logOutEverywhere: (user) => grants.revokeGrantsOf((holder) => holder.id === user.id),
    failNextUserinfoRequest: userinfoFailure.queue,
  };
}
