/**
 * An emulator of Eventbrite's OAuth for app partners (www.eventbrite.com)
 * and of the part of API v3 (www.eventbriteapi.com/v3) a connection
 * touches, written from Eventbrite's documentation
 * (https://www.eventbrite.com/platform/api#/introduction/authentication):
 * - Authorize: `GET /oauth/authorize` with `response_type=code`,
 *   `client_id` (the API key) and `redirect_uri` (the key's OAuth Redirect
 *   URI); Eventbrite has no scopes. A declined authorization goes back with
 *   RFC 6749 §4.1.2.1's `access_denied` (not documented by Eventbrite).
 * - Token: `POST /oauth/token` with `grant_type=authorization_code`, the
 *   code, `client_id`, `client_secret` and `redirect_uri` in the form. The
 *   answer is the person's private token, `{ access_token, token_type:
 *   "bearer" }`, with no expiry and no refresh token. Refusals are RFC 6749
 *   §5.2's `{ error, error_description }` here, which Eventbrite does not
 *   document.
 * - API v3, the token as Bearer, every path ending in `/`: `GET
 *   /v3/users/me/` answers the user (`id`, `name`, `first_name`,
 *   `last_name`, `is_public`, `image_id`, `emails: [{ email, verified,
 *   primary }]`,
 *   https://www.eventbrite.com/platform/api#/reference/user/retrieve-your-user);
 *   `GET /v3/users/me/organizations/` the organizations the user belongs to,
 *   paginated. A token it does not take is 401 `{ status_code: 401, error:
 *   "INVALID_AUTH", error_description }`
 *   (https://www.eventbrite.com/platform/api#/introduction/errors).
 * - No revocation: the person removes the app from their account
 *   (`removeApp`), and its tokens stop working.
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
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface EventbriteUser {
  /** The user's id, a string of digits. */
  id: string;
  firstName: string;
  lastName: string;
  emails: { email: string; verified: boolean; primary: boolean }[];
  /** The organization the user's events are under. */
  organization: { id: string; name: string };
}

export interface EventbriteEmulator extends EmulatorHandle<EventbriteUser> {
  /** The person removes the app from their Eventbrite account: every token of theirs stops working. */
  removeApp(user: EventbriteUser): void;
  /** The next /users/me/ request fails with this HTTP status. */
  failNextMe(status: number): void;
}

const INVALID_AUTH = () => json(401, { status_code: 401, error: 'INVALID_AUTH', error_description: 'The OAuth token you provided was invalid.' });

export async function startEventbriteEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<EventbriteEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<EventbriteUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<EventbriteUser>(server, grants);
  const meFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'Invalid API key', redirectUri: 'The redirect URI does not match the one registered for this API key' },
    pkce: false,
    // Eventbrite has no scopes.
    request: () => ({ scope: '' }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    errors: {
      client: () => json(401, { error: 'invalid_client', error_description: 'Invalid client credentials' }),
      code: () => json(400, { error: 'invalid_grant', error_description: 'Code not valid' }),
    },
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'bearer' }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, INVALID_AUTH);

  server.route('GET', '/v3/users/me/', (request) => {
    server.count('me');
    const status = meFailure.take();
    if (status !== undefined) return json(status, { status_code: status, error: 'INTERNAL_ERROR', error_description: 'An internal error occurred.' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      emails: user.emails,
      id: user.id,
      name: `${user.firstName} ${user.lastName}`.trim(),
      first_name: user.firstName,
      last_name: user.lastName,
      is_public: false,
      image_id: null,
    });
  });

  server.route('GET', '/v3/users/me/organizations/', (request) => {
    server.count('organizations');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { organization } = grant.user;
    return json(200, {
      organizations: [{ _type: 'organization', name: organization.name, vertical: 'Default', parent_id: null, locale: 'en_US', created: '2024-03-01T10:00:00Z', image_id: null, id: organization.id }],
      pagination: { object_count: 1, continuation: null, page_count: 1, page_size: 50, has_more_items: false, page_number: 1 },
    });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextMe: meFailure.queue,
  };
}
