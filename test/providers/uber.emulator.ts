/**
 * An emulator of Uber's OAuth (auth.uber.com) and of the user profile of its
 * API (api.uber.com), both served here, written from Uber's developer
 * documentation:
 * - Authorize (https://developer.uber.com/docs/consumer-identity/guides/authorization-code-flow):
 *   `GET /oauth/v2/authorize` with `client_id`, `response_type=code`,
 *   `redirect_uri`, `scope` (space-delimited) and `state`; a refresh token
 *   only for `offline_access` (https://developer.uber.com/docs/consumer-identity/guides/scopes).
 * - Token (https://developer.uber.com/docs/riders/references/api/v2/token-post):
 *   `POST /oauth/v2/token`, a form, `client_id` and `client_secret` in it;
 *   30-day access tokens (`expires_in: 2592000`), `token_type: "Bearer"`,
 *   `refresh_token` and `scope`; a refresh answers a refresh token too
 *   (https://developer.uber.com/docs/consumer-identity/oauthplayground/refresh-token),
 *   and a refresh token lasts a year
 *   (https://developer.uber.com/docs/consumer-identity/guides/client-access-token).
 * - Revoke (https://developer.uber.com/docs/consumer-identity/guides/revoke-token,
 *   https://developer.uber.com/docs/consumer-identity/references/api/v2/revoke-post):
 *   `POST /oauth/v2/revoke`, a form with the client and `token`, access or
 *   refresh; 200 `{ "message": "OK" }` whether the token was valid or not;
 *   it ends that one token alone.
 * - Profile (https://developer.uber.com/docs/consumer-identity/references/api/v3/me-get):
 *   `GET /v3/me`, the `profile` scope needed: `sub`, `given_name`,
 *   `family_name`, `email`, `picture`, `promo_code`.
 * Made up here, as the pages read do not say them: that the refresh token
 * used keeps working after a refresh (the grant store's `reissued`), the
 * token endpoint's refusals (RFC 6749 §5.2's `{ error }`, 401 for a wrong
 * client), the pages for an unknown client or redirect URI, `access_denied`
 * for a person who declines, and the API's 401 body for a token it does not
 * take. PKCE is not documented, so a challenge is not kept nor a verifier read.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface UberUser {
  /** The encrypted rider id Uber's `/v3/me` answers as `sub`. */
  sub: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface UberEmulator extends EmulatorHandle<UberUser> {
  /** Whether Uber still takes this refresh token. */
  refreshTokenLive(refreshToken: string): boolean;
}

export const UBER_ACCESS_TOKEN_SECONDS = 2_592_000;
const UBER_REFRESH_TOKEN_SECONDS = 365 * 86_400;

export async function startUberEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<UberEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<UberUser>({ accessTokenTtl: UBER_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued', refreshTokenTtl: UBER_REFRESH_TOKEN_SECONDS });
  const controls = emulatorControls<UberUser>(server, grants);
  /** Refresh tokens revoked one by one: Uber's revocation ends the token given and no other. */
  const revokedRefreshTokens = new Set<string>();

  authorizationEndpoint(server, '/oauth/v2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    request: (query) => ({ refreshToken: requestedScopes(query).includes('offline_access') }),
  });

  const isClient = (request: EmulatorRequest) => formCredentials(request, options);

  tokenEndpoint(server, '/oauth/v2/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates: isClient,
    refuseRefresh: (presented) => (revokedRefreshTokens.has(presented) ? oauthError(400, 'invalid_grant') : undefined),
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  server.route('POST', '/oauth/v2/revoke', (request) => {
    server.count('revoke');
    if (!isClient(request)) return oauthError(401, 'invalid_client');
    const token = request.form().get('token') ?? '';
    if (!grants.revokeAccessToken(token) && grants.grantOfToken(token)) revokedRefreshTokens.add(token);
    return json(200, { message: 'OK' });
  });

  server.route('GET', '/v3/me', (request) => {
    server.count('me');
    const grant = bearerGrant(grants, request, () => json(401, { message: 'No authentication provided.', code: 'unauthorized' }));
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes('profile')) return json(403, { message: 'Forbidden', code: 'forbidden' });
    const { user } = grant;
    return json(200, { sub: user.sub, given_name: user.givenName, family_name: user.familyName, email: user.email, picture: 'https://d1w2poirtb3as9.cloudfront.net/default.jpeg', promo_code: 'uberd340ue' });
  });

  return {
    ...controls.handle,
    refreshTokenLive: (refreshToken) => !revokedRefreshTokens.has(refreshToken) && grants.grantOfToken(refreshToken)?.revoked === false,
  };
}
