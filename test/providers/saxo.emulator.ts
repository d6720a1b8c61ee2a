/**
 * An emulator of a Saxo Bank OpenAPI environment: its AuthenticationUrl's `/authorize` and `/token`, and the part of
 * the REST API (under `/openapi`) a connection touches, written from Saxo's pages
 * (https://www.developer.saxo/openapi/learn/oauth-authorization-code-grant,
 * https://www.developer.saxo/openapi/learn/oauth-authorization-code-grant-pkce,
 * https://www.developer.saxo/openapi/learn/environments,
 * https://www.developer.saxo/openapi/referencedocs/port/v1/users/get__port__me,
 * https://www.developer.saxo/openapi/referencedocs/port/v1/accounts,
 * https://github.com/SaxoBank/openapi-samples-js/blob/main/authentication/README.md):
 * - Authorize: `GET /authorize` with `response_type=code`, the AppKey as `client_id`, the AppUrl as `redirect_uri`,
 *   an optional `state` and the RFC 7636 challenge; no scope is read.
 * - Token: `POST /token`, the AppKey and AppSecret in the form; 20-minute access tokens and 1-hour refresh tokens,
 *   each refresh answering a new pair (`refresh_token_expires_in` beside `expires_in`).
 * - REST API: the token as Bearer; `GET /openapi/port/v1/users/me` the user (`UserKey`, `UserId`, `ClientKey`,
 *   `Name`…), `GET /openapi/port/v1/accounts/me` the accounts of the user's client as `{ Data }`.
 * Made up here (Saxo's pages at hand do not say): a spent refresh token refused (rotation), refusals as RFC 6749
 * §5.2's bare `error`, a declined authorization as `access_denied`, the API's 401 with no body. signOutEverywhere() is
 * the person signing out of all sessions in SaxoTraderGO, which ends the app's refresh tokens. The authorization page
 * approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest, type EmulatorReply } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface SaxoUser {
  /** The user's key, `GET /port/v1/users/{UserKey}`'s. */
  userKey: string;
  /** The login ID the person types to sign in. */
  userId: string;
  clientKey: string;
  name: string;
}

export interface SaxoEmulator extends EmulatorHandle<SaxoUser> {
  /** The person signs out of all their sessions: every token of theirs stops working. */
  signOutEverywhere(user: SaxoUser): void;
  /** The next /port/v1/users/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as Saxo read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** 20-minute access tokens, 1-hour refresh tokens. */
export const SAXO_ACCESS_TOKEN_SECONDS = 1200;
export const SAXO_REFRESH_TOKEN_SECONDS = 3600;

const unauthorized = (): EmulatorReply => ({ status: 401 });

export async function startSaxoEmulator(options: EmulatorOptions): Promise<SaxoEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SaxoUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: SAXO_ACCESS_TOKEN_SECONDS,
    refreshPolicy: 'rotating',
    refreshTokenTtl: SAXO_REFRESH_TOKEN_SECONDS,
  });
  const controls = emulatorControls<SaxoUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    // Saxo does not use scopes: a code's grant has none, whatever is sent.
    request: () => ({ scope: '' }),
  });

  tokenEndpoint(server, '/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    answer: ({ tokens }) => json(200, { ...tokenMembers(tokens, undefined, 'Bearer'), refresh_token_expires_in: SAXO_REFRESH_TOKEN_SECONDS }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/openapi/port/v1/users/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { ErrorCode: 'InternalServerError', Message: 'An error occurred' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      Active: true,
      ClientKey: user.clientKey,
      Culture: 'en-GB',
      Language: 'en',
      LastLoginStatus: 'Successful',
      LastLoginTime: '2026-11-21T02:31:05.4115Z',
      LegalAssetTypes: ['FxSpot', 'Stock', 'ContractFutures'],
      MarketDataViaOpenApiTermsAccepted: false,
      Name: user.name,
      TimeZoneId: 28,
      UserId: user.userId,
      UserKey: user.userKey,
    });
  });

  server.route('GET', '/openapi/port/v1/accounts/me', (request) => {
    server.count('accounts');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { Data: [{ AccountId: `${user.userId}/EUR`, AccountKey: `${user.clientKey.slice(0, 10)}acct==`, ClientKey: user.clientKey, Currency: 'EUR', Active: true }] });
  });

  return {
    ...controls.handle,
    signOutEverywhere: (user) => grants.revokeGrantsOf((someone) => someone.userKey === user.userKey),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
