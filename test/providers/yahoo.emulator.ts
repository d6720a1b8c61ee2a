/**
 * An emulator of Sign in with Yahoo, written from Yahoo's documentation:
 * - discovery at `/.well-known/openid-configuration` (the issuer is the
 *   origin), naming `/oauth2/request_auth`, `/oauth2/get_token`,
 *   `/openid/v1/userinfo` and the keys at `/openid/v1/certs`, and no
 *   revocation endpoint; ID tokens signed with ES256:
 *   https://developer.yahoo.com/sign-in-with-yahoo/,
 *   https://developer.yahoo.com/oauth2/guide/openid_connect/getting_started.html
 * - `/oauth2/request_auth` sends a person who answers "Not now" back with
 *   `error=access_denied`:
 *   https://developer.yahoo.com/oauth2/guide/openid_connect/troubleshooting.html
 * - `/oauth2/get_token` takes Basic with `client_id:client_secret` as they
 *   are and a `redirect_uri` with every grant (`oob` for a refresh); it
 *   answers `access_token`, `token_type` "bearer", `expires_in` 3600,
 *   `refresh_token` (the same one again at a refresh, or a new one when told
 *   to rotate), `xoauth_yahoo_guid`, and the `id_token` at the code
 *   exchange; refusals are `error` and `error_description`, with Yahoo's
 *   codes: 401 `INVALID_GRANT` for a code, 400 `INVALID_REFRESH_TOKEN` for
 *   a refresh token, 401 `INVALID_CLIENT_SECRET`, and 400 `invalid_request`
 *   for a missing parameter:
 *   https://developer.yahoo.com/oauth2/guide/flows_authcode/,
 *   https://developer.yahoo.com/oauth2/guide/errors/
 * - `/openid/v1/userinfo` answers `sub`, `name`, `given_name`,
 *   `family_name`, `preferred_username`, `email` and `picture`, and a token
 *   it does not take with 401 `invalid_token`:
 *   https://developer.yahoo.com/oauth2/guide/get-user-inf/Get-User-Info-API.html
 * Refresh tokens do not expire; a person who revokes the app in their
 * account settings ends them. Not from the docs: the exact statuses and
 * codes of the refusals (users report 400 `INVALID_REFRESH_TOKEN`), a
 * refresh without `redirect_uri` refused, PKCE (S256) checked, and
 * `invalid_scope` for a scope the app was not given (as users report).
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';

export interface YahooUser {
  /** The ID token's and userinfo's `sub`. */
  sub: string;
  /** `xoauth_yahoo_guid`, the user's GUID. */
  guid: string;
  nickname: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface YahooEmulatorOptions extends Omit<EmulatorOptions, 'now'> {
  /** The OpenID Connect permissions ticked on the app (default both). */
  permissions?: Array<'email' | 'profile'>;
  /** A refresh answers a new refresh token, and the old one stops working (Yahoo's "it may change"); default: the same one again. */
  newRefreshTokens?: boolean;
}

export interface YahooEmulator extends EmulatorHandle<YahooUser> {
  readonly issuer: string;
  /** The person removes the app in their Yahoo account: every token of the grant ends. */
  revokeApp(refreshToken: string): void;
}

const PERMISSION_SCOPES = { email: 'email', profile: 'profile' } as const;

