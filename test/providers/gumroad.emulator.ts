/**
 * An emulator of Gumroad's OAuth 2.0 (gumroad.com/oauth) and of the part of its API v2 (api.gumroad.com/v2) a
 * connection touches, written from Gumroad's API reference (https://gumroad.com/api) and, where the reference says
 * nothing, from the OAuth configuration of Gumroad's open-source server
 * (https://github.com/antiwork/gumroad/blob/main/config/initializers/doorkeeper.rb):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `redirect_uri` and an optional space-separated `scope`
 *   (`view_public` when none is asked, the server's default scope); the person gives access and goes back with
 *   `code` (and the `state` sent). No PKCE. A person who declines goes back with RFC 6749's `error=access_denied`.
 * - Token: `POST /oauth/token`, a form with `code`, `redirect_uri`, `client_id` and `client_secret` (the reference's),
 *   and `grant_type`, answered with JSON `access_token`, `token_type: "Bearer"`, `refresh_token`, `scope` and
 *   `created_at`, with no `expires_in`: access tokens do not expire (`access_token_expires_in nil`), and refresh
 *   tokens are issued (`use_refresh_token`). A refresh answers a new refresh token and ends the spent one (the
 *   'rotating' policy; the reference does not say). Refusals are RFC 6749 §5.2's.
 * - `GET /v2/user` answers `{ success: true, user }` with `bio`, `name`, `twitter_handle`, `user_id`, `email` (only
 *   for a token with `view_sales`), `url` and `profile_picture_url`; `GET /v2/products` the person's products (the
 *   reference's example, shortened). A token the API does not take is a 401 with `{ success: false, message }`,
 *   the reference's error shape (the message here is the emulator's).
 * There is no revocation endpoint in the reference: the person removes the application's access in Gumroad
 * (`removeAccess`), which ends its tokens. The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface GumroadUser {
  /** The user's id, as Gumroad encodes it (`G_-mnBf9b1j9A7a4ub4nFQ==`). */
  userId: string;
  name: string;
  email: string;
  /** The username, which makes the profile page; unset for a person who chose none. */
  username?: string;
}

export interface GumroadEmulator extends EmulatorHandle<GumroadUser> {
  /** The person removes the application's access in Gumroad: none of their tokens works. */
  removeAccess(user: GumroadUser): void;
  /** The next /v2/user request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as Gumroad read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

const gumroadError = (status: number, message: string) => json(status, { success: false, message });

export async function startGumroadEmulator(options: EmulatorOptions): Promise<GumroadEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<GumroadUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: null, refreshPolicy: 'rotating' });
  const controls = emulatorControls<GumroadUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    request: (query) => ({ scope: query.get('scope')?.split(' ').filter(Boolean).join(' ') || 'view_public' }),
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
    answer: ({ grant, tokens }) => json(200, { ...tokenMembers(tokens, grant.scope, 'Bearer'), created_at: Math.floor(Date.now() / 1000) }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => gumroadError(401, 'The access token is invalid.'));

  server.route('GET', '/v2/user', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return gumroadError(status, 'Something went wrong.');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user, scope } = grant;
    return json(200, {
      success: true,
      user: {
        bio: null,
        name: user.name,
        twitter_handle: null,
        user_id: user.userId,
        ...(scope.split(' ').includes('view_sales') ? { email: user.email } : {}),
        ...(user.username ? { url: `https://gumroad.com/${user.username}` } : {}),
        profile_picture_url: `https://public-files.gumroad.com/avatar/${encodeURIComponent(user.userId)}`,
      },
    });
  });

  server.route('GET', '/v2/products', (request) => {
    server.count('products');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { success: true, products: [{ id: 'A-m3CDDC5dlrSdKZp0RFhA==', name: 'Pencil Icon PSD', price: 100, currency: 'usd', published: true }] });
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.userId === user.userId),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
