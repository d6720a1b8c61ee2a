/**
 * An emulator of a Microsoft Entra External ID external tenant (the sign-in
 * endpoints at `{tenantname}.ciamlogin.com` and the part of Microsoft Graph
 * that sign-in touches), written from Microsoft's docs:
 * - The discovery document at `{tenantname}.ciamlogin.com/{tenant}/v2.0/.well-known/openid-configuration`
 *   names the issuer `https://{tenantid}.ciamlogin.com/{tenantid}/v2.0`, the tenant's id and never its name:
 *   https://learn.microsoft.com/en-us/entra/identity-platform/security-tokens#validate-tokens
 *   (here the tenant's name and its id are two paths on one origin, and the issuer is the id's).
 * - The v2.0 authorization code flow, its token answer (`ext_expires_in`…) and the
 *   identity platform's error bodies (`error_codes`, `trace_id`…):
 *   https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
 * - ID token claims: the pairwise `sub`, `oid`, `tid`, `email` without `email_verified`:
 *   https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference
 * - Refresh tokens only for `offline_access`, a new one with every refresh, the old one
 *   still valid until it expires, 90 days each:
 *   https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens
 * - An administrator revoking a user's sessions ends the refresh tokens issued to them:
 *   https://learn.microsoft.com/en-us/graph/api/user-revokesigninsessions
 * - Graph's OpenID userinfo, 401 `InvalidAuthenticationToken` for a token it does not take:
 *   https://learn.microsoft.com/en-us/entra/identity-platform/userinfo
 * No revocation endpoint, as the identity platform has none.
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { tokenEndpoint } from './kit/token-endpoint.js';
import { aadError } from './microsoft.emulator.js';

export interface ExternalIdUser {
  /** The pairwise subject for this app. */
  sub: string;
  /** The user's object id in the external tenant. */
  oid: string;
  name: string;
  email: string;
  /** For a forged token only: the tenant its `iss` names, when not the emulated one. */
  issuerTenant?: string;
}

export interface ExternalIdEmulatorOptions extends EmulatorOptions {
  /** The tenant's subdomain, `contoso` of contoso.ciamlogin.com. */
  tenantName: string;
  /** The tenant's id, a GUID, which its issuer names. */
  tenantId: string;
}

export interface ExternalIdEmulator extends EmulatorHandle<ExternalIdUser> {
  /** The issuer the discovery document names: the tenant id's. */
  readonly issuer: string;
  /** The discovery document at the tenant's name (`{tenantname}.onmicrosoft.com`). */
  readonly metadataUrl: string;
  /** An administrator revokes the user's sign-in sessions: their refresh tokens stop working. */
  revokeSignInSessions(user: ExternalIdUser): void;
}

const ACCESS_TOKEN_SECONDS = 3599;
const REFRESH_TOKEN_SECONDS = 90 * 86_400;

export async function startExternalIdEmulator(options: ExternalIdEmulatorOptions): Promise<ExternalIdEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const { tenantId } = options;
  const issuerOf = (tenant: string) => `${server.origin}/${tenant}/v2.0`;
  const issuer = issuerOf(tenantId);
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<ExternalIdUser>({ now, accessTokenTtl: ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued', refreshTokenTtl: REFRESH_TOKEN_SECONDS });
  const controls = emulatorControls<ExternalIdUser>(server, grants);

  const discovery = () =>
    json(200, {
      token_endpoint: `${server.origin}/${tenantId}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${server.origin}/${tenantId}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${server.origin}/oidc/userinfo`,
      authorization_endpoint: `${server.origin}/${tenantId}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${server.origin}/${tenantId}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${server.origin}/${tenantId}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
      kerberos_endpoint: `${server.origin}/${tenantId}/kerberos`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'ciamlogin.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
    });
  // The same document by the tenant's name and by its id.
  server.route('GET', `/${options.tenantName}.onmicrosoft.com/v2.0/.well-known/openid-configuration`, discovery);
  server.route('GET', `/${tenantId}/v2.0/.well-known/openid-configuration`, discovery);
  server.route('GET', `/${tenantId}/discovery/v2.0/keys`, () => json(200, key.jwks));

  server.route('GET', `/${tenantId}/oauth2/v2.0/authorize`, (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${query.get('client_id')}' was not found in the directory '${options.tenantName}'.`);
    if (query.get('redirect_uri') !== options.redirectUri) return aadError(400, 'invalid_request', 50011, 'The redirect URI specified in the request does not match the redirect URIs configured for the application.');
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'AADSTS50126: The user canceled the sign-in.' });
    return reply({ code: grants.issueCode({ ...codeRequest(query, options, user), refreshToken: requestedScopes(query).includes('offline_access') }) });
  });

  tokenEndpoint(server, `/${tenantId}/oauth2/v2.0/token`, {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    errors: {
      client: () => aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.'),
      refreshToken: () => aadError(400, 'invalid_grant', 50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password."),
      code: () => aadError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.'),
    },
    answer: async ({ grant, tokens }) => {
      const { user } = grant;
      return json(200, {
        token_type: 'Bearer',
        scope: grant.scope,
        expires_in: tokens.expiresIn,
        ext_expires_in: tokens.expiresIn,
        access_token: tokens.accessToken,
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        id_token: await grantIdToken(key, grant, tokens.accessToken, {
          ver: '2.0',
          iss: issuerOf(user.issuerTenant ?? tenantId),
          aud: options.clientId,
          sub: user.sub,
          oid: user.oid,
          tid: user.issuerTenant ?? tenantId,
          name: user.name,
          email: user.email,
        }),
      });
    },
  });

  server.route('GET', '/oidc/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) {
      return {
        status: 401,
        headers: { 'content-type': 'application/json', 'www-authenticate': `Bearer realm="", authorization_uri="${server.origin}/${tenantId}/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"` },
        body: JSON.stringify({ error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or invalid.' } }),
      };
    }
    const { user } = grant;
    const [givenName, ...rest] = user.name.split(' ');
    return json(200, { sub: user.sub, name: user.name, family_name: rest.join(' '), given_name: givenName, email: user.email });
  });

  return {
    ...controls.handle,
    issuer,
    metadataUrl: `${server.origin}/${options.tenantName}.onmicrosoft.com/v2.0/.well-known/openid-configuration`,
    revokeSignInSessions: (user) => grants.revokeGrantsOf((someone) => someone.oid === user.oid),
  };
}
