/**
 * An emulator of Autodesk Platform Services' authentication v2 (three-legged
 * OAuth with OpenID Connect), of its userinfo and of the Data Management API
 * call a connection makes, on one host that is its issuer, written from
 * Autodesk's documentation:
 * - discovery at `/.well-known/openid-configuration` ("GET OIDC
 *   Specification", https://aps.autodesk.com/en/docs/oauth/v2/reference/http/),
 *   naming `/authentication/v2/authorize`, `/authentication/v2/token`,
 *   `/authentication/v2/revoke`, userinfo and RS256 keys at
 *   `/authentication/v2/keys`;
 * - `GET /authentication/v2/authorize`
 *   (https://aps.autodesk.com/en/docs/oauth/v2/reference/http/authorize-GET/):
 *   `client_id`, `response_type=code`, the registered `redirect_uri`, a
 *   space-separated `scope`, `state`, `nonce`, and PKCE with `S256`
 *   (https://aps.autodesk.com/en/docs/oauth/v2/tutorials/get-3-legged-token-pkce/).
 *   A code is good for 5 minutes and once; a scope Autodesk does not know is
 *   sent back as `invalid_scope`, a person who declines as `access_denied`
 *   (RFC 6749's: Autodesk's pages name neither);
 * - `POST /authentication/v2/token`: the client as Basic of base64 of
 *   `client_id:client_secret` as they are, or both in the body, but not both
 *   ways at once
 *   (https://aps.autodesk.com/en/docs/ssa/v1/reference/http/ssa-exchange-jwt-assertion-POST/,
 *   a request doing both is `invalid_request` here). The answer is
 *   `access_token` (`expires_in` 3600), `refresh_token`, `token_type:
 *   "Bearer"` and, with `openid`, an ID token good for 60 minutes. A refresh
 *   answers a new refresh token, good for 15 days, and the spent one is
 *   refused; refusals are RFC 6749 §5.2's;
 * - `POST /authentication/v2/revoke`
 *   (https://aps.autodesk.com/en/docs/oauth/v2/reference/http/revoke-POST/):
 *   `token` and `token_type_hint` (both required), the confidential client as
 *   Basic; 200 with no body. A refresh token revoked ends its grant, an
 *   access token only itself; a token it does not know is 200 too (RFC 7009
 *   §2.2);
 * - `GET /userinfo` (`openid`) answers `sub`, `name`, `given_name`,
 *   `family_name`, `preferred_username`, `email`, `email_verified`,
 *   `picture`, `locale`, `updated_at`, `country_code`, `company`,
 *   `job_title`, `language`
 *   (https://aps.autodesk.com/en/docs/profile/v2/codesamples/codesnippets/restsnippets/userinfosnippets/);
 *   a token it does not take is 401;
 * - `GET /project/v1/hubs` (`data:read`) answers the hubs the person reaches,
 *   as JSON:API (`jsonapi`, `links`, `data` of `hubs`); 401 without a token
 *   it takes, 403 without `data:read`.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent, formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface AutodeskUser {
  /** The Autodesk user id (`sub`), e.g. `ABCDEFGH`. */
  id: string;
  givenName: string;
  familyName: string;
  username: string;
  email: string;
  emailVerified: boolean;
}

export interface AutodeskEmulator extends EmulatorHandle<AutodeskUser> {
  readonly issuer: string;
  /** Each revocation request's `token` and `token_type_hint`, in order. */
  readonly revoked: ReadonlyArray<{ token: string; hint: string | null }>;
}

/** Scopes of the authentication v2 server an app may ask for (a few of them). */
const KNOWN_SCOPES = new Set(['openid', 'user-profile:read', 'user:read', 'data:read', 'data:write', 'data:create', 'data:search', 'account:read', 'viewables:read']);
const ACCESS_TOKEN_TTL = 3600;
const REFRESH_TOKEN_TTL = 15 * 86_400;

