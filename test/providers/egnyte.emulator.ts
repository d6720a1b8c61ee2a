/**
 * An emulator of one Egnyte domain (`acme.egnyte.com`) for a partner's public application, written from Egnyte's
 * pages:
 * - the authorization code flow, the token then sent as `Authorization: Bearer` on every call
 *   (https://developers.egnyte.com/docs/read/Public_API_Authentication);
 * - tokens that do not expire and no refresh token: a user who changes their password or revokes the access ends
 *   them, and the API answers 401 (the same page); `revokeAccess()` is that;
 * - the user info of the token with the user's `id` in the domain (the same page, Getting User Info), the id the User
 *   Management API names users by (https://developers.egnyte.com/docs/read/User_Management_API_Documentation);
 * - a token the API does not take answered "Developer Inactive"
 *   (https://egnyte.github.io/integrations-cookbook/auth.html).
 * As Egnyte's own SDKs build them (not read on Egnyte's stored pages): `GET /puboauth/token` for the authorization,
 * `POST /puboauth/token` with `client_id`, `client_secret`, `redirect_uri`, `code` and `grant_type` in the form (the
 * client in the form only), `/pubapi/v1/userinfo` with `id`, `username`, `first_name` and `last_name`. Made up here:
 * the token answer's members (`access_token`, `token_type: "bearer"`, `expires_in: -1`), the refusals' bodies
 * (RFC 6749 §5.2's), a 401 as the "Developer Inactive" text, `GET /pubapi/v1/fs/Shared` answering a folder listing.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface EgnyteUser {
  /** The user's numeric id in the domain. */
  id: number;
  /** The username, which an administrator may change. */
  username: string;
  firstName: string;
  lastName: string;
}

export interface EgnyteEmulator extends EmulatorHandle<EgnyteUser> {
  /** The user changes their password or revokes the application's access: every token of theirs stops working. */
  revokeAccess(user: EgnyteUser): void;
  /** The next user info request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as Egnyte read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

export async function startEgnyteEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<EgnyteEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<EgnyteUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<EgnyteUser>(server, grants);
  const profileFailure = queuedFailure();
  const tokenForms: URLSearchParams[] = [];

  authorizationEndpoint(server, '/puboauth/token', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
  });

  tokenEndpoint(server, '/puboauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      // The client in the form, as Egnyte's SDKs send it; a Basic header alone is not read.
      return formCredentials(request, options);
    },
    pkce: false,
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'bearer', expires_in: -1 }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => html(401, '<h1>Developer Inactive</h1>'));

  server.route('GET', '/pubapi/v1/userinfo', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return html(status, '<h1>Internal Server Error</h1>');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { id, username, firstName, lastName } = grant.user;
    return json(200, { id, username, first_name: firstName, last_name: lastName });
  });

  server.route('GET', '/pubapi/v1/fs/Shared', (request) => {
    server.count('fs');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { name: 'Shared', path: '/Shared', is_folder: true, folders: [{ name: 'Documents', path: '/Shared/Documents', is_folder: true }], files: [] });
  });

  return {
    ...controls.handle,
    revokeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
