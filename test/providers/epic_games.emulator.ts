/**
 * An emulator of Epic Account Services' OAuth 2.0 (www.epicgames.com/id, api.epicgames.dev/epic/oauth/v2) and of the
 * accounts part of its Web API (api.epicgames.dev/epic/id/v2), written from Epic's page
 * (https://dev.epicgames.com/docs/web-api-ref/authentication):
 * - Authorize: `GET /id/authorize` with `client_id`, `response_type=code`, `redirect_uri`, `state` and
 *   space-delimited `scope`; a scope Epic does not know is sent back as `invalid_scope`.
 * - Token: `POST /epic/oauth/v2/token`, the client as HTTP Basic (`id:secret` as they are; the form's client is
 *   refused); JSON `access_token`, `token_type: "bearer"`, `expires_in` (7200: the access token ends within 2
 *   hours), `expires_at`, `refresh_token`, `refresh_expires` (28800), `refresh_expires_at`, `account_id`,
 *   `client_id`, `application_id` and `scope`. A refresh answers a new refresh token, the spent one kept alive (the
 *   'reissued' policy), as nothing says it ends.
 * - Revocation: `POST /epic/oauth/v2/revoke`, RFC 7009's form with `token`, the client as Basic; 200 for a token
 *   no longer known too.
 * - Accounts: `GET /epic/id/v2/accounts?accountId=…` with the token as Bearer answers `[{ accountId, displayName,
 *   preferredLanguage }]` for the ids it knows.
 * Made up here (the page as read does not show them): the endpoints' paths, refusals as RFC 6749 §5.2's `error`
 * beside an Epic-style `errorCode`, the API's 401 body, the 400 for an accounts call without an id.
 * removeApp() is the person removing the application from their Epic account's connected apps. The authorization
 * page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface EpicAccount {
  /** The Epic Account ID, 32 hex digits. */
  accountId: string;
  displayName: string;
}

export interface EpicGamesEmulator extends EmulatorHandle<EpicAccount> {
  /** The person removes the application from their Epic account: none of its tokens works. */
  removeApp(account: EpicAccount): void;
  /** Each revocation's form, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
}

export const EPIC_ACCESS_TOKEN_SECONDS = 7200;
const REFRESH_TOKEN_SECONDS = 28_800;
export const EPIC_APPLICATION_ID = 'fghi4567QzWd9mLpRtYv2XnB8cKsHj3E';
const SCOPES = new Set(['basic_profile', 'friends_list', 'presence', 'country', 'openid', 'offline_access']);

const epicError = (status: number, errorCode: string, errorMessage: string) => json(status, { errorCode, errorMessage, numericErrorCode: 1014, originatingService: 'com.epicgames.account.public', intent: 'prod' });

export async function startEpicGamesEmulator(options: EmulatorOptions): Promise<EpicGamesEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<EpicAccount>({ now: options.now, accessTokenTtl: EPIC_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<EpicAccount>(server, grants);
  const revocations: Array<Record<string, string>> = [];
  const known = new Map<string, EpicAccount>();

  authorizationEndpoint(server, '/id/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => ((query.get('scope') ?? '').split(' ').every((scope) => SCOPES.has(scope)) ? undefined : { error: 'invalid_scope' }),
  });

  const at = (seconds: number) => new Date((now() + seconds) * 1000).toISOString();

  tokenEndpoint(server, '/epic/oauth/v2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options),
    pkce: false,
    answer: ({ grant, tokens }) => {
      known.set(grant.user.accountId, grant.user);
      return json(200, {
        access_token: tokens.accessToken,
        token_type: 'bearer',
        expires_in: tokens.expiresIn,
        expires_at: at(tokens.expiresIn ?? EPIC_ACCESS_TOKEN_SECONDS),
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken, refresh_expires: REFRESH_TOKEN_SECONDS, refresh_expires_at: at(REFRESH_TOKEN_SECONDS) } : {}),
        account_id: grant.user.accountId,
        client_id: options.clientId,
        application_id: EPIC_APPLICATION_ID,
        scope: grant.scope,
      });
    },
  });

  server.route('POST', '/epic/oauth/v2/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocations.push(Object.fromEntries(form));
    if (!basicAsSent(request, options)) return oauthError(401, 'invalid_client');
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    grants.revokeToken(token);
    return json(200, {});
  });

  server.route('GET', '/epic/id/v2/accounts', (request) => {
    server.count('accounts');
    const grant = bearerGrant(grants, request, () => epicError(401, 'errors.com.epicgames.common.authentication.token_verification_failed', 'Sorry, the token is invalid'));
    if (!isGrant(grant)) return grant;
    const ids = request.url.searchParams.getAll('accountId');
    if (ids.length === 0) return epicError(400, 'errors.com.epicgames.validation.validation_failed', 'accountId is required');
    return json(200, ids.flatMap((id) => {
      const account = known.get(id);
      return account ? [{ accountId: account.accountId, displayName: account.displayName, preferredLanguage: 'en' }] : [];
    }));
  });

  return {
    ...controls.handle,
    removeApp: (account) => grants.revokeGrantsOf((someone) => someone.accountId === account.accountId),
    revocations,
  };
}
