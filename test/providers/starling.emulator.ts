/**
 * An emulator of Starling Bank's OAuth 2.0 (oauth.starlingbank.com,
 * token-api.starlingbank.com/oauth/access-token) and of the part of its
 * Developer API a connection touches, written from Starling's pages (the
 * RFC 8414 metadata at https://api.starlingbank.com/.well-known/oauth-authorization-server,
 * https://developer.starlingbank.com/docs, and Starling's SDK,
 * https://github.com/starlingbank/starling-developer-sdk):
 * - Authorize: `GET /` with `client_id`, `redirect_uri`, `response_type=code`
 *   and `state`, no scope; approved, a code comes back with the state.
 * - Token: `POST /oauth/access-token` with the client's id and secret in the
 *   form, for `authorization_code` (with the `redirect_uri`) and
 *   `refresh_token`; a refresh answers a new refresh token too.
 * - API v2, the token as Bearer: `GET /api/v2/identity/token` (no permission
 *   needed) answers `accountHolderUid`, `expiresAt`, `expiresInSeconds`,
 *   `scopes`, `authenticated`, `applicationUserUid`; `GET /api/v2/accounts`
 *   the account holder's accounts; other refusals are
 *   `{ errors: [{ message }], success: false }`.
 * - `PUT /api/v2/identity/logout` disables all the individual's active access
 *   tokens, answered 202.
 * Made up here (Starling's pages do not say): a declined authorization
 * (`access_denied`) and the pages for an unknown client or redirect URL; the
 * token answer's members past the tokens (`token_type: "Bearer"`,
 * `expires_in` 86400, `scope` the application's permissions) and its refusals
 * (RFC 6749 §5.2's bare `error`); the spent refresh token still taken (the
 * 'reissued' policy); a logout leaving the refresh tokens alive; a 401 to a
 * token the API does not take as `{ error: "invalid_token" }`.
 * removeAccess() is the person removing the application's access; the
 * authorization page approves at once for signInAs()'s account holder.
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

export interface StarlingAccountHolder {
  /** The account holder's UUID. */
  accountHolderUid: string;
  /** The name of the account holder's account, as /api/v2/accounts lists it. */
  accountName: string;
}

export interface StarlingEmulator extends EmulatorHandle<StarlingAccountHolder> {
  /** The person removes the application's access: every token for this account holder stops working. */
  removeAccess(holder: StarlingAccountHolder): void;
  /** The next /api/v2/identity/token request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The method and Authorization header of each logout, in order. */
  readonly logouts: ReadonlyArray<{ method: string; authorization: string | undefined }>;
}

export const STARLING_ACCESS_TOKEN_SECONDS = 86_400;
/** The permissions chosen for the application in Starling's developer portal, which every token it is issued has. */
export const STARLING_APPLICATION_SCOPES = 'account:read account-list:read balance:read transaction:read';

const invalidToken = () => json(401, { error: 'invalid_token', error_description: 'The access token is invalid or has expired (emulator wording)' });

export async function startStarlingEmulator(options: EmulatorOptions): Promise<StarlingEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<StarlingAccountHolder>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: STARLING_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<StarlingAccountHolder>(server, grants);
  /** The access tokens issued under each grant, which a logout disables. */
  const accessTokens = new Map<string, string[]>();
  const logouts: Array<{ method: string; authorization: string | undefined }> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/oauth/access-token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ grant, tokens }) => {
      accessTokens.set(grant.id, [...(accessTokens.get(grant.id) ?? []), tokens.accessToken]);
      return json(200, tokenMembers(tokens, STARLING_APPLICATION_SCOPES, 'Bearer'));
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, invalidToken);

  server.route('GET', '/api/v2/identity/token', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { errors: [{ message: 'Something went wrong (emulator wording)' }], success: false });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const secondsLeft = grants.accessTokenSecondsLeft(request.bearer()!) ?? STARLING_ACCESS_TOKEN_SECONDS;
    return json(200, {
      accountHolderUid: grant.user.accountHolderUid,
      expiresAt: new Date(Date.now() + secondsLeft * 1000).toISOString(),
      expiresInSeconds: secondsLeft,
      scopes: STARLING_APPLICATION_SCOPES.split(' '),
      authenticated: true,
      applicationUserUid: '3f8c2d41-9b7e-4f0a-8d65-2c1e7a9b4f03',
      customerUid: grant.user.accountHolderUid,
    });
  });

  server.route('GET', '/api/v2/accounts', (request) => {
    server.count('accounts');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { accountHolderUid, accountName } = grant.user;
    return json(200, {
      accounts: [{ accountUid: `${accountHolderUid.slice(0, 24)}acc000000001`, accountType: 'PRIMARY', defaultCategory: `${accountHolderUid.slice(0, 24)}cat000000001`, currency: 'GBP', createdAt: '2024-03-01T09:30:00.000Z', name: accountName }],
    });
  });

  server.route('PUT', '/api/v2/identity/logout', (request) => {
    server.count('revoke');
    logouts.push({ method: request.method, authorization: request.headers.authorization });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    for (const other of grants.liveGrants(options.clientId)) {
      if (other.user.accountHolderUid !== grant.user.accountHolderUid) continue;
      for (const token of accessTokens.get(other.id) ?? []) grants.revokeAccessToken(token);
    }
    return json(202, {});
  });

  return {
    ...controls.handle,
    removeAccess: (holder) => grants.revokeGrantsOf((someone) => someone.accountHolderUid === holder.accountHolderUid),
    failNextProfile: profileFailure.queue,
    logouts,
  };
}
