/**
 * An emulator of Shutterstock's OAuth 2.0 (accounts.shutterstock.com/oauth/authorize,
 * api.shutterstock.com/v2/oauth/access_token) and of the part of its API v2 a connection touches, on one host,
 * written from Shutterstock's pages (https://www.shutterstock.com/developers/documentation/authentication,
 * https://api-reference.shutterstock.com/, OAuth and Users):
 * - Every request must carry a `User-Agent`; one without is refused (400 here: the pages give no status).
 * - Authorize: `GET /oauth/authorize` with `client_id`, `redirect_uri`, `response_type=code`, a space-separated
 *   `scope` (`user.view` when none is asked) and `state`, which is required (a request without it is sent back
 *   `invalid_request` here); the person approves and goes back with `code`. No PKCE. A person who declines goes back
 *   with RFC 6749's `error=access_denied` (the pages show no wording).
 * - Token: `POST /v2/oauth/access_token`, form data with `client_id`, `client_secret`, `code` and `grant_type`,
 *   answered `{ access_token, token_type: "Bearer" }`: without `expires=true` the token does not expire (until the
 *   person changes their password) and has no refresh token. Refusals are RFC 6749 §5.2's (the pages show none).
 * - `GET /v2/user` (scope `user.view`, else 403) answers the user: `id`, `customer_id`, `contributor_id`,
 *   `username`, `email`, `first_name`, `last_name`, `full_name`, `language`, `is_premier`, …; `GET
 *   /v2/images/search` a page of images (the reference's shape, shortened). A token the API does not take is 401
 *   `{ message }` (the status and wording are the emulator's).
 * There is no revocation endpoint: the person changing their password ends every token of theirs
 * (`changePassword`). The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface ShutterstockUser {
  /** The user's id, "not tied to contributor or purchasing customer". */
  id: string;
  /** The id of the same person as a purchaser. */
  customerId: string;
  firstName: string;
  lastName: string;
  username: string;
  email: string;
}

export interface ShutterstockEmulator extends EmulatorHandle<ShutterstockUser> {
  /** The person changes their Shutterstock password: none of their tokens works any more. */
  changePassword(user: ShutterstockUser): void;
  /** The next /v2/user request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as Shutterstock read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

const noUserAgent = (request: EmulatorRequest): EmulatorReply | undefined =>
  request.headers['user-agent'] ? undefined : json(400, { message: 'Missing User-Agent header' });

export async function startShutterstockEmulator(options: EmulatorOptions): Promise<ShutterstockEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ShutterstockUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<ShutterstockUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => (query.get('state') ? undefined : { error: 'invalid_request', error_description: 'state is required' }),
    request: (query) => ({ scope: requestedScopes(query).join(' ') || 'user.view' }),
  });

  tokenEndpoint(server, '/v2/oauth/access_token', {
    client: options,
    grants,
    screen: noUserAgent,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'Bearer' }),
  });

  const apiGrant = (request: EmulatorRequest) => noUserAgent(request) ?? bearerGrant(grants, request, () => json(401, { message: 'Unauthorized' }));

  server.route('GET', '/v2/user', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { message: 'Internal Server Error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes('user.view')) return json(403, { message: 'Insufficient scope; required: user.view' });
    const { user } = grant;
    return json(200, {
      id: user.id,
      customer_id: user.customerId,
      contributor_id: '',
      username: user.username,
      email: user.email,
      first_name: user.firstName,
      last_name: user.lastName,
      full_name: `${user.firstName} ${user.lastName}`,
      language: 'en',
      is_premier: false,
      is_premier_parent: false,
      only_enhanced_license: false,
      only_sensitive_use: false,
      organization_id: '',
      premier_permissions: [],
    });
  });

  server.route('GET', '/v2/images/search', (request) => {
    server.count('images');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      page: 1,
      per_page: 1,
      total_count: 1,
      search_id: 'liGOiT0Ab7hkNYdt3h7qYA',
      data: [{ id: '1572478477', aspect: 1.5, description: 'Donkey in a green meadow', image_type: 'photo', media_type: 'image' }],
    });
  });

  return {
    ...controls.handle,
    changePassword: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
