/**
 * An emulator of the Microsoft identity platform's v2.0 endpoints and the
 * parts of Microsoft Graph that sign-in touches, written from Microsoft's docs:
 * - Endpoints per tenant (`common`, `organizations`, `consumers`, a tenant id), discovery:
 *   https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc
 * - The authorization code flow, its token answer and errors (`error_codes`, `trace_id`…):
 *   https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
 * - ID token claims (`tid`, `oid`, pairwise `sub`; `iss` holds the user's tenant even when
 *   the discovery document of `common` says `{tenantid}`):
 *   https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference
 * - Refresh tokens: issued for `offline_access`, a new one with every refresh, the old
 *   one still valid until it expires:
 *   https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens
 * - Token endpoint errors: besides `invalid_grant`, a refresh can be answered
 *   `interaction_required` ("another authentication step is required", e.g. a
 *   Conditional Access policy asking for MFA) or `consent_required`, whose client
 *   action is to send the person back to /authorize, not to retry:
 *   https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#error-codes-for-token-endpoint-errors
 * - Graph's OpenID userinfo and `/v1.0/me`, 401 `InvalidAuthenticationToken`:
 *   https://learn.microsoft.com/en-us/entra/identity-platform/userinfo,
 *   https://learn.microsoft.com/en-us/graph/api/user-get
 * - A drive item's content, `GET /v1.0/me/drive/items/{item-id}/content`: 302 Found to a
 *   pre-authenticated download URL (here on `downloads`, a second origin), fetched without the token:
 *   https://learn.microsoft.com/en-us/graph/api/driveitem-get-content
 * The sign-in endpoints and Graph are served on one origin.
 */
import { randomUUID } from 'node:crypto';
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, redirect, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { startDownloadHost, type DownloadFile, type DownloadHost } from './kit/download-host.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey } from './kit/signing.js';

export interface MicrosoftUser {
  /** The pairwise subject for this app. */
  sub: string;
  /** The object id in the user's tenant. */
  oid: string;
  /** The user's own tenant id. */
  tid: string;
  name: string;
  preferredUsername: string;
  email: string;
  /** For a forged token only: the tenant its `iss` names, when not `tid`. */
  issuerTenant?: string;
}

export interface MicrosoftEmulatorOptions extends EmulatorOptions {
  /**
   * The origin the emulator is known by in the URLs it publishes: its own (a test points
   * `<NAME>_ISSUER` at it), or https://login.microsoftonline.com when a test maps that host onto it.
   */
  publicOrigin?: (emulatorOrigin: string) => { login: string; graph: string };
}

export interface MicrosoftEmulator extends Omit<EmulatorHandle<MicrosoftUser>, 'denyNextAuthorization' | 'failNextTokenRequest'> {
  /** The storage Graph's download URLs point at. */
  readonly downloads: DownloadHost;
  /** Puts a file in the OneDrive of the person with this `oid`, under this item id. */
  putDriveItem(oid: string, itemId: string, file: DownloadFile): void;
  /**
   * From now on, refreshes for this person (by `sub`) are refused as the token endpoint refuses
   * one that only the person can fix: `interaction_required` (a Conditional Access policy now
   * asks for multi-factor authentication, AADSTS50076) or `consent_required` (consent for the
   * app was withdrawn, AADSTS65001). Null lifts it.
   */
  requireInteraction(sub: string, error: 'interaction_required' | 'consent_required' | null): void;
}

const MULTI_TENANT = new Set(['common', 'organizations']);
/** The tenant of personal Microsoft accounts; `consumers` is issued as this id. */
export const CONSUMERS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

/** An error answer of the identity platform: `error`, an AADSTS description with trace and correlation ids, `error_codes`, `timestamp`. */
export function aadError(status: number, error: string, code: number, description: string): EmulatorReply {
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  });
}

