/**
 * An emulator of an Amazon Cognito user pool with a domain, written from
 * Cognito's documentation, on two servers as Cognito has two hosts:
 * - the pool's issuer (`cognito-idp.{region}.amazonaws.com/{userPoolId}`)
 *   serves `/.well-known/openid-configuration` and `/.well-known/jwks.json`;
 *   the document names the endpoints on the pool's domain:
 *   https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html
 * - the domain (`{prefix}.auth.{region}.amazoncognito.com`) serves
 *   `/oauth2/authorize` (PKCE, nonce; codes of 5 minutes), `/oauth2/token`
 *   (Basic for an app client with a secret; answers `access_token`,
 *   `id_token`, `refresh_token`, `token_type` Bearer, `expires_in` 3600 and
 *   no `scope`; refusals 400 `{"error":"invalid_grant"}` and the like),
 *   `/oauth2/userInfo` (the attributes, `email_verified` as a string; 401
 *   with `WWW-Authenticate: Bearer error="invalid_token"`) and
 *   `/oauth2/revoke` (the refresh token only; 200 with an empty body, also
 *   for a token it does not know; 400 `unsupported_token_type` for another
 *   token, 400 `invalid_request` when the app client has revocation off,
 *   401 `invalid_client`):
 *   https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html,
 *   https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html,
 *   https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html,
 *   https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html
 * - refresh tokens end 30 days after the sign-in, whatever the refreshes; a
 *   refresh answers no refresh token, or, with rotation on, a new one that
 *   ends when the old would have, the old one ending after the grace period:
 *   https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html
 * Cognito's access and refresh tokens are JWTs (the refresh token an
 * encrypted one) that a client treats as opaque; here they are opaque
 * strings with the same first characters. Not from the docs: the 400 status
 * of `invalid_client` at the token endpoint, and `access_denied` as what a
 * federated provider's refusal comes back as.
 */
import { randomUUID } from 'node:crypto';
import { codeRequest, redirectBack } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest, type EmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';
import { atHash, createSigningKey } from './kit/signing.js';

export interface CognitoUser {
  /** The user's id, a UUID: the `sub`. */
  sub: string;
  /** `cognito:username`, and userInfo's `username`. */
  username: string;
  name: string;
  email: string;
  emailVerified: boolean;
}

export interface CognitoEmulatorOptions extends EmulatorOptions {
  userPoolId: string;
  /** The app client's refresh token rotation (default off, Cognito's default), with its grace period in seconds. */
  rotation?: { gracePeriodSeconds: number };
}

export interface CognitoEmulator extends EmulatorHandle<CognitoUser> {
  /** `<issuer origin>/<userPoolId>`, as a deployment points the preset at it with `<NAME>_ISSUER`. */
  readonly issuer: string;
  /** The pool's domain (the OAuth endpoints), as `<NAME>_API_BASE_URL`. */
  readonly domain: string;
  /** The issuer's server (discovery and keys). */
  readonly issuerServer: EmulatorServer;
  /** The app client's "Enable token revocation" (on by default). */
  setTokenRevocation(enabled: boolean): void;
  /** The user signs out everywhere (GlobalSignOut): every refresh token of theirs ends. */
  globalSignOut(sub: string): void;
  liveGrants(sub: string): number;
}

/** Refresh tokens end this long after the sign-in (the app client's default). */
const REFRESH_TOKEN_SECONDS = 30 * 86_400;

