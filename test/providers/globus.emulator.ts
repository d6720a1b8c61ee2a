/**
 * An emulator of Globus Auth (auth.globus.org), written from Globus's pages
 * (https://docs.globus.org/api/auth/reference/,
 * https://docs.globus.org/api/auth/developer-guide/) and, where those are
 * silent, from what Globus's SDKs show of its answers:
 * - Discovery at `/.well-known/openid-configuration`, the issuer being the
 *   origin itself (`https://auth.globus.org`, no path); it names
 *   `/v2/oauth2/authorize`, `/v2/oauth2/token`, `/v2/oauth2/userinfo`,
 *   `/v2/oauth2/token/revoke`, `/v2/oauth2/token/introspect` and the JWKS
 *   at `/jwk.json`. ID tokens are RS512, as the document says.
 * - Authorize: `response_type=code`, the client, its registered
 *   `redirect_uri`, `scope` with `openid` for an ID token, `state`, PKCE
 *   when sent. A refresh token is issued only for `access_type=offline`.
 *   A person who declines goes back with `error=access_denied`.
 * - Token: the confidential client as HTTP Basic only (a client in the form
 *   is refused `invalid_client`). The answer is Globus Auth's own token
 *   (`resource_server: "auth.globus.org"`, `scope`, `token_type: "Bearer"`,
 *   `expires_in` 172800, `id_token`, `refresh_token` when granted,
 *   `state`) with `other_tokens`, the tokens of other resource servers
 *   (Transfer's here when its scope was asked). A refresh keeps the refresh
 *   token (the 'static' policy; whether Globus rotates was not read on its pages).
 * - `GET /v2/oauth2/userinfo`: `sub` (the primary identity's id),
 *   `last_authentication`, `preferred_username`, `name`,
 *   `organization`, `identity_provider` and `identity_provider_display_name`
 *   under `profile`, `email` under `email`; `GET /v2/api/identities` the
 *   person's identity as `{ identities: [...] }`. A token it does not take
 *   is 401 (the reference's "Request Authentication"; its body is made up).
 * - Revocation: RFC 7009's form with `token`, the client as Basic; a refresh
 *   token ends its grant, an access token alone; answered
 *   `{ "active": false }` as Globus's SDK's tests have it.
 * revokeConsent() is the person revoking the app's consent in their Globus
 * account. The consent page approves at once for signInAs()'s person.
 */
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface GlobusUser {
  /** The primary identity's id, a UUID: Globus's `sub`. */
  id: string;
  name: string;
  /** The identity's username at its provider (`ada@globusid.org`). */
  username: string;
  email: string;
  organization: string;
}

