/**
 * An emulator of Visma Connect (connect.visma.com), written from Visma's pages
 * (https://docs.vismasoftware.no/vismanetapi/authentication,
 * https://docs.connect.visma.com/docs/offline-access,
 * https://docs.connect.visma.com/docs/userinfo-endpoint,
 * https://docs.connect.visma.com/docs/token-revocation):
 * - Discovery at `/.well-known/openid-configuration`, naming `/connect/authorize`,
 *   `/connect/token`, `/connect/userinfo`, `/connect/revocation` and the JWKS.
 * - Authorize: `response_type=code`, the client, its `redirect_uri`, `scope`,
 *   `state`, PKCE when sent. A refresh token is answered only when
 *   `offline_access` was asked.
 * - Token: the client's id and secret in the form, as Visma's examples send
 *   them (Basic alone is refused here: not read on Visma's pages). Access
 *   tokens last 1 hour; a refresh answers a new refresh token and ends the
 *   spent one (an application's "one-time" setting, the stricter of the two).
 *   An ID token with `sub` and `idp` at the code exchange.
 * - `GET /connect/userinfo`: `sub` (the account's UserID, a UUID), `name`,
 *   `given_name`, `family_name`, `email`, `email_verified`, `idp` by the
 *   scopes granted; a token it does not take is 401.
 * - Revocation: `token` (a refresh token; an access token cannot be revoked)
 *   and `token_type_hint`, the client as Basic only; 200 on success, 400 for
 *   a client it does not know, and the grant's tokens end with it.
 * removeAccess() is the person's grant ended at Visma. The authorization page
 * approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent, formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface VismaUser {
  /** The Visma Connect UserID, a UUID: the `sub`. */
  id: string;
  givenName: string;
  familyName: string;
  /** Unique only at a given time; any Visma application may change it. */
  email: string;
  emailVerified: boolean;
}

export interface VismaEmulator extends EmulatorHandle<VismaUser> {
  readonly issuer: string;
  readonly metadataUrl: string;
  /** The person's grant ended at Visma: every token of theirs stops working. */
  removeAccess(user: VismaUser): void;
  /** The next userinfo request fails with this HTTP status. */
  failNextUserinfo(status: number): void;
  /** Each token request's form, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
  /** Each revocation request's form, in order. */
  readonly revocationForms: ReadonlyArray<URLSearchParams>;
}

/** Visma Connect's access tokens last an hour. */
export const VISMA_ACCESS_TOKEN_SECONDS = 3600;

const granted = (grant: Grant<VismaUser>, scope: string) => grant.scope.split(' ').includes(scope);

export async function startVismaEmulator(options: EmulatorOptions): Promise<VismaEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<VismaUser>({ now, accessTokenTtl: VISMA_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<VismaUser>(server, grants);
  const client = { clientId: options.clientId, clientSecret: options.clientSecret };
  const tokenForms: URLSearchParams[] = [];
  const revocationForms: URLSearchParams[] = [];
  const userinfoFailure = queuedFailure();
  const accessTokens = new Set<string>();

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      jwks_uri: `${issuer}/.well-known/openid-configuration/jwks`,
      authorization_endpoint: `${issuer}/connect/authorize`,
      token_endpoint: `${issuer}/connect/token`,
      userinfo_endpoint: `${issuer}/connect/userinfo`,
      end_session_endpoint: `${issuer}/connect/endsession`,
      revocation_endpoint: `${issuer}/connect/revocation`,
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['plain', 'S256'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    }),
  );
  server.route('GET', '/.well-known/openid-configuration/jwks', () => json(200, key.jwks));

  authorizationEndpoint(server, '/connect/authorize', { client: options, grants, approver: controls.approver });

  /** The person's claims by the identity scopes granted. */
  const claims = ({ user, scope }: Grant<VismaUser>) => ({
    sub: user.id,
    ...(scope.split(' ').includes('profile') ? { name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName } : {}),
    ...(scope.split(' ').includes('email') ? { email: user.email, email_verified: user.emailVerified } : {}),
    idp: 'Visma Connect',
  });

  tokenEndpoint(server, '/connect/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      const form = request.form();
      tokenForms.push(form);
      return !request.headers.authorization && formCredentials(request, client);
    },
    answer: async ({ grantType, grant, tokens }) => {
      accessTokens.add(tokens.accessToken);
      const issued = granted(grant, 'offline_access') ? tokens : { ...tokens, refreshToken: undefined };
      if (grantType !== 'authorization_code' || !granted(grant, 'openid')) return json(200, tokenMembers(issued, grant.scope, 'Bearer'));
      const idToken = await grantIdToken(key, grant, tokens.accessToken, { iss: issuer, aud: options.clientId, sub: grant.user.id, idp: 'Visma Connect' }, 300);
      return json(200, openIdTokenAnswer(issued, grant.scope, 'Bearer', idToken));
    },
  });

  server.route('GET', '/connect/userinfo', (request) => {
    server.count('userinfo');
    const status = userinfoFailure.take();
    if (status !== undefined) return json(status, { error: 'server_error' });
    const grant = bearerGrant(grants, request, () => json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' }));
    if (!isGrant(grant)) return grant;
    return json(200, claims(grant));
  });

  server.route('POST', '/connect/revocation', (request: EmulatorRequest) => {
    server.count('revoke');
    const form = request.form();
    revocationForms.push(form);
    if (!basicAsSent(request, client) || form.has('client_secret')) return oauthError(400, 'invalid_client');
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    // Only a refresh token is revoked, with the tokens of its grant; an access token is not (RFC 7009 §2.2's 200 either way).
    const grant = grants.grantOfToken(token);
    if (grant && !accessTokens.has(token)) grants.revokeGrant(grant.id);
    return json(200, {});
  });

  return {
    ...controls.handle,
    issuer,
    metadataUrl: `${issuer}/.well-known/openid-configuration`,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextUserinfo: userinfoFailure.queue,
    tokenForms,
    revocationForms,
  };
}
