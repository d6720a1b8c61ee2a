/**
 * An emulator of BankID Norway's OpenID Connect provider (Keycloak, realm `prod` or `current`), written from
 * BankID's developer pages (https://developer.bankid.no/bankid-oidc-provider/api/openid-configuration,
 * https://developer.bankid.no/bankid-oidc-provider/api/token,
 * https://developer.bankid.no/bankid-oidc-provider/core-concepts/id-token,
 * https://developer.bankid.no/bankid-oidc-provider/core-concepts/client-authentication):
 * - Discovery at `/auth/realms/current/.well-known/openid-configuration`: the authorization endpoint at
 *   `/precheck/auth`, the token, introspection, logout and JWKS endpoints under `/protocol/openid-connect/`, the
 *   userinfo on a host of its own (here `/userinfo`).
 * - Authorize: the authorization code flow with PKCE (S256 required here), `scope` with `openid`.
 * - Token: the client as HTTP Basic or in the form; the code exchange needs `code_verifier`; the answer has
 *   `access_token`, `id_token`, `refresh_token`, `expires_in`, `token_type: "Bearer"`. The ID token (RS256) has
 *   `sub` (a GUID BankID may change), `bankid_altsub` (the BankID PID; absent for an identity provider that is not
 *   BankID's), `acr`, `amr`, `azp`, and under `profile` `name`, `given_name`, `family_name` and `birthdate`.
 * Made up here (the pages read do not say): the access tokens' 300 seconds; a refresh answering a new refresh token,
 * the spent one still taken; refusals as RFC 6749 §5.2's bare `error`; no revocation endpoint in discovery.
 * forget() is the person's BankID session and tokens ended. The authorization page approves at once for
 * signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface BankIdUser {
  /** The ID token's `sub`: a GUID BankID says may change. */
  sub: string;
  /** The BankID Personal Identifier, `bankid_altsub`; undefined for an identity provider that is not BankID's. */
  altsub: string | undefined;
  givenName: string;
  familyName: string;
  birthdate: string;
}

export interface BankIdEmulator extends EmulatorHandle<BankIdUser> {
  readonly issuer: string;
  /** BankID ends the person's session and tokens: their refresh token is refused. */
  forget(user: BankIdUser): void;
  /** The form of each token request, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

export const BANKID_ACCESS_TOKEN_SECONDS = 300;
const REALM = '/auth/realms/current';
const OIDC = `${REALM}/protocol/openid-connect`;

export async function startBankIdEmulator(options: EmulatorOptions): Promise<BankIdEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const issuer = `${server.origin}${REALM}`;
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<BankIdUser>({ now, accessTokenTtl: BANKID_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<BankIdUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];

  server.route('GET', `${REALM}/.well-known/openid-configuration`, () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/precheck/auth`,
      token_endpoint: `${server.origin}${OIDC}/token`,
      introspection_endpoint: `${server.origin}${OIDC}/token/introspect`,
      userinfo_endpoint: `${server.origin}/userinfo`,
      end_session_endpoint: `${server.origin}${OIDC}/logout`,
      jwks_uri: `${server.origin}${OIDC}/certs`,
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'nnin_altsub'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'client_secret_jwt'],
      code_challenge_methods_supported: ['S256'],
    }),
  );
  server.route('GET', `${OIDC}/certs`, () => json(200, key.jwks));

  authorizationEndpoint(server, `${REALM}/precheck/auth`, {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      if (!requestedScopes(query).includes('openid')) return { error: 'invalid_scope' };
      if (query.get('code_challenge_method') !== 'S256' || !query.get('code_challenge')) return { error: 'invalid_request', error_description: 'Missing parameter: code_challenge_method' };
      return undefined;
    },
  });

  tokenEndpoint(server, `${OIDC}/token`, {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return authenticatesAs(request, options);
    },
    answer: async ({ grant, tokens }) => {
      const { user } = grant;
      const profile = grant.scope.split(' ').includes('profile') ? { name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName, birthdate: user.birthdate } : {};
      const idToken = await grantIdToken(key, grant, tokens.accessToken, {
        iss: issuer,
        aud: options.clientId,
        azp: options.clientId,
        typ: 'ID',
        sub: user.sub,
        ...(user.altsub ? { bankid_altsub: user.altsub } : {}),
        acr: 'urn:bankid:bid;LOA=4',
        amr: ['bid'],
        ...profile,
      });
      return json(200, openIdTokenAnswer(tokens, grant.scope, 'Bearer', idToken));
    },
  });

  // The separate userinfo resource server (consent-based claims): the preset does not call it.
  server.route('GET', '/userinfo', (request) => {
    server.count('userinfo');
    const grant = bearerGrant(grants, request, () => json(401, { error: 'invalid_token' }));
    if (!isGrant(grant)) return grant;
    return json(200, { sub: grant.user.sub, nnin: '18126612345' });
  });

  return {
    ...controls.handle,
    issuer,
    forget: (user) => grants.revokeGrantsOf((someone) => (someone.altsub ?? someone.sub) === (user.altsub ?? user.sub)),
    tokenForms,
  };
}