export interface GlobusEmulator extends EmulatorHandle<GlobusUser> {
  readonly issuer: string;
  /** The person revokes the app's consent in their Globus account: every token of theirs stops working. */
  revokeConsent(user: GlobusUser): void;
  /** The next userinfo request fails with this HTTP status. */
  failNextUserinfo(status: number): void;
  /** Each revocation's form, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
}

/** Globus Auth's access tokens last 48 hours. */
export const GLOBUS_ACCESS_TOKEN_SECONDS = 172_800;
export const TRANSFER_SCOPE = 'urn:globus:auth:scope:transfer.api.globus.org:all';
const AUTH_SCOPES = ['openid', 'profile', 'email', 'urn:globus:auth:scope:auth.globus.org:view_identities'];

export async function startGlobusEmulator(options: EmulatorOptions): Promise<GlobusEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const issuer = server.origin;
  const { privateKey, publicKey } = await generateKeyPair('RS512');
  const kid = randomBytes(8).toString('hex');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS512', use: 'sig' }] };
  const grants = new GrantStore<GlobusUser>({ now, accessTokenTtl: GLOBUS_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static' });
  const controls = emulatorControls<GlobusUser>(server, grants);
  const userinfoFailure = queuedFailure();
  /** The client as HTTP Basic (RFC 6749 §2.3.1), the only way Globus takes a confidential client; one in the form is refused. */
  const basicClient = (request: EmulatorRequest) => {
    const basic = request.basicAuth();
    return basic?.username === options.clientId && basic.password === options.clientSecret;
  };
  const revocations: Array<Record<string, string>> = [];

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/v2/oauth2/authorize`,
      userinfo_endpoint: `${issuer}/v2/oauth2/userinfo`,
      token_endpoint: `${issuer}/v2/oauth2/token`,
      revocation_endpoint: `${issuer}/v2/oauth2/token/revoke`,
      introspection_endpoint: `${issuer}/v2/oauth2/token/introspect`,
      jwks_uri: `${issuer}/jwk.json`,
      response_types_supported: ['code', 'token', 'token id_token', 'id_token'],
      id_token_signing_alg_values_supported: ['RS512'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      claims_supported: ['at_hash', 'aud', 'email', 'exp', 'name', 'nonce', 'preferred_username', 'iat', 'iss', 'sub'],
      subject_types_supported: ['public'],
    }),
  );
  server.route('GET', '/jwk.json', () => json(200, jwks));

  authorizationEndpoint(server, '/v2/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    request: (query) => ({ refreshToken: query.get('access_type') === 'offline' }),
  });

  const signIdToken = (claims: Record<string, unknown>) =>
    new SignJWT({ iat: now(), exp: now() + GLOBUS_ACCESS_TOKEN_SECONDS, ...claims }).setProtectedHeader({ alg: 'RS512', kid, typ: 'JWT' }).sign(privateKey);

  tokenEndpoint(server, '/v2/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    // A confidential client authenticates with HTTP Basic.
    authenticates: basicClient,
    answer: async ({ grant, tokens, form }) => {
      const scopes = grant.scope.split(' ');
      const main: Record<string, unknown> = { ...tokenMembers(tokens, scopes.filter((scope) => AUTH_SCOPES.includes(scope)).join(' '), 'Bearer'), resource_server: 'auth.globus.org' };
      if (!tokens.refreshToken) delete main.refresh_token;
      const idToken = scopes.includes('openid')
        ? await signIdToken({ iss: issuer, aud: options.clientId, sub: grant.user.id, ...(grant.nonce ? { nonce: grant.nonce } : {}), preferred_username: grant.user.username, identity_provider: '41143743-f3c8-4d60-bbdb-eeecaba85bd9', organization: grant.user.organization, name: grant.user.name, email: grant.user.email })
        : undefined;
      const transfer = scopes.includes(TRANSFER_SCOPE) ? [{ access_token: `transfer-${tokens.accessToken}`, expires_in: GLOBUS_ACCESS_TOKEN_SECONDS, resource_server: 'transfer.api.globus.org', scope: TRANSFER_SCOPE, token_type: 'Bearer', state: form.get('state') ?? '', refresh_token: null, id_token: null }] : [];
      return json(200, { ...main, ...(idToken ? { id_token: idToken } : {}), state: form.get('state') ?? '', other_tokens: transfer });
    },
  });

  server.route('POST', '/v2/oauth2/token/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocations.push(Object.fromEntries(form));
    if (!basicClient(request)) return oauthError(401, 'invalid_client');
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    grants.revokeToken(token);
    return json(200, { active: false });
  });

  // Globus's pages give the status, not the body: this one is made up.
  const unauthorized = () => json(401, { code: 'UNAUTHORIZED', message: 'Call must be authenticated' });
  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/v2/oauth2/userinfo', (request) => {
    server.count('userinfo');
    const status = userinfoFailure.take();
    if (status !== undefined) return json(status, { error: 'server_error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const scopes = grant.scope.split(' ');
    const { id, name, username, email, organization } = grant.user;
    return json(200, {
      sub: id,
      last_authentication: now() - 60,
      ...(scopes.includes('profile') ? { preferred_username: username, name, organization, identity_provider: '41143743-f3c8-4d60-bbdb-eeecaba85bd9', identity_provider_display_name: 'Globus ID' } : {}),
      ...(scopes.includes('email') ? { email } : {}),
    });
  });

  server.route('GET', '/v2/api/identities', (request) => {
    server.count('identities');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { id, name, username, email, organization } = grant.user;
    return json(200, { identities: [{ id, username, status: 'used', name, email, organization, identity_provider: '41143743-f3c8-4d60-bbdb-eeecaba85bd9', identity_type: 'login' }] });
  });

  return {
    ...controls.handle,
    issuer,
    revokeConsent: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextUserinfo: userinfoFailure.queue,
    revocations,
  };
}
