/**
 * An emulator of GitLab as an OAuth 2.0 and OpenID Connect provider (a
 * self-managed instance whose URL is the emulator's origin), written from
 * GitLab's documentation:
 * - OAuth 2.0 identity provider API: authorization code with PKCE (S256 or plain),
 *   the token answer (`token_type`, `expires_in`, `refresh_token`, `scope`, `created_at`),
 *   a refresh that "invalidates the existing access_token and refresh_token" and sends
 *   new ones, revocation at /oauth/revoke:
 *   https://docs.gitlab.com/api/oauth2/
 * - Access tokens expire after 2 hours; an app's scopes bound what it may request:
 *   https://docs.gitlab.com/integration/oauth_provider/
 * - OpenID Connect: discovery at /.well-known/openid-configuration (issuer = the instance URL),
 *   JWKS at /oauth/discovery/keys, userinfo at /oauth/userinfo, the claims (`sub` is the
 *   user's id; `nickname`/`preferred_username` the username; `email`, `email_verified`):
 *   https://docs.gitlab.com/integration/openid_connect_provider/
 * - `GET /api/v4/user` with a `read_user` token; 401 for a token that is expired or revoked:
 *   https://docs.gitlab.com/api/users/, https://docs.gitlab.com/api/rest/authentication/
 * - Token errors in RFC 6749 §5.2 form with GitLab's (Doorkeeper's) descriptions, each
 *   with a `WWW-Authenticate: Bearer realm="Doorkeeper", error=…` challenge as
 *   Doorkeeper sends one with every refusal (test/interop/doorkeeper.test.ts sees it);
 *   revocation answers 200 for a token it does not know (RFC 7009 §2.2).
 * The authorization page approves at once for the user set with signInAs().
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey } from './kit/signing.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

/** A refusal as Doorkeeper answers it: the JSON body, and the same error in a Bearer challenge. */
function refusal(status: number, error: Parameters<typeof describedError>[0]): EmulatorReply {
  const body = describedError(error);
  return json(status, body, { 'www-authenticate': `Bearer realm="Doorkeeper", error="${body.error}", error_description="${body.error_description}"` });
}

export interface GitLabUser {
  id: number;
  username: string;
  name: string;
  email: string;
}

export interface GitLabEmulatorOptions extends EmulatorOptions {
  /** The scopes selected for the application (default: openid profile email read_user). */
  appScopes?: string[];
}

export interface GitLabEmulator extends Omit<EmulatorHandle<GitLabUser>, 'failNextTokenRequest'> {
  /** The application's secret is renewed at GitLab: the old one stops working. */
  renewClientSecret(secret: string): void;
  /** While set, the token endpoint answers this HTTP status with GitLab's HTML error page. */
  failTokenRequests(status: number | null): void;
  /** How many grants of this application the user still has. */
  liveGrants(userId: number): number;
}