export async function startMicrosoftEmulator(options: MicrosoftEmulatorOptions): Promise<MicrosoftEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const downloads = await startDownloadHost({ now });
  /** Drive items by `${oid}/${itemId}`. */
  const driveItems = new Map<string, DownloadFile>();
  const { login, graph } = options.publicOrigin?.(server.origin) ?? { login: server.origin, graph: server.origin };
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<MicrosoftUser>({ now, accessTokenTtl: 3599, refreshPolicy: 'reissued', refreshTokenTtl: 90 * 86_400 });
  const controls = emulatorControls<MicrosoftUser>(server, grants);
  const interactionRequired = new Map<string, 'interaction_required' | 'consent_required'>();

  const issuerOf = (tenant: string) => `${login}/${tenant}/v2.0`;

  server.route('GET', '/:tenant/v2.0/.well-known/openid-configuration', (request) => {
    const tenant = request.params.tenant!;
    const published = MULTI_TENANT.has(tenant) ? '{tenantid}' : tenant === 'consumers' ? CONSUMERS_TENANT : tenant;
    return json(200, {
      issuer: issuerOf(published),
      authorization_endpoint: `${login}/${tenant}/oauth2/v2.0/authorize`,
      token_endpoint: `${login}/${tenant}/oauth2/v2.0/token`,
      jwks_uri: `${login}/${tenant}/discovery/v2.0/keys`,
      userinfo_endpoint: `${graph}/oidc/userinfo`,
      end_session_endpoint: `${login}/${tenant}/oauth2/v2.0/logout`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'oid', 'email'],
      tenant_region_scope: null,
      request_uri_parameter_supported: false,
    });
  });
  server.route('GET', '/:tenant/discovery/v2.0/keys', () => json(200, key.jwks));

  server.route('GET', '/:tenant/oauth2/v2.0/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${query.get('client_id')}' was not found in the directory.`);
    if (query.get('redirect_uri') !== options.redirectUri) return aadError(400, 'invalid_request', 50011, 'The redirect URI specified in the request does not match the redirect URIs configured for the application.');
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'AADSTS65004: User declined to consent to access the app.' });
    return reply({ code: grants.issueCode({ ...codeRequest(query, options, user), refreshToken: requestedScopes(query).includes('offline_access') }) });
  });

  const tokenAnswer = async (grantUser: MicrosoftUser, nonce: string | undefined, scope: string, tokens: { accessToken: string; refreshToken: string | undefined; expiresIn: number | undefined }) => {
    const scopes = scope.split(' ');
    const answer: Record<string, unknown> = {
      token_type: 'Bearer',
      // Microsoft lists the granted resource scopes, and openid/profile/email/offline_access as asked.
      scope: scopes.map((name) => (name === 'User.Read' ? 'https://graph.microsoft.com/User.Read' : name)).join(' '),
      expires_in: tokens.expiresIn,
      ext_expires_in: tokens.expiresIn,
      access_token: tokens.accessToken,
    };
    if (tokens.refreshToken) answer.refresh_token = tokens.refreshToken;
    if (scopes.includes('openid')) {
      answer.id_token = await key.signIdToken({
        ver: '2.0',
        iss: issuerOf(grantUser.issuerTenant ?? grantUser.tid),
        aud: options.clientId,
        sub: grantUser.sub,
        oid: grantUser.oid,
        tid: grantUser.tid,
        nbf: now(),
        name: grantUser.name,
        preferred_username: grantUser.preferredUsername,
        email: grantUser.email,
        ...(nonce ? { nonce } : {}),
      });
    }
    return json(200, answer);
  };


  server.route('POST', '/:tenant/oauth2/v2.0/token', async (request) => {
    if (!authenticatesAs(request, options)) return aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    const form = request.form();
    if (form.get('grant_type') === 'refresh_token') {
      server.count('refresh_token');
      // Only the person can satisfy these: nothing is issued until they sign in again.
      const interaction = interactionRequired.get(grants.grantOfToken(form.get('refresh_token') ?? '')?.user.sub ?? '');
      if (interaction === 'interaction_required') {
        return aadError(400, 'interaction_required', 50076, "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.");
      }
      if (interaction === 'consent_required') {
        return aadError(400, 'consent_required', 65001, `The user or administrator has not consented to use the application with ID '${options.clientId}'. Send an interactive authorization request for this user and resource.`);
      }
      const refreshed = grants.refresh(form.get('refresh_token') ?? '', options.clientId);
      if (!refreshed.ok) return aadError(400, 'invalid_grant', 70000, 'The provided value for the input parameter \'refresh_token\' or \'assertion\' is not valid.');
      return tokenAnswer(refreshed.grant.user, undefined, refreshed.grant.scope, refreshed.tokens);
    }
    server.count('authorization_code');
    const redeemed = grants.redeemCode(form.get('code') ?? '', { clientId: options.clientId, redirectUri: form.get('redirect_uri'), codeVerifier: form.get('code_verifier') });
    if (!redeemed.ok) return aadError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity.');
    return tokenAnswer(redeemed.grant.user, redeemed.grant.nonce, redeemed.grant.scope, redeemed.tokens);
  });

  const graphUser = (request: EmulatorRequest): MicrosoftUser | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (grant) return grant.user;
    return {
      status: 401,
      headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"' },
      body: JSON.stringify({ error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or invalid.' } }),
    };
  };

  server.route('GET', '/oidc/userinfo', (request) => {
    server.count('userinfo');
    const found = graphUser(request);
    if ('status' in found) return found;
    const [givenName, ...rest] = found.name.split(' ');
    return json(200, { sub: found.sub, name: found.name, given_name: givenName, family_name: rest.join(' '), email: found.email });
  });

  server.route('GET', '/v1.0/me', (request) => {
    server.count('api_me');
    const found = graphUser(request);
    if ('status' in found) return found;
    return json(200, { '@odata.context': `${graph}/v1.0/$metadata#users/$entity`, id: found.oid, displayName: found.name, mail: found.email, userPrincipalName: found.preferredUsername });
  });

  // https://learn.microsoft.com/en-us/graph/api/driveitem-get-content: 302 Found to a pre-authenticated URL.
  server.route('GET', '/v1.0/me/drive/items/:id/content', (request) => {
    server.count('api_drive_content');
    const found = graphUser(request);
    if ('status' in found) return found;
    const file = driveItems.get(`${found.oid}/${request.params.id!}`);
    if (!file) return json(404, { error: { code: 'itemNotFound', message: 'The resource could not be found.' } });
    return redirect(downloads.offer(`/personal/${found.oid}/_layouts/15/download.aspx`, file, { tokenParameter: 'tempauth' }));
  });

  return {
    ...controls.handle,
    downloads,
    putDriveItem: (oid, itemId, file) => {
      driveItems.set(`${oid}/${itemId}`, file);
    },
    requireInteraction: (sub, error) => {
      if (error === null) interactionRequired.delete(sub);
      else interactionRequired.set(sub, error);
    },
    close: async () => {
      await server.close();
      await downloads.close();
    },
  };
}
