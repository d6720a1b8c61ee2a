/**
 * An emulator of Close's OAuth 2.0 (app.close.com/oauth2/authorize/,
 * api.close.com/oauth2/token/, api.close.com/oauth2/revoke/) and of the
 * part of the Close API a connection touches, written from Close's
 * documentation (https://developer.close.com/api/overview/oauth-authentication,
 * https://developer.close.com/topics/authentication-oauth2,
 * https://developer.close.com/api/resources/users/get-me):
 * - Authorize: `GET /oauth2/authorize/` with `client_id`,
 *   `response_type=code` and `redirect_uri`; the user picks an organization
 *   and grants access (a code) or declines (`error=access_denied`). The
 *   grant has the OAuth app's scopes, `all.full_access offline_access`.
 * - Token: `POST /oauth2/token/`, a form with `client_id` and
 *   `client_secret` (no Basic). The answer is `token_type: "Bearer"`,
 *   `access_token`, `expires_in` (3600), `refresh_token`, `scope`,
 *   `organization_id` and `user_id`. Each refresh issues a new refresh token
 *   and revokes the old one. Refusals are RFC 6749's (`invalid_grant`;
 *   Close shows none).
 * - Revocation: `POST /oauth2/revoke/`, a form with `client_id`,
 *   `client_secret` and `token` (the refresh token): the access and refresh
 *   tokens end; 200, also for a token it no longer knows (RFC 7009 §2.2;
 *   Close shows no answer).
 * - API: `GET /api/v1/me/` (`id`, `first_name`, `last_name`, `email`,
 *   `organizations`, …) and `GET /api/v1/lead/` (`{ data, has_more }`), the
 *   token as Bearer; 401 for a token it does not take.
 * The user may disable the integration in Close (`disableIntegration`),
 * which ends the grant. The authorization page approves at once for
 * signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface CloseUser {
  /** `user_…` */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface CloseEmulator extends EmulatorHandle<CloseUser> {
  /** The user disables the integration in Close: every token of theirs stops working. */
  disableIntegration(user: CloseUser): void;
  /** The next /api/v1/me/ request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each revocation's form, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
}

const ACCESS_TOKEN_TTL = 3600;
const APP_SCOPES = 'all.full_access offline_access';
export const CLOSE_ORGANIZATION = { id: 'orga_XbVPx5fFbKlYTz9PW5Ih1XDhViV10YihIaEgMEb6fVW', name: 'Wayne Enterprises (Sample)' };

export async function startCloseEmulator(options: EmulatorOptions): Promise<CloseEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<CloseUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const controls = emulatorControls<CloseUser>(server, grants);
  const revocations: Array<Record<string, string>> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/authorize/', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    request: () => ({ scope: APP_SCOPES }),
  });

  tokenEndpoint(server, '/oauth2/token/', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ grant, tokens }) => json(200, { ...tokenMembers(tokens, grant.scope, 'Bearer'), organization_id: CLOSE_ORGANIZATION.id, user_id: grant.user.id }),
  });

  server.route('POST', '/oauth2/revoke/', (request) => {
    server.count('revoke');
    const form = request.form();
    revocations.push(Object.fromEntries(form));
    if (!formCredentials(request, options)) return oauthError(401, 'invalid_client');
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    const grant = grants.grantOfToken(token);
    if (grant && !grant.revoked) grants.revokeGrant(grant.id);
    return json(200, {});
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { error: 'The bearer token is invalid or expired.' }));

  server.route('GET', '/api/v1/me/', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'Internal server error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.id,
      first_name: user.firstName,
      last_name: user.lastName,
      email: user.email,
      image: 'https://secure.gravatar.com/avatar/0.png',
      date_created: '2024-08-29T13:46:31.870000+00:00',
      date_updated: '2026-02-08T06:17:00.583000+00:00',
      organizations: [{ id: CLOSE_ORGANIZATION.id, name: CLOSE_ORGANIZATION.name }],
      email_accounts: [],
      phone_numbers: [],
    });
  });

  server.route('GET', '/api/v1/lead/', (request) => {
    server.count('leads');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { data: [{ id: 'lead_zwqYhEFwzPyfCErS8uQ77is2wFLvr9BgVi6cTfbFM68', display_name: 'KLine', organization_id: CLOSE_ORGANIZATION.id }], has_more: false });
  });

  return {
    ...controls.handle,
    disableIntegration: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    revocations,
  };
}
