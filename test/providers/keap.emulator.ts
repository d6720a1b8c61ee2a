/**
 * An emulator of Keap's OAuth (accounts.infusionsoft.com's
 * /app/oauth/authorize, api.infusionsoft.com/token) and of the part of the
 * REST API (api.infusionsoft.com/crm/rest) a connection touches, written
 * from Keap's documentation (https://developer.keap.com/getting-started-oauth-keys/,
 * https://developer.infusionsoft.com/docs/rest/) and its developer forum's
 * answers by Keap's staff (https://integration.keap.com/t/how-to-get-access-token/86529,
 * https://integration.keap.com/t/invalid-refresh-token/82597):
 * - Authorize: `GET /app/oauth/authorize` with `client_id`, `redirect_uri`,
 *   `response_type=code` and `scope=full`, the only scope; another scope is
 *   sent back as `invalid_scope`, a person who refuses as `access_denied`
 *   (neither refusal shown by Keap).
 * - Token: `POST /token`, a form. The code exchange carries `client_id`
 *   and `client_secret` in the form; a refresh carries the client as HTTP
 *   Basic alone (either refused as `invalid_client` otherwise). The answer
 *   is `access_token`, `token_type: "bearer"`, `expires_in` (86400: 24
 *   hours), `refresh_token` and `scope`. Each refresh answers a new pair and
 *   the spent refresh token is refused; a refresh token ends 45 days after
 *   it was issued. A refresh token it does not take is answered 400
 *   `{ error: "invalid_request", error_description: "Invalid Refresh Token" }`
 *   as the forum shows it; other refusals are RFC 6749's.
 * - API (under /crm/rest): `GET /v1/oauth/connect/userinfo` (`sub`,
 *   `global_user_id`, `given_name`, `family_name`, `email`,
 *   `infusionsoft_id`, …) and `GET /v1/contacts`, the token as Bearer;
 *   401 for a token it does not take. No revocation endpoint.
 * The person may remove the app's access in Keap (`removeApp`), which ends
 * the grant. The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent, formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface KeapUser {
  /** The Keap user across every Keap app, an integer. */
  globalUserId: number;
  givenName: string;
  familyName: string;
  email: string;
}

export interface KeapEmulator extends EmulatorHandle<KeapUser> {
  /** The person removes the app's access in Keap: every token of theirs stops working. */
  removeApp(user: KeapUser): void;
  /** The next userinfo request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

const ACCESS_TOKEN_TTL = 86_400;
const REFRESH_TOKEN_TTL = 45 * 86_400;
/** The Keap app the person authorizes the client on. */
export const KEAP_APP = 'xy123.infusionsoft.com';

export async function startKeapEmulator(options: EmulatorOptions): Promise<KeapEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<KeapUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
  });
  const controls = emulatorControls<KeapUser>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/app/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => (requestedScopes(query).some((scope) => scope !== 'full') ? { error: 'invalid_scope' } : undefined),
  });

  tokenEndpoint(server, '/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    // The code exchange with the client in the form; a refresh with the client as Basic, the form carrying none.
    authenticates: (request) =>
      request.form().get('grant_type') === 'refresh_token'
        ? basicAsSent(request, options) && !request.form().has('client_secret')
        : formCredentials(request, options) && request.headers.authorization === undefined,
    pkce: false,
    errors: { refreshToken: () => json(400, { error: 'invalid_request', error_description: 'Invalid Refresh Token' }) },
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'bearer')),
  });

  const unauthorized = () => json(401, { fault: { faultstring: 'Invalid Access Token', detail: { errorcode: 'keymanagement.service.invalid_access_token' } } });
  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/crm/rest/v1/oauth/connect/userinfo', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { message: 'Internal Server Error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      email: user.email,
      family_name: user.familyName,
      given_name: user.givenName,
      global_user_id: user.globalUserId,
      infusionsoft_id: KEAP_APP,
      is_admin: true,
      middle_name: '',
      preferred_name: `${user.givenName} ${user.familyName}`,
      sub: String(user.globalUserId),
    });
  });

  server.route('GET', '/crm/rest/v1/contacts', (request) => {
    server.count('contacts');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      contacts: [{ id: 4021, given_name: 'Jane', family_name: 'Customer', email_addresses: [{ email: 'jane@example.com', field: 'EMAIL1' }] }],
      count: 1,
      next: null,
      previous: null,
    });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.globalUserId === user.globalUserId),
    failNextProfile: profileFailure.queue,
  };
}
