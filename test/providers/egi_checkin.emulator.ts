/**
 * An emulator of EGI Check-in's OpenID Provider (Keycloak, realm `egi`), written from Check-in's guide for service
 * providers (https://docs.egi.eu/providers/check-in/sp/):
 * - Discovery at `/auth/realms/egi/.well-known/openid-configuration`, the issuer `<origin>/auth/realms/egi`; the
 *   authorization, token, userinfo, introspection, logout and JWKS endpoints under `/protocol/openid-connect/`.
 * - Authorize: `client_id`, `redirect_uri`, `scope`, `state`, `response_type=code`; PKCE S256 when sent. The scopes
 *   granted are those asked that the service selected in the Federation Registry; a refresh token with
 *   `offline_access`.
 * - Token: the client as HTTP Basic (or in the form); the answer is `access_token`, `expires_in` 3599, `id_token`
 *   (RS256: `sub`, `voperson_id`, `preferred_username`), `refresh_token`, `scope`, `token_type: "Bearer"`. A
 *   refresh needs a `scope` with `openid` and answers a new refresh token.
 * - `GET /protocol/openid-connect/userinfo`: `sub`, `voperson_id`; `name`, `given_name`, `family_name`,
 *   `preferred_username` under `profile`; `email`, `email_verified`, `voperson_verified_email` under `email`. A
 *   token it does not take is a 401 `invalid_token`.
 * Made up here (the guide does not say): the refusal of a refresh without `openid` in its scope
 * (`invalid_request`); the spent refresh token still taken after a refresh (Keycloak's default); refusals as
 * RFC 6749 §5.2's bare `error`; no revocation endpoint in discovery (none is documented). forget() is Check-in
 * ending the person's sessions and offline tokens. The consent page approves at once for signInAs()'s person.
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
import { oauthError, openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface EgiUser {
  /** The Community User Identifier, `<uniqueID>@egi.eu`: `voperson_id`. */
  vopersonId: string;
  /** The ID token's `sub`: the same identifier today, which Check-in says will be deprecated there. */
  sub: string;
  givenName: string;
  familyName: string;
  email: string;
  username: string;
}

export interface EgiEmulator extends EmulatorHandle<EgiUser> {
  readonly issuer: string;
  /** Check-in ends the person's sessions and refresh tokens: their tokens stop working. */
  forget(user: EgiUser): void;
  /** The next userinfo request fails with this HTTP status. */
  failNextUserinfo(status: number): void;
  /** The form of each token request, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** Check-in's access tokens last an hour (`expires_in` 3599). */
export const EGI_ACCESS_TOKEN_SECONDS = 3599;
const REALM = '/auth/realms/egi';
const OIDC = `${REALM}/protocol/openid-connect`;

export async function startEgiEmulator(options: EmulatorOptions & { selectedScopes?: string[] }): Promise<EgiEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const issuer = `${server.origin}${REALM}`;
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<EgiUser>({ now, accessTokenTtl: EGI_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<EgiUser>(server, grants);
  const selected = options.selectedScopes ?? ['openid', 'profile', 'email', 'voperson_id', 'offline_access'];
  const userinfoFailure = queuedFailure();
  const tokenForms: URLSearchParams[] = [];

  server.route('GET', `${REALM}/.well-known/openid-configuration`, () =>
    json(200, {
      issuer,
      authorization_endpoint: `${server.origin}${OIDC}/auth`,
      token_endpoint: `${server.origin}${OIDC}/token`,
      introspection_endpoint: `${server.origin}${OIDC}/token/introspect`,
      userinfo_endpoint: `${server.origin}${OIDC}/userinfo`,
      end_session_endpoint: `${server.origin}${OIDC}/logout`,
      jwks_uri: `${server.origin}${OIDC}/certs`,
      device_authorization_endpoint: `${server.origin}${OIDC}/auth/device`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange', 'urn:ietf:params:oauth:grant-type:device_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'email', 'aarc', 'voperson_id', 'eduperson_entitlement', 'eduperson_scoped_affiliation', 'offline_access'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'],
      code_challenge_methods_supported: ['plain', 'S256'],
    }),
  );
  server.route('GET', `${OIDC}/certs`, () => json(200, key.jwks));

  authorizationEndpoint(server, `${OIDC}/auth`, {
    client: options,
    grants,
    approver: controls.approver,
    request: (query) => {
      const scopes = requestedScopes(query).filter((scope) => selected.includes(scope));
      return { scope: scopes.join(' '), refreshToken: scopes.includes('offline_access') };
    },
  });

  /** The claims each granted scope releases; the Community User Identifier always. */
  const claimsOf = (user: EgiUser, scope: string): Record<string, unknown> => {
    const scopes = scope.split(' ');
    return {
      voperson_id: user.vopersonId,
      ...(scopes.includes('profile') ? { name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName, preferred_username: user.username } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: true, voperson_verified_email: [user.email] } : {}),
    };
  };

  tokenEndpoint(server, `${OIDC}/token`, {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    refuseRefresh: (_presented, parameters) => (requestedScopes(parameters).includes('openid') ? undefined : oauthError(400, 'invalid_request')),
    authenticates: (request) => {
      tokenForms.push(request.form());
      return authenticatesAs(request, options);
    },
    answer: async ({ grant, tokens }) => {
      const idToken = await grantIdToken(key, grant, tokens.accessToken, { iss: issuer, aud: options.clientId, sub: grant.user.sub, voperson_id: grant.user.vopersonId, preferred_username: grant.user.username });
      const answer = openIdTokenAnswer(tokens, grant.scope, 'Bearer', idToken);
      if (!tokens.refreshToken) delete answer.refresh_token;
      return json(200, answer);
    },
  });

  const apiGrant = (request: EmulatorRequest) =>
    bearerGrant(grants, request, () => json(401, { error: 'invalid_token', error_description: 'Token verification failed' }, { 'www-authenticate': 'Bearer realm="egi", error="invalid_token", error_description="Token verification failed"' }));

  server.route('GET', `${OIDC}/userinfo`, (request) => {
    server.count('userinfo');
    const status = userinfoFailure.take();
    if (status !== undefined) return json(status, { error: 'unknown_error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { sub: grant.user.sub, ...claimsOf(grant.user, grant.scope) });
  });

  return {
    ...controls.handle,
    issuer,
    forget: (user) => grants.revokeGrantsOf((someone) => someone.vopersonId === user.vopersonId),
    failNextUserinfo: userinfoFailure.queue,
    tokenForms,
  };
}
