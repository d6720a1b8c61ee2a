/**
 * An emulator of SmartThings' OAuth for API Access apps and of the part of
 * its API a connection touches (all on api.smartthings.com, under /v1),
 * written from SmartThings' documentation
 * (https://developer.smartthings.com/docs/service-integrations/oauth,
 * https://developer.smartthings.com/docs/service-integrations/token-management,
 * https://smartthings.developer.samsung.com/docs/how-to/refresh-token.html):
 * - Authorize: `GET /v1/oauth/authorize` with `client_id`, `scope`
 *   (space-separated, among the scopes the app was registered with),
 *   `response_type=code`, `redirect_uri` (one registered with the app) and
 *   `state`; the person approves and is sent back with `code` and `state`.
 *   Each approval installs the app for the person: a new `installed_app_id`.
 * - Token: `POST /v1/oauth/token`, a form, the client as HTTP Basic
 *   (base64 of `clientId:clientSecret` as it is) with `client_id` in the form
 *   too; `grant_type` `authorization_code` (`code`, `redirect_uri`) or
 *   `refresh_token` (`refresh_token`). The answer is `access_token`,
 *   `token_type: "bearer"`, `refresh_token`, `expires_in` (86399),
 *   `scope`, `access_tier: 0`, `developer_account_id`, `installed_app_id`,
 *   `iot_account_id` and `owner_account_id`. Each refresh answers a new
 *   access token and a new refresh token, and the refresh token used is no
 *   longer valid; a refresh token lasts 30 days, and one expired or used is
 *   answered HTTP 401 (the older SmartApp page's status) with RFC 6749's
 *   `invalid_grant`.
 * - API, the token as Bearer: `GET /v1/locations` behind `r:locations:*`
 *   and `GET /v1/devices` behind `r:devices:*`; 401 for a token that has
 *   ended.
 * Made up here, as the pages do not say them: the refusal of a code
 * (400 `invalid_grant` with the "Invalid authorization code" description
 * SmartThings staff quoted on its community forum), of a wrong client
 * (401 `invalid_client`), of a form without `client_id` (400
 * `invalid_request`), of a scope the app was not registered with
 * (`invalid_scope` sent back), the page for an unknown client or redirect
 * URI, `access_denied` for a person who declines, the API's error bodies
 * (`{ requestId, error: { code, message } }`) and the 403 for a scope not
 * granted. uninstall() is the person removing the app in the SmartThings app:
 * its tokens stop working. There is no revocation endpoint. The
 * authorization page approves at once for signInAs()'s account.
 */
import { randomUUID } from 'node:crypto';
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface SmartThingsAccount {
  /** The SmartThings account's id, a UUID. */
  accountId: string;
  /** The location the person picks at the authorization page. */
  location: { locationId: string; name: string };
}

export interface SmartThingsEmulatorOptions extends EmulatorOptions {
  /** The account that registered the app (the docs' `developer_account_id`). */
  developerAccountId: string;
}

export interface SmartThingsEmulator extends EmulatorHandle<SmartThingsAccount> {
  /** The form of each token request, in order. */
  readonly tokenForms: ReadonlyArray<Record<string, string>>;
  /** The installed app each grant made, by its access and refresh tokens. */
  installedAppOf(token: string): string | undefined;
  /** The person removes the app in the SmartThings app: every token of theirs stops working. */
  uninstall(account: SmartThingsAccount): void;
}

export const SMARTTHINGS_ACCESS_TOKEN_SECONDS = 86_399;
export const SMARTTHINGS_REFRESH_TOKEN_SECONDS = 30 * 86_400;
/** The scopes the emulated app was registered with. */
const REGISTERED_SCOPES = ['r:locations:*', 'r:devices:*', 'x:devices:*'];

const apiError = (status: number, code: string, message: string): EmulatorReply => json(status, { requestId: randomUUID(), error: { code, message, details: [] } });

export async function startSmartThingsEmulator(options: SmartThingsEmulatorOptions): Promise<SmartThingsEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SmartThingsAccount>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: SMARTTHINGS_ACCESS_TOKEN_SECONDS,
    refreshPolicy: 'rotating',
    refreshTokenTtl: SMARTTHINGS_REFRESH_TOKEN_SECONDS,
  });
  const controls = emulatorControls<SmartThingsAccount>(server, grants);
  const installedApps = new Map<string, string>();
  const tokenForms: Array<Record<string, string>> = [];
  const installedAppOfGrant = (grant: Grant<SmartThingsAccount>) => {
    if (!installedApps.has(grant.id)) installedApps.set(grant.id, randomUUID());
    return installedApps.get(grant.id)!;
  };

  authorizationEndpoint(server, '/v1/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid OAuth request',
    pkce: false,
    refuse: (query) => (requestedScopes(query).some((scope) => !REGISTERED_SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined),
  });

  tokenEndpoint(server, '/v1/oauth/token', {
    client: options,
    grants,
    screen: (request) => {
      tokenForms.push(Object.fromEntries(request.form()));
      return undefined;
    },
    failure: { queued: controls.tokenFailure },
    authenticates: (request: EmulatorRequest) => {
      if (!basicAsSent(request, options)) return false;
      return request.form().get('client_id') === options.clientId ? true : oauthError(400, 'invalid_request', 'Missing client_id');
    },
    pkce: false,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Bad client credentials'),
      refreshToken: () => oauthError(401, 'invalid_grant', 'Invalid refresh token'),
      code: () => oauthError(400, 'invalid_grant', 'Invalid authorization code'),
    },
    answer: ({ grant, tokens }) =>
      json(200, {
        ...tokenMembers(tokens, grant.scope, 'bearer'),
        access_tier: 0,
        developer_account_id: options.developerAccountId,
        installed_app_id: installedAppOfGrant(grant),
        iot_account_id: grant.user.accountId,
        owner_account_id: grant.user.accountId,
      }),
  });

  const authorized = (request: EmulatorRequest) => bearerGrant(grants, request, () => apiError(401, 'UnauthorizedError', 'Unauthorized'));
  const allows = (grant: Grant<SmartThingsAccount>, scope: string) => grant.scope.split(' ').includes(scope);
  const forbidden = () => apiError(403, 'ForbiddenError', 'Access is denied');

  server.route('GET', '/v1/locations', (request) => {
    server.count('locations');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    if (!allows(grant, 'r:locations:*')) return forbidden();
    const { location } = grant.user;
    return json(200, { items: [{ locationId: location.locationId, name: location.name, parent: { type: 'ACCOUNT', id: grant.user.accountId } }], _links: {} });
  });

  server.route('GET', '/v1/devices', (request) => {
    server.count('devices');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    if (!allows(grant, 'r:devices:*')) return forbidden();
    return json(200, { items: [{ deviceId: '6f5ea629-4c05-4a90-a244-cc129b0a80c3', name: 'Hallway light', label: 'Hallway light', locationId: grant.user.location.locationId, type: 'ZIGBEE' }], _links: {} });
  });

  return {
    ...controls.handle,
    tokenForms,
    installedAppOf: (token) => {
      const grant = grants.grantOfToken(token);
      return grant ? installedApps.get(grant.id) : undefined;
    },
    uninstall: (account) => grants.revokeGrantsOf((someone) => someone.accountId === account.accountId),
  };
}
