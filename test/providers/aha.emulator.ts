/**
 * An emulator of one Aha! account's host (`<subdomain>.aha.io`): its OAuth2 (`/oauth/authorize`, `/oauth/token`) and
 * the part of API v1 a connection touches, written from Aha!'s pages (https://www.aha.io/api/oauth2,
 * https://www.aha.io/api/resources/me/get_the_current_user_profile,
 * https://www.aha.io/api/resources/me/reject_request_without_authentication):
 * - Authorize: `client_id`, `redirect_uri` (the registered one) and `response_type=code`, no scope.
 * - API v1: the token as `Authorization: Bearer`; `GET /api/v1/me` answers `{ user }` (`id`, `name`, `email`,
 *   `first_name`, `last_name`…); `GET /api/v1/products` the account's workspaces; a request Aha! does not
 *   authenticate is a 401 with an HTML body.
 * Made up here (Aha!'s pages as read do not say): the token request as a form with the client's id and secret,
 * `code`, `redirect_uri` and `grant_type`, all required, answered with `access_token` and `token_type: "bearer"`,
 * no expiry and no refresh token; refusals as RFC 6749 §5.2's bare JSON; a declined authorization as
 * `error=access_denied`; the 401's wording. revokeApp() is the person revoking the application's token in Aha!.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface AhaUser {
  /** The user's record id, a string of digits. */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface AhaEmulator extends EmulatorHandle<AhaUser> {
  /** The person revokes the application's token in Aha!: it stops working. */
  revokeApp(user: AhaUser): void;
  /** The next /api/v1/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each token request's form, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

const REQUIRED = ['grant_type', 'code', 'redirect_uri', 'client_id', 'client_secret'];

const unauthorized = () => ({ status: 401, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<html><body>You are not authorized to access this page.</body></html>' });

export async function startAhaEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<AhaEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<AhaUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<AhaUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    refuseCode: (form) => (REQUIRED.every((name) => form.get(name)) ? undefined : oauthError(400, 'invalid_request')),
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'bearer' }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/api/v1/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'Internal Server Error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      user: {
        id: user.id,
        name: `${user.firstName} ${user.lastName}`,
        email: user.email,
        first_name: user.firstName,
        last_name: user.lastName,
        initials: `${user.firstName[0]}${user.lastName[0]}`,
        created_at: '2024-01-01T00:00:00.000Z',
        updated_at: '2026-11-15T10:30:00.000Z',
        time_zone: 'America/New_York',
        url: `${server.origin}/users/${user.id}`,
        resource: `${server.origin}/api/v1/users/${user.id}`,
      },
    });
  });

  server.route('GET', '/api/v1/products', (request) => {
    server.count('products');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      products: [{ id: '131414752', reference_prefix: 'PRJ1', name: 'Project 1', product_line: false, created_at: '2019-01-01T00:00:00.000Z', workspace_type: 'product_workspace' }],
      pagination: { total_records: 1, total_pages: 1, current_page: 1 },
    });
  });

  return {
    ...controls.handle,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
