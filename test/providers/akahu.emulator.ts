/**
 * An emulator of Akahu's OAuth (the authorisation page, `POST /v1/token`, `DELETE /v1/token`) and of the part of its
 * Enduring API a connection touches, written from Akahu's pages
 * (https://developers.akahu.nz/docs/authorizing-with-oauth2, https://developers.akahu.nz/docs/scopes,
 * https://developers.akahu.nz/reference/post_token, https://developers.akahu.nz/reference/api_index,
 * https://developers.akahu.nz/reference/get_me, https://developers.akahu.nz/docs/response-formatting,
 * https://developers.akahu.nz/docs/accessing-account-data):
 * - Authorize: `GET /` with `response_type=code`, the App ID Token as `client_id`, one of the app's redirect URIs,
 *   `scope` (which must name `ENDURING_CONSENT` or `ONEOFF`) and `state`; approved, a code comes back.
 * - Token: `POST /v1/token` with `grant_type`, `code`, `redirect_uri`, `client_id` and `client_secret`, all required,
 *   as JSON; a user access token that lasts until revoked, and no refresh token.
 * - API: `Authorization: Bearer` and `X-Akahu-ID` (the App ID Token) on each call: without the app's id 403, without
 *   a token it takes 401, both as `{ success: false, message }`. `GET /v1/me` the user as `{ success, item }`;
 *   `GET /v1/accounts` the accounts the person shared as `{ success, items }`.
 * - `DELETE /v1/token` with the token as Bearer revokes it.
 * Made up here (Akahu's pages at hand do not say): the token answer past `access_token` (`token_type`, `scope`,
 * `success`), the wording of the 401 and 403 messages, `DELETE /v1/token`'s `{ success: true }`, a declined
 * authorisation as `access_denied`. revokeAccess() is the person revoking the app in my.akahu.nz. The authorisation
 * page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { isJson, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface AkahuUser {
  /** The User ID, `user_…`. */
  id: string;
  firstName: string;
  lastName: string;
  preferredName?: string;
  email: string;
}

export interface AkahuEmulator extends EmulatorHandle<AkahuUser> {
  /** The person revokes the app's access in my.akahu.nz: its token stops working. */
  revokeAccess(user: AkahuUser): void;
  /** The next /v1/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The parameters of each token request, in order, as Akahu read them. */
  readonly tokenRequests: ReadonlyArray<URLSearchParams>;
}

const REQUIRED = ['grant_type', 'code', 'redirect_uri', 'client_id', 'client_secret'];

const refusal = (status: number, message: string): EmulatorReply => json(status, { success: false, message });

export async function startAkahuEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<AkahuEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<AkahuUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<AkahuUser>(server, grants);
  const tokenRequests: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => (/\b(ENDURING_CONSENT|ONEOFF)\b/.test(query.get('scope') ?? '') ? undefined : { error: 'invalid_scope' }),
  });

  tokenEndpoint(server, '/v1/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    parameters: jsonOrForm,
    authenticates: (request) => {
      if (!isJson(request)) return oauthError(400, 'invalid_request');
      const parameters = jsonOrForm(request);
      tokenRequests.push(parameters);
      return credentialsIn(parameters, { clientId: options.clientId, clientSecret: options.clientSecret ?? '' });
    },
    refuseCode: (parameters) => (REQUIRED.every((name) => parameters.get(name)) ? undefined : oauthError(400, 'invalid_request')),
    answer: ({ tokens }) => json(200, { success: true, access_token: tokens.accessToken, token_type: 'bearer', scope: 'ENDURING_CONSENT' }),
  });

  /** The grant of a call carrying the app's id and a token Akahu takes, or Akahu's 403 or 401. */
  const apiGrant = (request: EmulatorRequest) => {
    if (request.headers['x-akahu-id'] !== options.clientId) return refusal(403, 'Forbidden');
    return bearerGrant(grants, request, () => refusal(401, 'Unauthorized'));
  };

  server.route('GET', '/v1/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return refusal(status, 'Internal server error');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      success: true,
      item: {
        _id: user.id,
        created_at: '2024-05-05T22:17:08.121Z',
        first_name: user.firstName,
        last_name: user.lastName,
        ...(user.preferredName ? { preferred_name: user.preferredName } : {}),
        email: user.email,
        access_granted_at: '2026-11-20T09:00:00.000Z',
      },
    });
  });

  server.route('GET', '/v1/accounts', (request) => {
    server.count('accounts');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      success: true,
      items: [{ _id: 'acc_1234', _authorisation: 'auth_1234', connection: { _id: 'conn_1234', name: 'Demo Bank' }, name: `${grant.user.firstName}'s Everyday`, status: 'ACTIVE', type: 'CHECKING', balance: { currency: 'NZD', current: 120.5 } }],
    });
  });

  server.route('DELETE', '/v1/token', (request) => {
    server.count('revoke');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    grants.revokeGrant(grant.id);
    return json(200, { success: true });
  });

  return {
    ...controls.handle,
    revokeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenRequests,
  };
}