export async function startGitLabEmulator(options: GitLabEmulatorOptions): Promise<GitLabEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<GitLabUser>({ now, accessTokenTtl: 7200, refreshPolicy: 'rotating' });
  const appScopes = new Set(options.appScopes ?? ['openid', 'profile', 'email', 'read_user']);
  /** The access token each grant holds now: a refresh ends the previous one. */
  const currentAccess = new Map<string, string>();
  let clientSecret = options.clientSecret;
  const controls = emulatorControls<GitLabUser>(server, grants);
  let failStatus: number | null = null;

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      userinfo_endpoint: `${issuer}/oauth/userinfo`,
      jwks_uri: `${issuer}/oauth/discovery/keys`,
      scopes_supported: ['api', 'read_api', 'read_user', 'read_repository', 'write_repository', 'openid', 'profile', 'email'],
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      grant_types_supported: ['authorization_code', 'password', 'client_credentials', 'device_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      claim_types_supported: ['normal'],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'sub_legacy', 'name', 'nickname', 'preferred_username', 'email', 'email_verified', 'website', 'profile', 'picture', 'groups', 'groups_direct'],
      code_challenge_methods_supported: ['plain', 'S256'],
    }),
  );
  server.route('GET', '/oauth/discovery/keys', () => json(200, key.jwks));

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(200, '<h3>An error has occurred</h3><p>Client authentication failed due to unknown client, or the redirect URI is not registered.</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    if (requestedScopes(query).some((name) => !appScopes.has(name))) {
      return reply(describedError('invalid_scope'));
    }
    const user = controls.approver();
    if (!user) return reply(describedError('access_denied'));
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  /** Doorkeeper takes the client's credentials from Basic or from the form. */
  const authenticatedClient = (request: EmulatorRequest): boolean => {
    server.count(request.basicAuth() ? 'client_secret_basic' : 'client_secret_post');
    return authenticatesAs(request, { clientId: options.clientId, clientSecret });
  };

  const tokenAnswer = async (grant: { id: string; user: GitLabUser; scope: string; nonce: string | undefined }, tokens: { accessToken: string; refreshToken: string | undefined; expiresIn: number | undefined }): Promise<EmulatorReply> => {
    const previous = currentAccess.get(grant.id);
    if (previous) grants.revokeAccessToken(previous);
    currentAccess.set(grant.id, tokens.accessToken);
    const answer: Record<string, unknown> = { ...tokenMembers(tokens, grant.scope, 'Bearer'), created_at: now() };
    if (grant.scope.split(' ').includes('openid')) {
      const { user: person } = grant;
      answer.id_token = await key.signIdToken({
        iss: issuer,
        sub: String(person.id),
        aud: options.clientId,
        auth_time: now(),
        sub_legacy: `legacy-${person.id}`,
        name: person.name,
        nickname: person.username,
        preferred_username: person.username,
        email: person.email,
        email_verified: true,
        ...(grant.nonce ? { nonce: grant.nonce } : {}),
      });
    }
    return json(200, answer, { 'cache-control': 'no-store', pragma: 'no-cache' });
  };

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: {
      queued: () => failStatus,
      reply: (status) => html(status, '<!DOCTYPE html><html><head><title>Something went wrong</title></head><body><h1>We\'re sorry, but something went wrong.</h1></body></html>'),
    },
    authenticates: authenticatedClient,
    errors: {
      client: () => refusal(401, 'invalid_client'),
      refreshToken: () => refusal(400, 'invalid_grant'),
      grantType: () => refusal(400, 'unsupported_grant_type'),
      code: () => refusal(400, 'invalid_grant'),
    },
    answer: ({ grantType, grant, tokens }) => tokenAnswer(grantType === 'refresh_token' ? { ...grant, nonce: undefined } : grant, tokens),
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    if (!authenticatedClient(request)) return refusal(401, 'invalid_client');
    const grant = grants.grantOfToken(request.form().get('token') ?? '');
    if (grant && grant.clientId !== options.clientId) {
      return json(403, { error: 'unauthorized_client', error_description: 'You are not authorized to revoke this token' });
    }
    // The access token and its refresh token are one record at GitLab: revoking either ends both.
    if (grant) grants.revokeGrant(grant.id);
    return json(200, {});
  });

  const bearerUser = (request: EmulatorRequest): GitLabUser | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (grant) return grant.user;
    return json(401, { error: 'invalid_token', error_description: 'Token is expired. You can either do re-authorization or token refresh.' }, {
      'www-authenticate': 'Bearer realm="Protected by OAuth 2.0", error="invalid_token", error_description="Token is expired. You can either do re-authorization or token refresh."',
    });
  };

  server.route('GET', '/oauth/userinfo', (request) => {
    server.count('userinfo');
    const found = bearerUser(request);
    if ('status' in found) return found;
    return json(200, {
      sub: String(found.id),
      sub_legacy: `legacy-${found.id}`,
      name: found.name,
      nickname: found.username,
      preferred_username: found.username,
      email: found.email,
      email_verified: true,
      website: '',
      profile: `${issuer}/${found.username}`,
      picture: `${issuer}/uploads/-/system/user/avatar/${found.id}/avatar.png`,
      groups: [],
    });
  });

  server.route('GET', '/api/v4/user', (request) => {
    server.count('api_user');
    const found = bearerUser(request);
    if ('status' in found) return found;
    return json(200, { id: found.id, username: found.username, name: found.name, state: 'active', email: found.email, web_url: `${issuer}/${found.username}` });
  });

  return {
    ...controls.handle,
    origin: issuer,
    renewClientSecret: (secret) => {
      clientSecret = secret;
    },
    failTokenRequests: (status) => {
      failStatus = status;
    },
    liveGrants: (userId) => grants.liveGrants(options.clientId).filter((grant) => grant.user.id === userId).length,
  };
}
