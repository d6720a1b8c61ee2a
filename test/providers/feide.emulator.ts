/**
 * An emulator of Feide's OpenID Provider (its issuer the emulator's origin, as `https://auth.dataporten.no` is
 * Feide's) and of its API host (`https://api.dataporten.no`, here on the same origin), written from Feide's pages
 * (https://docs.feide.no/service_providers/openid_connect/feide_obtaining_tokens.html and the reference pages named in
 * src/client/providers/feide.ts):
 * - discovery at `/.well-known/openid-configuration`, naming `/oauth/authorization`, `/oauth/token` and
 *   `/openid/userinfo`; RS256 ID tokens holding the standard's minimum (`sub`, the subject identifier, a UUID);
 * - `GET /oauth/authorization`: the code flow, `openid` required in the scope, PKCE S256 when sent;
 * - `POST /oauth/token`: the client as HTTP Basic (Feide's example); the answer is `access_token`,
 *   `token_type: "Bearer"`, `expires_in` (28799, as in the client credentials example), `id_token`;
 * - `GET /openid/userinfo`: `sub`, the secondary ids (`https://n.feide.no/claims/userid_sec`, and the Feide ID as
 *   `https://n.feide.no/claims/eduPersonPrincipalName`), `name` and `picture` under `profile`, `email` with
 *   `email_verified: false` under `email`;
 * - `GET /userinfo/v1/userinfo` (the API host's extended userinfo): the directory's attributes, 401 for a token it
 *   does not take.
 * Made up here (the pages do not say): the keys' path, refresh tokens (a new one answered with each refresh, the
 * spent one still taken), the client in the form taken too, the refusals' bodies (RFC 6749 §5.2's), `invalid_scope`
 * for a request without `openid`, the userinfo's 401 body, no revocation endpoint in discovery. forget() is Feide
 * ending the person's tokens. The login page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface FeideUser {
  /** The subject identifier, an opaque UUID. */
  sub: string;
  /** The Feide ID (`eduPersonPrincipalName`), which an organization may give someone else later. */
  feideId: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface FeideEmulator extends EmulatorHandle<FeideUser> {
  readonly issuer: string;
  /** Feide ends every token of the person's. */
  forget(user: FeideUser): void;
  /** The next /openid/userinfo request fails with this HTTP status. */
  failNextUserinfo(status: number): void;
  /** The form of each token request, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** The access token lifetime of Feide's client credentials example (8 hours less a second). */
export const FEIDE_ACCESS_TOKEN_SECONDS = 28799;

export async function startFeideEmulator(options: EmulatorOptions): Promise<FeideEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const issuer = server.origin;
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<FeideUser>({ now, accessTokenTtl: FEIDE_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<FeideUser>(server, grants);
  const userinfoFailure = queuedFailure();
  const tokenForms: URLSearchParams[] = [];

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorization`,
      token_endpoint: `${issuer}/oauth/token`,
      userinfo_endpoint: `${issuer}/openid/userinfo`,
      jwks_uri: `${issuer}/openid/jwks`,
      response_types_supported: ['code', 'id_token token', 'code id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
    }),
  );
  server.route('GET', '/openid/jwks', () => json(200, key.jwks));

  authorizationEndpoint(server, '/oauth/authorization', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      if (!requestedScopes(query).includes('openid')) return { error: 'invalid_scope' };
      const method = query.get('code_challenge_method');
      return query.get('code_challenge') && method !== 'S256' ? { error: 'invalid_request' } : undefined;
    },
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return authenticatesAs(request, options);
    },
    answer: async ({ grant, tokens }) => {
      const idToken = await grantIdToken(key, grant, tokens.accessToken, { iss: issuer, aud: options.clientId, sub: grant.user.sub });
      return json(200, openIdTokenAnswer(tokens, grant.scope, 'Bearer', idToken));
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' }));

  server.route('GET', '/openid/userinfo', (request) => {
    server.count('userinfo');
    const status = userinfoFailure.take();
    if (status !== undefined) return json(status, { error: 'server_error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return json(200, {
      sub: user.sub,
      'https://n.feide.no/claims/userid_sec': [`feide:${user.feideId}`],
      'https://n.feide.no/claims/eduPersonPrincipalName': user.feideId,
      ...(scopes.includes('profile') ? { name: `${user.givenName} ${user.familyName}`, picture: `https://api.dataporten.no/userinfo/v1/user/media/p:${user.sub}` } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: false } : {}),
    });
  });

  server.route('GET', '/userinfo/v1/userinfo', (request) => {
    server.count('extended_userinfo');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    const name = `${user.givenName} ${user.familyName}`;
    return json(200, { sub: user.sub, cn: [name], displayName: name, eduPersonPrincipalName: user.feideId, givenName: [user.givenName], sn: [user.familyName], uid: [user.feideId.split('@')[0]] });
  });

  return {
    ...controls.handle,
    issuer,
    forget: (user) => grants.revokeGrantsOf((someone) => someone.sub === user.sub),
    failNextUserinfo: userinfoFailure.queue,
    tokenForms,
  };
}
