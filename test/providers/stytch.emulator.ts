/**
 * An emulator of a Stytch project's Connected Apps (its project domain, the
 * issuer, the emulator's origin; the application's Authorization URL served
 * there too) with one confidential Connected App, written from Stytch's
 * documentation:
 * - Discovery at /.well-known/openid-configuration naming the Authorization
 *   URL, /v1/oauth2/token, /v1/oauth2/userinfo and /.well-known/jwks.json, and
 *   no revocation endpoint:
 *   https://stytch.com/docs/api-reference/b2b/api/connected-apps/configuration/openid-configuration
 * - The token endpoint takes JSON or a form, the client by Basic or in the
 *   body; access tokens one hour; a confidential client's refresh token is
 *   not rotated (a refresh answers none) and lives three months from its last
 *   use; answers carry `request_id` and `status_code`:
 *   https://stytch.com/docs/api-reference/b2b/api/connected-apps/exchange-authorization-code,
 *   https://stytch.com/docs/api-reference/b2b/api/connected-apps/exchange-refresh-token
 * - ID token claims by scope (`name`, `given_name`, `family_name`; `email`,
 *   `email_verified`), `sub` the user id:
 *   https://stytch.com/docs/api-reference/b2b/api/connected-apps/tokens/connected-app-id-token-object
 * - Revocation (RFC 7009) at /v1/oauth2/revoke, by Basic or the body; a
 *   refresh token revoked ends the access token issued with it:
 *   https://stytch.com/docs/api-reference/b2b/api/connected-apps/methods/revoke-token
 * Made up here, as the pages do not say them: the refusals' bodies (RFC 6749
 * §5.2 codes with Stytch's `status_code` and `request_id`), the
 * Authorization URL's page for an unknown client, userinfo's 401, and three
 * months as 90 days. revokeConsent() is the user revoking the app's access
 * (the consent management endpoints), which ends its tokens. The
 * Authorization URL approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { jsonOrForm, tokenEndpoint } from './kit/token-endpoint.js';

export interface StytchUser {
  /** The Stytch user id (`user-test-…`): the `sub`. */
  id: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface StytchEmulator extends EmulatorHandle<StytchUser> {
  readonly issuer: string;
  /** The user revokes the Connected App's access: its tokens stop working. */
  revokeConsent(user: StytchUser): void;
}

export const STYTCH_REFRESH_TOKEN_IDLE_SECONDS = 90 * 86_400;
let requests = 0;
const requestId = () => `request-id-test-${String((requests += 1)).padStart(8, '0')}`;
const stytchError = (status: number, error: string, description: string) => json(status, { error, error_description: description, status_code: status, request_id: requestId() });

export async function startStytchEmulator(options: EmulatorOptions): Promise<StytchEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<StytchUser>({
    now,
    accessTokenTtl: 3600,
    refreshPolicy: 'static',
    refreshTokenTtl: null,
    refreshTokenIdleTtl: STYTCH_REFRESH_TOKEN_IDLE_SECONDS,
  });
  const controls = emulatorControls<StytchUser>(server, grants);
  const refreshTokens = new Set<string>();

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      authorization_endpoint: `${issuer}/oauth2/authorize`,
      grant_types_supported: ['authorization_code', 'refresh_token'],
      id_token_signing_alg_values_supported: ['RS256'],
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      request_id: requestId(),
      response_types_supported: ['code'],
      scopes_supported: ['openid', 'profile', 'email', 'phone', 'offline_access'],
      status_code: 200,
      subject_types_supported: ['public'],
      token_endpoint: `${issuer}/v1/oauth2/token`,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      userinfo_endpoint: `${issuer}/v1/oauth2/userinfo`,
    }),
  );
  server.route('GET', '/.well-known/jwks.json', () => json(200, key.jwks));

  // The application's Authorization URL, which runs Stytch's authorization flow.
  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<p>This application could not be authorized.</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied the request.' });
    const asked = codeRequest(query, options, user);
    return reply({ code: grants.issueCode({ ...asked, refreshToken: asked.scope.split(' ').includes('offline_access') }) });
  });

  // Basic (form-decoded, RFC 6749 §2.3.1) or the body, JSON or a form.
  const authenticates = (request: EmulatorRequest): boolean => {
    const basic = request.basicAuth();
    server.count(basic ? 'client_secret_basic' : 'client_secret_post');
    const body = jsonOrForm(request);
    const [id, secret] = basic ? [basic.username, basic.password] : [body.get('client_id'), body.get('client_secret')];
    return id === options.clientId && secret === options.clientSecret;
  };

  const claims = (grant: Grant<StytchUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName, middle_name: '' } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: true } : {}),
    };
  };

  const idToken = (grant: Grant<StytchUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, { ...claims(grant), iss: issuer, aud: [options.clientId] });

  tokenEndpoint(server, '/v1/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    parameters: jsonOrForm,
    errors: {
      client: () => stytchError(401, 'invalid_client', 'Client authentication failed.'),
      refreshToken: () => stytchError(400, 'invalid_grant', 'The refresh token is invalid, expired, or revoked.'),
      code: () => stytchError(400, 'invalid_grant', 'The authorization code is invalid, expired, or already used.'),
    },
    answer: async ({ grant, tokens }) => {
      if (tokens.refreshToken) refreshTokens.add(tokens.refreshToken);
      return json(200, {
        access_token: tokens.accessToken,
        expires_in: tokens.expiresIn,
        // A confidential client's refresh token is not rotated: a refresh answers none.
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        scope: grant.scope,
        token_type: 'bearer',
        id_token: await idToken(grant, tokens.accessToken),
        request_id: requestId(),
        status_code: 200,
      });
    },
  });

  server.route('POST', '/v1/oauth2/revoke', (request) => {
    server.count('revoke');
    if (!authenticates(request)) return stytchError(401, 'invalid_client', 'Client authentication failed.');
    const token = jsonOrForm(request).get('token') ?? '';
    // A refresh token ends with the access tokens issued with it; an access token alone.
    if (refreshTokens.has(token)) {
      const grant = grants.grantOfToken(token);
      if (grant) grants.revokeGrant(grant.id);
    } else grants.revokeAccessToken(token);
    return json(200, { request_id: requestId(), status_code: 200 });
  });

  server.route('GET', '/v1/oauth2/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
    return json(200, claims(grant));
  });

  return {
    ...controls.handle,
    issuer,
    revokeConsent: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
