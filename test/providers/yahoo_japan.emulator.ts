/**
 * An emulator of Yahoo! JAPAN ID連携 (YConnect v2) on one origin for its hosts (auth.login.yahoo.co.jp/yconnect/v2
 * and userinfo.yahooapis.jp), written from Yahoo! JAPAN's token endpoint page
 * (https://developer.yahoo.co.jp/yconnect/v2/authorization_code/token.html) and its SDK
 * (https://github.com/yahoojapan/yconnect-php-sdk):
 * - discovery at `/.well-known/openid-configuration` (the issuer is the origin), naming `/authorization`,
 *   `/token`, `/yconnect/v2/attribute` as userinfo and the keys; ID tokens signed with RS256, their `aud` an array
 *   holding the client id, with the request's `nonce` and the access token's `at_hash`, and no profile claims;
 * - `/authorization` with `response_type=code`, `client_id`, `redirect_uri`, `scope` (`openid` `profile` `email`
 *   `address`), `state`, `nonce` and the PKCE challenge; another scope is sent back as `invalid_scope`, a refusing
 *   person as `access_denied`;
 * - `/token` takes the client as Basic alone (id and secret as they are), a form with the grant's members, and
 *   checks PKCE; the code exchange answers `access_token`, `token_type` `Bearer`, `expires_in` (3600),
 *   `refresh_token` and `id_token`; a refresh answers `access_token`, `token_type` and `expires_in`, the refresh
 *   token staying the same. A refresh token lasts four weeks from the sign-in. Refusals are `error`,
 *   `error_description` and `error_code` (400; 401 for the client; the numbers are the emulator's);
 * - `/yconnect/v2/attribute` answers `sub`, `name`, `given_name`, `family_name`, `nickname`, `picture`, `email`
 *   and `email_verified` as the scopes allow, the token as Bearer; a token it does not take is a 401 with
 *   `WWW-Authenticate: Bearer error="invalid_token"`. No revocation endpoint.
 * The person may remove the app in their Yahoo! JAPAN ID (`removeApp`), which ends the grant. The authorization
 * page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface YahooJapanUser {
  /** The ID token's and the UserInfo API's `sub`: the person's id for this app. */
  sub: string;
  givenName: string;
  familyName: string;
  nickname: string;
  email: string;
  emailVerified: boolean;
}

export interface YahooJapanEmulator extends EmulatorHandle<YahooJapanUser> {
  readonly issuer: string;
  /** The person removes the app in their Yahoo! JAPAN ID: every token of theirs ends. */
  removeApp(user: YahooJapanUser): void;
}

const SCOPES = ['openid', 'profile', 'email', 'address'];

export async function startYahooJapanEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<YahooJapanEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const key = await createSigningKey('RS256');
  const grants = new GrantStore<YahooJapanUser>({ accessTokenTtl: 3600, refreshPolicy: 'static', refreshTokenTtl: 28 * 86_400 });
  const controls = emulatorControls<YahooJapanUser>(server, grants);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/authorization`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/yconnect/v2/attribute`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: SCOPES,
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      code_challenge_methods_supported: ['plain', 'S256'],
    }),
  );
  server.route('GET', '/jwks', () => json(200, key.jwks));

  authorizationEndpoint(server, '/authorization', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => (requestedScopes(query).some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope', error_description: 'invalid scope' } : undefined),
  });

  const refusal = (status: number, error: string, code: number, description: string) => json(status, { error, error_description: description, error_code: code });

  tokenEndpoint(server, '/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options) && !request.form().has('client_secret'),
    errors: {
      client: () => refusal(401, 'invalid_client', 1003, 'Invalid client.'),
      code: () => refusal(400, 'invalid_grant', 1100, 'Invalid authorization code.'),
      refreshToken: () => refusal(400, 'invalid_grant', 1101, 'Invalid refresh token.'),
    },
    answer: async ({ grantType, grant, tokens }) => {
      if (grantType === 'refresh_token') return json(200, { access_token: tokens.accessToken, token_type: 'Bearer', expires_in: tokens.expiresIn });
      const now = Math.floor(Date.now() / 1000);
      const idToken = await grantIdToken(key, grant, tokens.accessToken, { iss: issuer, sub: grant.user.sub, aud: [options.clientId], auth_time: now, amr: ['pwd'] });
      return json(200, { access_token: tokens.accessToken, token_type: 'Bearer', expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken, id_token: idToken });
    },
  });

  const invalidToken = () => ({
    status: 401,
    headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer error="invalid_token", error_description="expired token"' },
    body: JSON.stringify({ error: 'invalid_token', error_description: 'expired token' }),
  });

  server.route('GET', '/yconnect/v2/attribute', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return invalidToken();
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return json(200, {
      sub: user.sub,
      ...(scopes.includes('profile')
        ? { name: `${user.familyName} ${user.givenName}`, given_name: user.givenName, family_name: user.familyName, nickname: user.nickname, picture: `https://dummyimage.yahoo.co.jp/${user.sub}.png` }
        : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: user.emailVerified } : {}),
    });
  });

  return {
    ...controls.handle,
    issuer,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.sub === user.sub),
  };
}
