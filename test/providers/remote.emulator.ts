/**
 * An emulator of Remote's gateway (`https://gateway.remote.com`): its OAuth 2.0 authorization server for API
 * Partners and the part of its API a connection touches, written from Remote's developer docs:
 * - Authorize: `GET /auth/oauth2/authorize` with `client_id` and `redirect_uri`, both required, the redirect URI
 *   one registered exactly; the Company Admin is sent back with a `code`
 *   (https://developer.remote.com/docs/authorization-code-flow). No scope or PKCE is read; a person who declines is
 *   sent back with RFC 6749's `error=access_denied` (Remote shows no wording).
 * - Token: `POST /auth/oauth2/token`, a form, the client as HTTP Basic of `<client_id>:<client_secret>` as they are,
 *   the only way Remote shows (https://developer.remote.com/docs/client-credentials-flow-for-partners): a client in
 *   the form alone is refused. Access tokens last 3600 seconds
 *   (https://developer.remote.com/docs/authentication-for-partners); a refresh answers `access_token`, the same
 *   `refresh_token`, `expires_in` and `token_type: "Bearer"` (https://developer.remote.com/docs/refresh-token-flow),
 *   the refresh token lasting (the 'static' policy). Refusals are RFC 6749 §5.2's, which Remote does not show.
 * - API: `GET /v1/identity/current`, the token identity (its shape from Remote's own SDKs: `data.user`,
 *   `data.company`, `client_id`, `integration`), and `GET /v1/employments`
 *   (https://developer.remote.com/docs/authorization-for-customers), a page of the company's employments. A token
 *   the API does not take is a 401 (its body assumed: `{ "message": "Unauthorized" }`).
 * There is no revocation for partners: the admin removing the integration (`removeIntegration`) ends its tokens.
 * The authorization page approves at once for signInAs()'s admin.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface RemoteUser {
  /** The user's id (a UUID), the subject. */
  id: string;
  name: string;
  email: string;
  /** The company the admin grants access to. */
  companyId: string;
  companyName: string;
}

export interface RemoteEmulator extends EmulatorHandle<RemoteUser> {
  /** The admin removes the integration in Remote: every token of theirs stops working. */
  removeIntegration(user: RemoteUser): void;
  /** The next /v1/identity/current request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

/** Remote's access tokens last an hour. */
export const REMOTE_ACCESS_TOKEN_SECONDS = 3600;

const unauthorized = () => json(401, { message: 'Unauthorized' });

export async function startRemoteEmulator(options: EmulatorOptions): Promise<RemoteEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<RemoteUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: REMOTE_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static' });
  const controls = emulatorControls<RemoteUser>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/auth/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
  });

  tokenEndpoint(server, '/auth/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options),
    pkce: false,
    // A refresh answers the refresh token it was sent, as Remote's example does.
    answer: ({ grantType, tokens, form }) =>
      json(200, { ...tokenMembers(tokens, undefined, 'Bearer'), ...(grantType === 'refresh_token' ? { refresh_token: form.get('refresh_token') } : {}) }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/v1/identity/current', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { message: 'Internal Server Error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      data: {
        user: { id: user.id, name: user.name, status: 'active', email: user.email },
        company: { id: user.companyId, name: user.companyName },
        client_id: options.clientId,
        integration: { name: 'acme_payroll', display_name: 'Acme Payroll', contact_email: 'integrations@acme-payroll.test' },
      },
    });
  });

  server.route('GET', '/v1/employments', (request) => {
    server.count('employments');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      data: {
        employments: [{ id: '5e55386e-4f4f-4def-92f4-bdc19a5ce77d', full_name: 'Grace Hopper', country: { code: 'PRT', name: 'Portugal' }, status: 'active', type: 'employee' }],
        current_page: 1,
        total_count: 1,
        total_pages: 1,
      },
    });
  });

  return {
    ...controls.handle,
    removeIntegration: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
  };
}
