/**
 * An emulator of Xero's identity service (identity.xero.com, with the
 * authorization page of login.xero.com) and of the part of its API
 * (api.xero.com) that a connection touches, written from Xero's documentation:
 * - Discovery at /.well-known/openid-configuration; the code flow at
 *   /identity/connect/authorize, tokens at /connect/token (client
 *   authentication by HTTP Basic, or the id and secret in the form), userinfo
 *   at /connect/userinfo, RFC 7009 revocation at /connect/revocation
 *   (https://developer.xero.com/documentation/guides/oauth2/auth-flow).
 * - Tokens (https://developer.xero.com/documentation/guides/oauth2/token-types,
 *   https://developer.xero.com/faq/oauth2): 30-minute access tokens; a refresh
 *   token only with `offline_access`; every refresh answers a new one; the one
 *   used is still taken for 30 minutes, in case the answer was lost; an unused
 *   refresh token expires after 60 days. The ID token's `sub` and
 *   `xero_userid` are the Xero user; `given_name`, `family_name`, `email`,
 *   `preferred_username`, `global_session_id` beside them.
 * - Tenants (https://developer.xero.com/documentation/guides/oauth2/tenants):
 *   authorizing connects the organisations the person picks; `GET /connections`
 *   lists them (`id`, `authEventId`, `tenantId`, `tenantType`, `tenantName`,
 *   `createdDateUtc`, `updatedDateUtc`); `DELETE /connections/{id}` disconnects
 *   one (204); revoking the refresh token removes them all and ends the grant.
 *   Every accounting call names its tenant in `xero-tenant-id`: without one, or
 *   with one the grant does not reach, Xero answers 403.
 * - Errors: the token endpoint answers RFC 6749 §5.2 (`invalid_grant`,
 *   `invalid_client`); the API answers a bad token 401 with a problem body
 *   (`Title`, `Status`, `Detail`).
 * The authorization page approves at once for signInAs()'s user, connecting
 * every organisation the user has.
 */
import { randomUUID } from 'node:crypto';
import { codeRequest, redirectBack } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { atHash, createSigningKey } from './kit/signing.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface XeroOrganisation {
  tenantId: string;
  name: string;
}

export interface XeroUser {
  /** The Xero user id (a GUID): the ID token's `sub` and `xero_userid`. */
  id: string;
  givenName: string;
  familyName: string;
  email: string;
  organisations: XeroOrganisation[];
}

export interface XeroEmulator extends EmulatorHandle<XeroUser> {
  readonly issuer: string;
  /** Tenant ids the person's connections to this app reach now. */
  connectedTenants(userId: string): string[];
  /** The next `GET /connections` answers 200 with this JSON body instead. */
  answerNextConnectionsWith(body: unknown): void;
}

const ACCESS_TOKEN_TTL = 30 * 60;
const REFRESH_TOKEN_IDLE_TTL = 60 * 86_400;
const ROTATION_GRACE = 30 * 60;

interface Connection {
  id: string;
  authEventId: string;
  tenantId: string;
  tenantName: string;
  createdDateUtc: string;
}

