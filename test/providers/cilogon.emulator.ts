/**
 * An emulator of CILogon's OpenID Connect service (cilogon.org), written from
 * CILogon's pages (https://www.cilogon.org/oidc,
 * https://www.cilogon.org/comanage/oidc-clients):
 * - Discovery at `/.well-known/openid-configuration`, the issuer being the
 *   origin itself; it names `/authorize`, `/oauth2/token`,
 *   `/oauth2/userinfo`, `/oauth2/revoke`, `/oauth2/introspect` and the JWKS
 *   at `/oauth2/certs`.
 * - Authorize: `response_type=code`, the client, a registered callback URL,
 *   `scope` with `openid` (required; without it `invalid_scope` here), PKCE
 *   S256 when sent. The scopes granted are those asked that the client was
 *   registered with (the "set intersection"). A refresh token is issued when
 *   the client was registered with refresh tokens (`refreshTokens`, true by
 *   default). A person who declines goes back with `error=access_denied`.
 * - Token: the client's id and secret in the form (client_secret_post; a
 *   client as Basic is refused `invalid_client` here, as integrations send
 *   the form); the answer is `access_token`, `token_type: "Bearer"`,
 *   `expires_in` 900, `id_token` (RS256, `sub` and the profile claims
 *   granted), `refresh_token` when registered. A refresh rotates the
 *   refresh token, the spent one then refused (not read on CILogon's
 *   pages). Refusals are RFC 6749 §5.2's.
 * - `GET /oauth2/userinfo`: `sub`, `iss`; `given_name`, `family_name`,
 *   `name` under `profile`; `email` under `email`; `eppn`, `idp`,
 *   `idp_name`, `affiliation`, `ou` under `org.cilogon.userinfo` (a missing
 *   attribute is left out, never sent empty). A token not taken is a 401
 *   (its body made up here).
 * - Revocation: RFC 7009's form with `token` and the client; a refresh
 *   token ends its grant, an access token alone; 200 with no body.
 * forget() ends every authorization of the person at CILogon (a refresh
 * token past its registered lifetime ends the same way). The consent page
 * approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest, type EmulatorReply } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface CILogonUser {
  /** CILogon's user identifier, `sub` (`http://cilogon.org/serverA/users/12345`). */
  sub: string;
  givenName: string;
  familyName: string;
  email: string;
  /** The campus's eduPersonPrincipalName, which the campus may change. */
  eppn: string;
}

export interface CILogonEmulator extends EmulatorHandle<CILogonUser> {
  readonly issuer: string;
  /** CILogon drops every authorization of the person: their tokens stop working. */
  forget(user: CILogonUser): void;
  /** The next userinfo request fails with this HTTP status. */
  failNextUserinfo(status: number): void;
  /** Each revocation's form, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
}

/** CILogon's access tokens last 15 minutes. */
export const CILOGON_ACCESS_TOKEN_SECONDS = 900;
const IDP = 'urn:mace:incommon:uiuc.edu';

export async function startCILogonEmulator(options: EmulatorOptions & { registeredScopes?: string[]; refreshTokens?: boolean }): Promise<CILogonEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const issuer = server.origin;
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<CILogonUser>({ now, accessTokenTtl: CILOGON_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<CILogonUser>(server, grants);
  const registered = options.registeredScopes ?? ['openid', 'email', 'profile', 'org.cilogon.userinfo'];
  const userinfoFailure = queuedFailure();
  const revocations: Array<Record<string, string>> = [];

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/oauth2/token`,
      userinfo_endpoint: `${issuer}/oauth2/userinfo`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      introspection_endpoint: `${issuer}/oauth2/introspect`,
      registration_endpoint: `${issuer}/oauth2/register`,
      jwks_uri: `${issuer}/oauth2/certs`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile', 'org.cilogon.userinfo'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      code_challenge_methods_supported: ['S256'],
    }),
  );
  server.route('GET', '/oauth2/certs', () => json(200, key.jwks));

  authorizationEndpoint(server, '/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => (requestedScopes(query).includes('openid') ? undefined : { error: 'invalid_scope', error_description: 'openid scope is required' }),
    request: (query) => ({ scope: requestedScopes(query).filter((scope) => registered.includes(scope)).join(' '), refreshToken: options.refreshTokens ?? true }),
  });

  /** The claims each granted scope releases; an attribute CILogon does not have is left out. */
  const claimsOf = (user: CILogonUser, scope: string): Record<string, unknown> => {
    const scopes = scope.split(' ');
    return {
      ...(scopes.includes('profile') ? { given_name: user.givenName, family_name: user.familyName, name: `${user.givenName} ${user.familyName}` } : {}),
      ...(scopes.includes('email') ? { email: user.email } : {}),
      ...(scopes.includes('org.cilogon.userinfo') ? { eppn: user.eppn, idp: IDP, idp_name: 'University of Illinois at Urbana-Champaign', affiliation: `member@illinois.edu;staff@illinois.edu` } : {}),
    };
  };

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    // The client in the form, as integrations send it to CILogon; Basic is not taken here.
    authenticates: (request) => request.basicAuth() === null && formCredentials(request, options),
    answer: async ({ grant, tokens }) => {
      const idToken = await grantIdToken(key, grant, tokens.accessToken, { iss: issuer, aud: options.clientId, sub: grant.user.sub, ...claimsOf(grant.user, grant.scope) });
      const answer = openIdTokenAnswer(tokens, grant.scope, 'Bearer', idToken);
      if (!tokens.refreshToken) delete answer.refresh_token;
      return json(200, answer);
    },
  });

  server.route('POST', '/oauth2/revoke', (request): EmulatorReply => {
    server.count('revoke');
    const form = request.form();
    revocations.push(Object.fromEntries(form));
    if (!formCredentials(request, options)) return oauthError(401, 'invalid_client');
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    grants.revokeToken(token);
    return { status: 200 };
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { error: 'invalid_token' }));

  server.route('GET', '/oauth2/userinfo', (request) => {
    server.count('userinfo');
    const status = userinfoFailure.take();
    if (status !== undefined) return json(status, { error: 'server_error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { sub: grant.user.sub, iss: issuer, aud: options.clientId, ...claimsOf(grant.user, grant.scope) });
  });

  return {
    ...controls.handle,
    issuer,
    forget: (user) => grants.revokeGrantsOf((someone) => someone.sub === user.sub),
    failNextUserinfo: userinfoFailure.queue,
    revocations,
  };
}