export async function startYahooEmulator(options: YahooEmulatorOptions): Promise<YahooEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const key = await createSigningKey('ES256');
  const grants = new GrantStore<YahooUser>({
    accessTokenTtl: 3600,
    refreshPolicy: options.newRefreshTokens ? 'rotating' : 'static',
    refreshTokenTtl: null,
  });
  const controls = emulatorControls<YahooUser>(server, grants);
  const allowedScopes = new Set(['openid', ...(options.permissions ?? ['email', 'profile']).map((permission) => PERMISSION_SCOPES[permission])]);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/oauth2/request_auth`,
      token_endpoint: `${issuer}/oauth2/get_token`,
      introspection_endpoint: `${issuer}/oauth2/introspect`,
      userinfo_endpoint: `${issuer}/openid/v1/userinfo`,
      jwks_uri: `${issuer}/openid/v1/certs`,
      response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      claims_supported: ['aud', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'iss', 'locale', 'name', 'nickname', 'picture', 'sub'],
    }),
  );
  server.route('GET', '/openid/v1/certs', () => json(200, key.jwks));

  // Yahoo shows its errors on its own page: "Developers: Please specify a valid request and submit again."
  const errorPage = (cause: string) => html(400, `<html><body><p>Uh-oh, looks like something went wrong.</p><p class="developer">Developers: ${cause}</p></body></html>`);

  server.route('GET', '/oauth2/request_auth', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return errorPage('Please specify a valid client and redirect URI and submit again');
    const challenge = query.get('code_challenge');
    if (challenge !== null && query.get('code_challenge_method') !== 'S256') return errorPage('Please specify valid code challenge and code challenge method and submit again');
    const reply = redirectBack(options.redirectUri, query);
    const scopes = (query.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.some((scope) => !allowedScopes.has(scope))) return reply({ error: 'invalid_scope', error_description: 'The requested scope is invalid' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'the user denied the consent' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  const refusal = (status: number, error: string, description: string): EmulatorReply => json(status, { error, error_description: description });
  /** Basic with `client_id:client_secret` as they are. */
  const clientOf = (request: EmulatorRequest): 'ok' | 'unknown' | 'wrong_secret' => {
    const match = /^Basic (.+)$/i.exec(request.headers.authorization ?? '');
    const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon === -1 || decoded.slice(0, colon) !== options.clientId) return 'unknown';
    return decoded.slice(colon + 1) === options.clientSecret ? 'ok' : 'wrong_secret';
  };

  tokenEndpoint(server, '/oauth2/get_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => refusal(status, 'ERROR_HANDLING_REQUEST', 'Error handling request') },
    // An unknown client and a wrong secret are refused apart; then both grants need a redirect_uri.
    authenticates: (request) => {
      const client = clientOf(request);
      if (client === 'unknown') return refusal(400, 'INVALID_CLIENT', 'An invalid Client ID was provided');
      if (client === 'wrong_secret') return refusal(401, 'INVALID_CLIENT_SECRET', 'An invalid Client Secret was provided');
      return request.form().get('redirect_uri') ? true : refusal(400, 'invalid_request', 'redirect uri parameter cannot be empty');
    },
    errors: {
      grantType: () => refusal(400, 'UNSUPPORTED_GRANT_TYPE', 'The provided grant_type is not supported'),
      refreshToken: () => refusal(400, 'INVALID_REFRESH_TOKEN', 'Failed to decode/encode refresh token'),
      code: () => refusal(401, 'INVALID_GRANT', 'An invalid or expired token was provided'),
    },
    refuseRefresh: (presented) => (presented ? undefined : refusal(400, 'invalid_request', 'refresh token parameter cannot be empty for refresh_token grant type')),
    answer: async ({ grantType, grant, tokens, form }) => {
      const person = grant.user;
      if (grantType === 'refresh_token') {
        // The same refresh token again, unless it changed.
        const refreshToken = tokens.refreshToken ?? form.get('refresh_token');
        return json(200, { access_token: tokens.accessToken, refresh_token: refreshToken, expires_in: tokens.expiresIn, token_type: 'bearer', xoauth_yahoo_guid: person.guid });
      }
      const scopes = grant.scope.split(' ');
      const idToken = await grantIdToken(key, grant, tokens.accessToken, {
        iss: issuer,
        sub: person.sub,
        aud: options.clientId,
        auth_time: Math.floor(Date.now() / 1000),
        amr: ['pwd'],
        ...(scopes.includes('profile') ? { name: `${person.givenName} ${person.familyName}`, given_name: person.givenName, family_name: person.familyName, nickname: person.nickname, locale: 'en-US' } : {}),
        ...(scopes.includes('email') ? { email: person.email, email_verified: true } : {}),
      });
      return json(200, { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, expires_in: tokens.expiresIn, token_type: 'bearer', xoauth_yahoo_guid: person.guid, id_token: idToken });
    },
  });

  server.route('GET', '/openid/v1/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return { status: 401, headers: { 'www-authenticate': 'error="invalid_token", error_description="The Access Token expired"' } };
    const person = grant.user;
    const scopes = grant.scope.split(' ');
    return json(200, {
      sub: person.sub,
      ...(scopes.includes('profile')
        ? { name: `${person.givenName} ${person.familyName}`, given_name: person.givenName, family_name: person.familyName, preferred_username: person.nickname, picture: `https://s.yimg.com/ag/images/${person.guid}_192sq.jpg` }
        : {}),
      ...(scopes.includes('email') ? { email: person.email } : {}),
    });
  });

  return {
    ...controls.handle,
    issuer,
    revokeApp: (refreshToken) => {
      const grant = grants.grantOfToken(refreshToken);
      if (grant) grants.revokeGrant(grant.id);
    },
  };
}