export async function startXeroEmulator(options: EmulatorOptions): Promise<XeroEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<XeroUser>({
    now,
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenIdleTtl: REFRESH_TOKEN_IDLE_TTL,
    rotationGraceSeconds: ROTATION_GRACE,
  });
  const controls = emulatorControls<XeroUser>(server, grants);
  /** Connections by Xero user id: one per organisation the person connected to this app. */
  const connections = new Map<string, Connection[]>();
  let nextConnectionsBody: { body: unknown } | undefined;

  const metadata = {
    issuer,
    jwks_uri: `${issuer}/.well-known/openid-configuration/jwks`,
    authorization_endpoint: `${issuer}/identity/connect/authorize`,
    token_endpoint: `${issuer}/connect/token`,
    userinfo_endpoint: `${issuer}/connect/userinfo`,
    end_session_endpoint: `${issuer}/identity/connect/endsession`,
    revocation_endpoint: `${issuer}/connect/revocation`,
    introspection_endpoint: `${issuer}/connect/introspect`,
    frontchannel_logout_supported: true,
    backchannel_logout_supported: true,
    scopes_supported: ['openid', 'profile', 'email', 'offline_access', 'accounting.settings', 'accounting.settings.read', 'accounting.invoices', 'accounting.invoices.read', 'accounting.contacts', 'accounting.contacts.read'],
    claims_supported: ['sub', 'name', 'family_name', 'given_name', 'email', 'preferred_username', 'xero_userid', 'global_session_id'],
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token', 'implicit'],
    response_types_supported: ['code', 'token', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
    response_modes_supported: ['form_post', 'query', 'fragment'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    code_challenge_methods_supported: ['plain', 'S256'],
  };
  server.route('GET', '/.well-known/openid-configuration', () => json(200, metadata));
  server.route('GET', '/.well-known/openid-configuration/jwks', () => json(200, key.jwks));

  server.route('GET', '/identity/connect/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Sorry, something went wrong</h1><p>unauthorized_client</p>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    // The person connects every organisation they have; one auth event for this authorization.
    const authEventId = randomUUID();
    const held = connections.get(user.id) ?? [];
    for (const organisation of user.organisations) {
      if (held.some((connection) => connection.tenantId === organisation.tenantId)) continue;
      held.push({ id: randomUUID(), authEventId, tenantId: organisation.tenantId, tenantName: organisation.name, createdDateUtc: new Date(now() * 1000).toISOString() });
    }
    connections.set(user.id, held);
    const scope = query.get('scope') ?? '';
    return reply({ code: grants.issueCode({ ...codeRequest(query, options, user), refreshToken: scope.split(' ').includes('offline_access') }) });
  });

  const isClient = (request: EmulatorRequest) => authenticatesAs(request, options);
  const invalidClient = () => json(400, { error: 'invalid_client' });

  const tokenAnswer = async (grant: Grant<XeroUser>, tokens: { accessToken: string; refreshToken: string | undefined }, nonce: string | undefined): Promise<EmulatorReply> => {
    const answer: Record<string, unknown> = { access_token: tokens.accessToken, expires_in: ACCESS_TOKEN_TTL, token_type: 'Bearer', scope: grant.scope };
    if (tokens.refreshToken) answer.refresh_token = tokens.refreshToken;
    if (grant.scope.split(' ').includes('openid')) {
      const { id, givenName, familyName, email } = grant.user;
      answer.id_token = await key.signIdToken(
        {
          iss: issuer,
          aud: options.clientId,
          auth_time: now(),
          sub: id,
          xero_userid: id,
          global_session_id: randomUUID().replaceAll('-', ''),
          sid: randomUUID().replaceAll('-', ''),
          at_hash: atHash(tokens.accessToken),
          amr: ['pwd'],
          ...(grant.scope.split(' ').includes('profile') ? { preferred_username: email, given_name: givenName, family_name: familyName } : {}),
          ...(grant.scope.split(' ').includes('email') ? { email } : {}),
          ...(nonce ? { nonce } : {}),
        },
      );
    }
    return json(200, answer, { 'cache-control': 'no-store', pragma: 'no-cache' });
  };

  tokenEndpoint(server, '/connect/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    errors: { client: invalidClient },
    answer: ({ grantType, grant, tokens }) => tokenAnswer(grant, tokens, grantType === 'authorization_code' ? grant.nonce : undefined),
  });

  server.route('POST', '/connect/revocation', (request) => {
    server.count('revoke');
    if (!isClient(request)) return invalidClient();
    const token = request.form().get('token') ?? '';
    const grant = grants.grantOfToken(token);
    // The refresh token ends the grant and removes every connection it made; an access token (a JWT at Xero) is not revoked.
    if (grant && !grants.grantOfAccessToken(token) && grant.clientId === options.clientId) {
      grants.revokeGrant(grant.id);
      connections.delete(grant.user.id);
    }
    return { status: 200 };
  });

  server.route('GET', '/connect/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
    const { id, givenName, familyName, email } = grant.user;
    return json(200, { sub: id, xero_userid: id, preferred_username: email, email, given_name: givenName, family_name: familyName });
  });

  /** The API's answer to a token it does not take. */
  const unauthorized = (): EmulatorReply => json(401, { Type: null, Title: 'Unauthorized', Status: 401, Detail: 'TokenExpired: token expired', Instance: randomUUID(), Extensions: {} });
  const forbidden = (detail: string): EmulatorReply => json(403, { Type: null, Title: 'Forbidden', Status: 403, Detail: detail, Instance: randomUUID(), Extensions: {} });

  server.route('GET', '/connections', (request) => {
    server.count('connections');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return unauthorized();
    const override = nextConnectionsBody;
    nextConnectionsBody = undefined;
    if (override) return json(200, override.body);
    return json(
      200,
      (connections.get(grant.user.id) ?? []).map((connection) => ({ ...connection, tenantType: 'ORGANISATION', updatedDateUtc: connection.createdDateUtc })),
    );
  });

  server.route('DELETE', '/connections/:id', (request) => {
    server.count('delete_connection');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return unauthorized();
    const held = connections.get(grant.user.id) ?? [];
    const index = held.findIndex((connection) => connection.id === request.params.id);
    if (index === -1) return json(404, { Title: 'Not Found', Status: 404 });
    held.splice(index, 1);
    return { status: 204 };
  });

  server.route('GET', '/api.xro/2.0/Organisation', (request) => {
    server.count('organisation');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return unauthorized();
    const tenantId = request.headers['xero-tenant-id'];
    const connection = (connections.get(grant.user.id) ?? []).find((held) => held.tenantId === tenantId);
    if (!connection) return forbidden('AuthorizationUnsuccessful');
    return json(200, {
      Id: randomUUID(),
      Status: 'OK',
      ProviderName: 'Tokenkeeper',
      DateTimeUTC: `/Date(${now() * 1000})/`,
      Organisations: [{ APIKey: '', Name: connection.tenantName, LegalName: connection.tenantName, OrganisationID: connection.tenantId, BaseCurrency: 'NZD', CountryCode: 'NZ', OrganisationType: 'COMPANY', Version: 'NZ' }],
    });
  });

  return {
    ...controls.handle,
    issuer,
    connectedTenants: (userId) => (connections.get(userId) ?? []).map((connection) => connection.tenantId),
    answerNextConnectionsWith: (body) => {
      nextConnectionsBody = { body };
    },
  };
}
