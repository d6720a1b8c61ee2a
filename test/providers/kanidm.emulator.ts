/**
 * An emulator of a Kanidm server (its origin the emulator's) with one
 * confidential OAuth2 client, written from Kanidm's book:
 * - The client's issuer `<origin>/oauth2/openid/<client id>`, its discovery
 *   document there naming `/ui/oauth2`, `/oauth2/token`,
 *   `/oauth2/token/revoke`, `/oauth2/token/introspect` and the client's
 *   `/userinfo` and `/public_key.jwk`; HTTP Basic client authentication; PKCE
 *   S256 required; ES256 ID tokens; every scope asked must come from the
 *   person's scope maps, or the authorisation is refused on Kanidm's own page;
 *   `sub` the account's UUID, `preferred_username` its SPN, `email` and
 *   `email_verified` for `email`:
 *   https://kanidm.github.io/kanidm/stable/integrations/oauth2.html
 * - Refresh tokens single-use, a spent one used again ending the session;
 *   15-minute access tokens:
 *   https://kanidm.github.io/kanidm/stable/developers/designs/oauth2_refresh_tokens.html
 * As Kanidm's source has them (its pages do not say): a refresh token in every
 * code exchange's answer, living 16 hours from its issue; a client it cannot
 * authenticate answered HTTP 401 with `WWW-Authenticate: Bearer` and no body,
 * at the token and revocation endpoints alike; other refusals HTTP 400 with
 * `{"error": …}` alone; revocation ending the session the token belongs to.
 * Made up here: the pages' wording (the login page for nobody signed in), and userinfo's body for a token it
 * does not take. removeSession() is the person's OAuth2 session ended in
 * Kanidm (by an administrator, or the person at their own sessions page). The
 * consent page approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface KanidmUser {
  /** The account's UUID: the `sub`. */
  uuid: string;
  /** The short name; the SPN is `<name>@<domain>`. */
  name: string;
  displayName: string;
  /** The primary mail address, if the account has one. */
  mail?: string;
  /** The scopes the person's groups map for this client (default: openid, profile, email). */
  scopeMap?: string[];
}

export interface KanidmEmulatorOptions extends EmulatorOptions {
  /** The Kanidm domain, for SPNs (default idm.acme.test). */
  domain?: string;
}

export interface KanidmEmulator extends EmulatorHandle<KanidmUser> {
  readonly issuer: string;
  /** The person's OAuth2 sessions for the client are ended in Kanidm. */
  removeSession(user: KanidmUser): void;
}

const ACCESS_TOKEN_SECONDS = 15 * 60;
export const KANIDM_REFRESH_TOKEN_SECONDS = 16 * 3600;

export function spnOf(user: KanidmUser, domain = 'idm.acme.test'): string {
  return `${user.name}@${domain}`;
}

/** Kanidm's answer to a client it cannot authenticate: 401, no body. */
const unauthenticated = (): EmulatorReply => ({ status: 401, headers: { 'www-authenticate': 'Bearer' } });

export async function startKanidmEmulator(options: KanidmEmulatorOptions): Promise<KanidmEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/oauth2/openid/${options.clientId}`;
  const domain = options.domain ?? 'idm.acme.test';
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('ES256', now);
  const grants = new GrantStore<KanidmUser>({
    now,
    accessTokenTtl: ACCESS_TOKEN_SECONDS,
    refreshPolicy: 'rotating',
    refreshTokenTtl: KANIDM_REFRESH_TOKEN_SECONDS,
    revokeGrantOnReuse: true,
    codeTtl: 60,
  });
  const controls = emulatorControls<KanidmUser>(server, grants);

  server.route('GET', `/oauth2/openid/${options.clientId}/.well-known/openid-configuration`, () =>
    json(200, {
      issuer,
      authorization_endpoint: `${server.origin}/ui/oauth2`,
      token_endpoint: `${server.origin}/oauth2/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/public_key.jwk`,
      revocation_endpoint: `${server.origin}/oauth2/token/revoke`,
      introspection_endpoint: `${server.origin}/oauth2/token/introspect`,
      scopes_supported: ['email', 'openid', 'profile'],
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'fragment'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
      claims_supported: ['sub', 'name', 'preferred_username', 'email', 'email_verified'],
      claims_parameter_supported: false,
      request_parameter_supported: false,
    }),
  );
  server.route('GET', `/oauth2/openid/${options.clientId}/public_key.jwk`, () => json(200, key.jwks));

  server.route('GET', '/ui/oauth2', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<p>Invalid OAuth2 request: unknown client or redirect URL.</p>');
    if (query.get('code_challenge_method') !== 'S256' || !query.get('code_challenge')) return html(400, '<p>Invalid OAuth2 request: PKCE S256 is required.</p>');
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return html(401, '<p>Sign in to Kanidm to continue.</p>');
    // Every scope asked must be in the person's scope maps; otherwise Kanidm shows its refusal, and never redirects.
    const mapped = new Set(user.scopeMap ?? ['openid', 'profile', 'email']);
    if (!requestedScopes(query).every((scope) => mapped.has(scope))) {
      server.count('access_denied');
      return html(403, '<p>Access denied: you do not have access to the requested resources.</p>');
    }
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  const authenticates = (request: EmulatorRequest): boolean => {
    server.count(request.basicAuth() ? 'client_secret_basic' : 'client_secret_post');
    return authenticatesAs(request, options);
  };

  const claims = (grant: Grant<KanidmUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.uuid,
      name: user.displayName,
      preferred_username: spnOf(user, domain),
      ...(scopes.includes('email') && user.mail ? { email: user.mail, email_verified: true } : {}),
      scopes,
    };
  };

  const idToken = (grant: Grant<KanidmUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, { ...claims(grant), iss: issuer, aud: options.clientId, auth_time: now() }, ACCESS_TOKEN_SECONDS);

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: unauthenticated,
      refreshToken: () => oauthError(400, 'invalid_grant'),
      code: () => oauthError(400, 'invalid_grant'),
    },
    answer: async ({ grant, tokens }) =>
      json(200, openIdTokenAnswer(tokens, grant.scope, 'Bearer', await idToken(grant, tokens.accessToken))),
  });

  server.route('POST', '/oauth2/token/revoke', (request) => {
    server.count('revoke');
    if (!authenticates(request)) return unauthenticated();
    // Either token ends the OAuth2 session it belongs to.
    const grant = grants.grantOfToken(request.form().get('token') ?? '');
    if (grant) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  server.route('GET', `/oauth2/openid/${options.clientId}/userinfo`, (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer' });
    return json(200, claims(grant));
  });

  return {
    ...controls.handle,
    issuer,
    removeSession: (user) => grants.revokeGrantsOf((someone) => someone.uuid === user.uuid),
  };
}
