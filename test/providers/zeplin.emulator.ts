/**
 * An emulator of Zeplin's OAuth for Zeplin apps and of the part of its API a
 * connection touches (all on api.zeplin.dev, under /v1), written from
 * Zeplin's API reference (https://docs.zeplin.dev/reference/authentication,
 * https://docs.zeplin.dev/reference/oauthauthorize) and the OpenAPI
 * description it is rendered from, which Zeplin's SDK is generated from
 * (https://github.com/zeplin/javascript-sdk):
 * - Authorize: `GET /v1/oauth/authorize` with `client_id`, `redirect_uri`
 *   (exactly one the app whitelisted), `response_type=code`, `state` and an
 *   optional PKCE challenge (`S256` by default, or `plain`); no scope.
 * - Token: `POST /v1/oauth/token` with a JSON body (`application/json`):
 *   `grant_type` `authorization_code` (`code`, `redirect_uri`,
 *   `code_verifier` for a PKCE code) or `refresh_token` (`refresh_token`),
 *   with `client_id` and `client_secret`, which may be left out only for a
 *   code obtained with PKCE. The answer is `access_token`, `expires_in`,
 *   `refresh_token`, `refresh_expires_in` and `token_type` (`bearer`), the
 *   lifetimes those of the reference's example; a refresh answers a new
 *   refresh token.
 * - Refusals are HTTP 400 with `{ message, detail }`, `message` the RFC 6749
 *   code, as the reference lists them: a code expired, malformed, used
 *   before or not the client's, a refresh token expired, malformed or not
 *   the client's, a redirect URI not whitelisted, a code verifier missing or
 *   wrong (`invalid_grant`), a wrong client id or secret (`invalid_client`).
 * - API, the token as Bearer: `GET /v1/users/me` (`id`, `email`, a
 *   Zeplin-only alias for OAuth apps, `username`, `emotar`, `avatar`,
 *   `last_seen`) and `GET /v1/projects`.
 * Made up here, as the reference does not say them: that the refresh token
 * used stops working, a non-JSON body refused as `invalid_request`, the
 * page for an unknown client or redirect URI, `access_denied` for a person
 * who declines, and the API's 401 `{ message }` for a token it does not take.
 * endGrants() ends the person's grants to the app: their tokens stop working.
 * There is no revocation endpoint. The authorization page approves at once
 * for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { isJson, json, startEmulatorServer, type EmulatorReply } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { jsonOrForm, tokenEndpoint } from './kit/token-endpoint.js';

export interface ZeplinUser {
  /** Zeplin's user id, 24 hex digits. */
  id: string;
  username: string;
  /** The Zeplin-only alias an OAuth app is shown in place of the address. */
  emailAlias: string;
}

export interface ZeplinEmulator extends EmulatorHandle<ZeplinUser> {
  /** The JSON body of each token request, in order. */
  readonly tokenBodies: ReadonlyArray<Record<string, unknown>>;
  /** The person's grants to the app end: every token of theirs stops working. */
  endGrants(user: ZeplinUser): void;
}

/** The lifetimes of the reference's example token answer, in seconds as the fields are described. */
export const ZEPLIN_ACCESS_TOKEN_SECONDS = 86_400_000;
export const ZEPLIN_REFRESH_TOKEN_SECONDS = 864_000_000;

const zeplinError = (status: number, message: string, detail?: string): EmulatorReply => json(status, detail === undefined ? { message } : { message, detail });

const CODE_DETAILS = {
  unknown_code: 'Provided `code` is malformed',
  expired_code: 'Provided `code` is expired',
  code_reused: 'Provided `code` is used before',
  wrong_client: 'Provided `code` is not usable for the provided `client_id`',
  redirect_uri_mismatch: 'Provided `redirect_uri` must be whitelisted for the application',
  pkce_failed: 'Provided `code_verifier` is incorrect',
} as const;

export async function startZeplinEmulator(options: EmulatorOptions): Promise<ZeplinEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ZeplinUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ZEPLIN_ACCESS_TOKEN_SECONDS,
    refreshPolicy: 'rotating',
    refreshTokenTtl: ZEPLIN_REFRESH_TOKEN_SECONDS,
  });
  const controls = emulatorControls<ZeplinUser>(server, grants);
  const tokenBodies: Array<Record<string, unknown>> = [];

  authorizationEndpoint(server, '/v1/oauth/authorize', { client: options, grants, approver: controls.approver, pages: 'Invalid OAuth request' });

  tokenEndpoint(server, '/v1/oauth/token', {
    client: options,
    grants,
    screen: (request) => {
      if (!isJson(request)) return zeplinError(400, 'invalid_request', 'Request body must be JSON');
      tokenBodies.push(request.json() as Record<string, unknown>);
      return undefined;
    },
    failure: { queued: controls.tokenFailure },
    parameters: jsonOrForm,
    authenticates: (request) => credentialsIn(jsonOrForm(request), options),
    errors: {
      client: () => zeplinError(400, 'invalid_client', 'Provided `client_id` or `client_secret` are incorrect'),
      grantType: () => zeplinError(400, 'unsupported_grant_type'),
      refreshToken: (reason) => zeplinError(400, 'invalid_grant', reason === 'expired_token' ? 'Provided `refresh_token` is expired' : reason === 'wrong_client' ? 'Provided `refresh_token` is not usable for the provided `client_id`' : 'Provided `refresh_token` is malformed'),
      code: (reason) => zeplinError(400, 'invalid_grant', CODE_DETAILS[reason]),
    },
    answer: ({ tokens }) =>
      json(200, { access_token: tokens.accessToken, expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken, refresh_expires_in: tokens.refreshTokenExpiresIn, token_type: 'bearer' }),
  });

  const authorized = (request: Parameters<typeof bearerGrant>[1]) => bearerGrant(grants, request, () => zeplinError(401, 'Unauthorized'));

  server.route('GET', '/v1/users/me', (request) => {
    server.count('users_me');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { id: user.id, email: user.emailAlias, username: user.username, emotar: '🦄', avatar: `https://cdn.zeplin.io/avatars/${user.id}.png`, last_seen: 1_700_000_000 });
  });

  server.route('GET', '/v1/projects', (request) => {
    server.count('projects');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    return json(200, [{ id: '5db81e73e1e36ee19f3ecc6e', name: `${grant.user.username}'s app`, platform: 'web', status: 'active', created: 1_572_347_507 }]);
  });

  return {
    ...controls.handle,
    tokenBodies,
    endGrants: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