export async function startAutodeskEmulator(options: EmulatorOptions): Promise<AutodeskEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const auth = `${issuer}/authentication/v2`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<AutodeskUser>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating', refreshTokenTtl: REFRESH_TOKEN_TTL, codeTtl: 300 });
  const controls = emulatorControls<AutodeskUser>(server, grants);
  const revoked: Array<{ token: string; hint: string | null }> = [];

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${auth}/authorize`,
      token_endpoint: `${auth}/token`,
      revocation_endpoint: `${auth}/revoke`,
      introspection_endpoint: `${auth}/introspect`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${auth}/keys`,
      end_session_endpoint: `${auth}/logout`,
      response_types_supported: ['code', 'id_token', 'token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: [...KNOWN_SCOPES],
    }),
  );
  server.route('GET', '/authentication/v2/keys', () => json(200, key.jwks));

  authorizationEndpoint(server, '/authentication/v2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'The client_id or redirect_uri is invalid',
    refuse: (query) => {
      if (query.has('code_challenge') && query.get('code_challenge_method') !== 'S256') return { error: 'invalid_request', error_description: 'code_challenge_method must be S256' };
      const scopes = requestedScopes(query);
      return scopes.length === 0 || scopes.some((scope) => !KNOWN_SCOPES.has(scope)) ? { error: 'invalid_scope' } : undefined;
    },
    denied: { error: 'access_denied', error_description: 'The user denied access' },
  });

  /** Basic with the id and secret as they are, or both in the body; a request that sends both ways is answered invalid_request. */
  const client = (request: EmulatorRequest): boolean | EmulatorReply => {
    const form = request.form();
    const inBody = form.has('client_id') || form.has('client_secret');
    if (request.headers.authorization && inBody) return oauthError(400, 'invalid_request', 'Client credentials must be sent in the header or the body, not both');
    return request.headers.authorization ? basicAsSent(request, options) : formCredentials(request, options);
  };

  const held = (grant: Grant<AutodeskUser>, scope: string) => grant.scope.split(' ').includes(scope);

  tokenEndpoint(server, '/authentication/v2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: client,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'The client credentials are invalid'),
      code: () => oauthError(400, 'invalid_grant', 'The authorization code is invalid or has expired'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'The refresh token is invalid or has expired'),
    },
    answer: async ({ grantType, grant, tokens }) => {
      // Only the code's ID token carries the nonce of the request that started the grant.
      const nonce = grantType === 'authorization_code' && grant.nonce ? { nonce: grant.nonce } : {};
      const idToken = held(grant, 'openid') ? await key.signIdToken({ iss: issuer, aud: options.clientId, sub: grant.user.id, ...nonce }) : undefined;
      return json(200, { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, token_type: 'Bearer', expires_in: tokens.expiresIn, ...(idToken ? { id_token: idToken } : {}) });
    },
  });

  server.route('POST', '/authentication/v2/revoke', (request) => {
    server.count('revoke');
    if (client(request) !== true) return oauthError(401, 'invalid_client', 'The client credentials are invalid');
    const form = request.form();
    const token = form.get('token');
    const hint = form.get('token_type_hint');
    if (!token || !hint) return oauthError(400, 'invalid_request', 'token and token_type_hint are required');
    revoked.push({ token, hint });
    const grant = grants.grantOfToken(token);
    if (grant && !grants.revokeAccessToken(token)) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  const unauthorized = (): EmulatorReply => json(401, { developerMessage: 'The access token is invalid or has expired.' });

  server.route('GET', '/userinfo', (request) => {
    server.count('userinfo');
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant) || !held(grant, 'openid')) return unauthorized();
    const { user } = grant;
    return json(200, {
      sub: user.id,
      name: `${user.givenName} ${user.familyName}`,
      given_name: user.givenName,
      family_name: user.familyName,
      preferred_username: user.username,
      email: user.email,
      email_verified: user.emailVerified,
      picture: `https://images.profile.autodesk.com/${user.id}/x120.jpg`,
      locale: 'en-US',
      updated_at: 1_662_583_480,
      country_code: 'US',
      company: 'Acme Corp',
      job_title: 'Engineer',
      language: 'en',
    });
  });

  server.route('GET', '/project/v1/hubs', (request) => {
    server.count('hubs');
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant)) return grant;
    if (!held(grant, 'data:read')) return json(403, { developerMessage: 'The scope data:read is required.' });
    const id = `b.${grant.user.id.toLowerCase()}-hub`;
    return json(200, {
      jsonapi: { version: '1.0' },
      links: { self: { href: `${issuer}/project/v1/hubs` } },
      data: [{ type: 'hubs', id, attributes: { name: `${grant.user.givenName}'s Hub`, region: 'US', extension: { type: 'hubs:autodesk.bim360:Account', version: '1.0' } }, links: { self: { href: `${issuer}/project/v1/hubs/${id}` } } }],
    });
  });

  return { ...controls.handle, issuer, revoked };
}
