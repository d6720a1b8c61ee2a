/**
 * An emulator of an Ory Network project's OAuth2 & OpenID Connect (Ory Hydra;
 * its issuer the emulator's origin) with one OAuth2 client, written from Ory's
 * documentation:
 * - Discovery at /.well-known/openid-configuration naming /oauth2/auth,
 *   /oauth2/token, /userinfo, /oauth2/revoke and /.well-known/jwks.json:
 *   https://www.ory.sh/docs/hydra/reference/api
 * - The client's `token_endpoint_auth_method`, `client_secret_basic` by
 *   default, is the only one taken (credentials in the form are refused; the
 *   Basic id and secret form-decoded, RFC 6749 §2.3.1, as fosite's
 *   client_authentication.go reads them);
 *   PKCE S256 taken: https://www.ory.sh/docs/oauth2-oidc/authorization-code-flow
 * - A refresh token only with `offline_access`; each refresh answers a new
 *   one and spends the old; a spent one used again revokes the whole chain
 *   (no grace period configured): https://www.ory.sh/docs/oauth2-oidc/refresh-token-grant
 * - Lifetimes: access and ID tokens 1 hour, refresh tokens 30 days, codes 10
 *   minutes: https://www.ory.sh/docs/hydra/guides/token-expiration
 * - `sub` the identity's UUID; `email` and `email_verified` for `email`;
 *   `name` and `username` for `profile`:
 *   https://www.ory.sh/docs/oauth2-oidc/openid-connect-claims-scope-custom
 * - A spent refresh token used again is answered HTTP 401 `token_inactive`;
 *   an unknown (revoked) or expired one 400 `invalid_grant`: Hydra's fosite,
 *   handler/oauth2/flow_refresh.go and errors.go (the 401 as
 *   https://github.com/ory/hydra/discussions/3652 reports it).
 * - Revocation (RFC 7009) at /oauth2/revoke; revoking consent (the admin
 *   API's DELETE /admin/oauth2/auth/sessions/consent) revokes every token of
 *   the subject's: https://www.ory.sh/docs/hydra/reference/api
 * Made up here, as Ory's pages do not say them: the descriptions of
 * `invalid_client` and `invalid_grant` (fosite's wording, abridged), the
 * error page for a wrong redirect URI, and userinfo's 401 body. The consent
 * screen approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, RFC_6749_DESCRIPTIONS, tokenEndpoint } from './kit/token-endpoint.js';

export interface OryIdentity {
  /** The identity's id in Ory Identities (a UUID): the `sub`. */
  id: string;
  username: string;
  name: string;
  email: string;
}

export interface OryEmulator extends EmulatorHandle<OryIdentity> {
  readonly issuer: string;
  /** The admin API revokes the identity's consent sessions: every token of theirs stops working. */
  revokeConsent(identity: OryIdentity): void;
}

const ACCESS_TOKEN_SECONDS = 3600;
export const ORY_REFRESH_TOKEN_SECONDS = 30 * 86_400;
const INVALID_CLIENT = RFC_6749_DESCRIPTIONS.invalid_client;
const INVALID_GRANT = RFC_6749_DESCRIPTIONS.invalid_grant;
const TOKEN_INACTIVE = 'Token is inactive because it is malformed, expired or otherwise invalid. Token validation failed.';

export async function startOryEmulator(options: EmulatorOptions): Promise<OryEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<OryIdentity>({
    now,
    accessTokenTtl: ACCESS_TOKEN_SECONDS,
    refreshPolicy: 'rotating',
    refreshTokenTtl: ORY_REFRESH_TOKEN_SECONDS,
    revokeGrantOnReuse: true,
    codeTtl: 600,
    prefixes: { access: 'ory_at_', refresh: 'ory_rt_' },
  });
  const controls = emulatorControls<OryIdentity>(server, grants);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/oauth2/auth`,
      token_endpoint: `${issuer}/oauth2/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      userinfo_endpoint: `${issuer}/userinfo`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      end_session_endpoint: `${issuer}/oauth2/sessions/logout`,
      subject_types_supported: ['public'],
      response_types_supported: ['code', 'code id_token', 'id_token', 'token id_token', 'token', 'token id_token code'],
      claims_supported: ['sub'],
      grant_types_supported: ['authorization_code', 'implicit', 'client_credentials', 'refresh_token'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      userinfo_signing_alg_values_supported: ['none', 'RS256'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['offline_access', 'offline', 'openid'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt', 'none'],
      code_challenge_methods_supported: ['plain', 'S256'],
      backchannel_logout_supported: true,
      frontchannel_logout_supported: true,
    }),
  );
  server.route('GET', '/.well-known/jwks.json', () => json(200, key.jwks));

  server.route('GET', '/oauth2/auth', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<p>The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    const identity = controls.approver();
    if (!identity) return reply({ error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.' });
    const asked = codeRequest(query, options, identity);
    return reply({ code: grants.issueCode({ ...asked, refreshToken: asked.scope.split(' ').includes('offline_access') }) });
  });

  // The client's registered method alone: Basic, its id and secret form-decoded (RFC 6749 §2.3.1), as fosite reads them.
  const authenticates = (request: EmulatorRequest): boolean => {
    const basic = request.basicAuth();
    server.count(basic ? 'client_secret_basic' : 'client_secret_post');
    return basic !== null && request.form().get('client_secret') === null && basic.username === options.clientId && basic.password === options.clientSecret;
  };

  const claims = (grant: Grant<OryIdentity>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { name: user.name, username: user.username } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: true } : {}),
    };
  };

  const idToken = (grant: Grant<OryIdentity>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, {
      ...claims(grant),
      iss: issuer,
      aud: [options.clientId],
      auth_time: now(),
      sid: `${grant.id}-session`,
    });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => oauthError(401, 'invalid_client', INVALID_CLIENT),
      refreshToken: (reason) => (reason === 'reused_token' ? oauthError(401, 'token_inactive', TOKEN_INACTIVE) : oauthError(400, 'invalid_grant', INVALID_GRANT)),
      code: () => oauthError(400, 'invalid_grant', INVALID_GRANT),
    },
    answer: async ({ grant, tokens }) =>
      json(200, openIdTokenAnswer(tokens, grant.scope, 'bearer', await idToken(grant, tokens.accessToken), { sorted: true })),
  });

  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    if (!authenticates(request)) return oauthError(401, 'invalid_client', INVALID_CLIENT);
    const token = request.form().get('token') ?? '';
    // Either token revoked ends the tokens issued with it (fosite revokes by the request both came from).
    const grant = grants.grantOfToken(token);
    if (grant) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  server.route('GET', '/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'request_unauthorized', error_description: 'The request could not be authorized.' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, claims(grant));
  });

  return {
    ...controls.handle,
    issuer,
    revokeConsent: (identity) => grants.revokeGrantsOf((someone) => someone.id === identity.id),
  };
}