export async function startCognitoEmulator(options: CognitoEmulatorOptions): Promise<CognitoEmulator> {
  const issuerServer = await startEmulatorServer();
  const server = await startEmulatorServer();
  const issuer = `${issuerServer.origin}/${options.userPoolId}`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<CognitoUser>({
    now,
    accessTokenTtl: 3600,
    refreshPolicy: options.rotation ? 'rotating' : 'static',
    ...(options.rotation ? { rotationGraceSeconds: options.rotation.gracePeriodSeconds } : {}),
    codeTtl: 300,
    // A JWT's header, and a JWE's, as Cognito's tokens begin.
    prefixes: { access: 'eyJraWQiOiJ', refresh: 'eyJjdHkiOiJKV1QiLCJlbmMiOiJ' },
  });
  const controls = emulatorControls<CognitoUser>(server, grants);
  // When each grant's sign-in was: its refresh tokens, rotated or not, end 30 days after it.
  const signedInAt = new Map<string, number>();
  let revocationEnabled = true;

  issuerServer.route('GET', `/${options.userPoolId}/.well-known/openid-configuration`, () =>
    json(200, {
      authorization_endpoint: `${server.origin}/oauth2/authorize`,
      end_session_endpoint: `${server.origin}/logout`,
      id_token_signing_alg_values_supported: ['RS256'],
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ['code', 'token'],
      revocation_endpoint: `${server.origin}/oauth2/revoke`,
      scopes_supported: ['openid', 'email', 'phone', 'profile'],
      subject_types_supported: ['public'],
      token_endpoint: `${server.origin}/oauth2/token`,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      userinfo_endpoint: `${server.origin}/oauth2/userInfo`,
    }),
  );
  issuerServer.route('GET', `/${options.userPoolId}/.well-known/jwks.json`, () => json(200, key.jwks));

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    // An unknown client or redirect URI is an error page of the managed login, never a redirect.
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return { status: 400, headers: { 'content-type': 'text/html' }, body: '<html><body>An error was encountered with the requested page.</body></html>' };
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied the request' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  const errorAnswer = (status: number, error: string) => json(status, { error }, { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate', pragma: 'no-cache' });
  const authenticated = (request: EmulatorRequest): boolean => {
    server.count(request.basicAuth() ? 'client_secret_basic' : 'client_secret_post');
    return authenticatesAs(request, options);
  };

  const tokenAnswer = async (grant: Grant<CognitoUser>, tokens: { accessToken: string; refreshToken: string | undefined; expiresIn: number | undefined }, nonce: string | undefined): Promise<EmulatorReply> => {
    const person = grant.user;
    const idToken = await key.signIdToken({
      at_hash: atHash(tokens.accessToken),
      sub: person.sub,
      email_verified: person.emailVerified,
      iss: issuer,
      'cognito:username': person.username,
      origin_jti: randomUUID(),
      aud: options.clientId,
      token_use: 'id',
      auth_time: signedInAt.get(grant.id) ?? now(),
      name: person.name,
      jti: randomUUID(),
      email: person.email,
      ...(nonce ? { nonce } : {}),
    });
    const answer: Record<string, unknown> = { id_token: idToken, access_token: tokens.accessToken, expires_in: tokens.expiresIn, token_type: 'Bearer' };
    if (tokens.refreshToken) answer.refresh_token = tokens.refreshToken;
    return json(200, answer, { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate', pragma: 'no-cache' });
  };

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => errorAnswer(status, 'server_error') },
    authenticates: authenticated,
    errors: {
      client: () => errorAnswer(400, 'invalid_client'),
      grantType: () => errorAnswer(400, 'unsupported_grant_type'),
      refreshToken: () => errorAnswer(400, 'invalid_grant'),
      code: () => errorAnswer(400, 'invalid_grant'),
    },
    // 30 days from the sign-in, for the first refresh token and every one rotation made from it.
    refuseRefresh: (presented) => {
      const grant = grants.grantOfToken(presented);
      return grant && now() - (signedInAt.get(grant.id) ?? 0) >= REFRESH_TOKEN_SECONDS ? errorAnswer(400, 'invalid_grant') : undefined;
    },
    answer: ({ grantType, grant, tokens }) => {
      if (grantType === 'refresh_token') return tokenAnswer(grant, tokens, undefined);
      signedInAt.set(grant.id, now());
      return tokenAnswer(grant, tokens, grant.nonce);
    },
  });

  server.route('GET', '/oauth2/userInfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) {
      return {
        status: 401,
        headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="Access token is expired, disabled, or deleted, or the user has globally signed out."' },
      };
    }
    const person = grant.user;
    return json(200, { sub: person.sub, email_verified: String(person.emailVerified), name: person.name, email: person.email, username: person.username });
  });

  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    if (!authenticated(request)) return errorAnswer(401, 'invalid_client');
    const token = request.form().get('token');
    if (!token || !revocationEnabled) return errorAnswer(400, 'invalid_request');
    if (token.startsWith('eyJraWQiOiJ')) return errorAnswer(400, 'unsupported_token_type');
    const grant = grants.grantOfToken(token);
    // The refresh token, and every access and ID token issued with it.
    if (grant) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  return {
    ...controls.handle,
    issuer,
    domain: server.origin,
    issuerServer,
    close: async () => {
      await issuerServer.close();
      await server.close();
    },
    setTokenRevocation: (enabled) => {
      revocationEnabled = enabled;
    },
    globalSignOut: (sub) => {
      for (const grant of grants.liveGrants(options.clientId)) if (grant.user.sub === sub) grants.revokeGrant(grant.id);
    },
    liveGrants: (sub) => grants.liveGrants(options.clientId).filter((grant) => grant.user.sub === sub).length,
  };
}
