/**
 * An emulator of Intuit's OAuth 2.0 and OpenID Connect server and of a sliver
 * of the QuickBooks Online Accounting API, written from Intuit's docs:
 * - Discovery at `/.well-known/openid_configuration` (an underscore), the
 *   issuer elsewhere (`/op/v1`), `realmid` among the claims
 *   (https://developer.api.intuit.com/.well-known/openid_configuration).
 * - Authorization and tokens
 *   (https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0):
 *   `GET /connect/oauth2` with `client_id`, `redirect_uri`, `response_type=code`,
 *   space-separated `scope`, `state`; the callback carries `code`, `state` and
 *   `realmId`, the company chosen (only with the accounting or payments
 *   scope). `POST /oauth2/v1/tokens/bearer` with Basic credentials answers
 *   `token_type`, `access_token` (an hour), `refresh_token`,
 *   `x_refresh_token_expires_in` (100 days, rolling) and, with `openid`, an
 *   RS256 `id_token` carrying `realmid`. Each refresh answers a new refresh
 *   token and the old one stops working, the strictest reading of "always use
 *   the latest"; none unused for 100 days works. Refusals are 400
 *   `{"error": "invalid_grant"}`, 401 `{"error": "invalid_client"}`.
 * - Userinfo (https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/openid-connect):
 *   `sub`, `givenName`, `familyName`, `email`, `emailVerified`, camelCase.
 * - Revocation: `POST /v2/oauth2/tokens/revoke`, Basic credentials, a JSON
 *   body `{"token": …}`; either token ends the grant (the app is disconnected
 *   from the company); 200.
 * - The API: `GET /v3/company/{realmId}/companyinfo/{realmId}`
 *   (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/companyinfo);
 *   a token it does not take is 401 with a `fault` of type AUTHENTICATION,
 *   and a token for another company 403 ApplicationAuthorizationFailed
 *   (https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes).
 * The authorization page approves at once for signInAs()'s user and company.
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey } from './kit/signing.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface QuickBooksUser {
  /** The Intuit user's `sub`. */
  sub: string;
  /** The company the person picks on Intuit's company selector. */
  realmId: string;
  givenName: string;
  familyName: string;
  email: string;
  emailVerified: boolean;
}

export interface QuickBooksEmulator extends EmulatorHandle<QuickBooksUser> {
  /** The discovery document's address, for `<NAME>_SERVER_METADATA_URL`. */
  readonly metadataUrl: string;
}

const ACCESS_TOKEN_TTL = 3600;
const REFRESH_TOKEN_IDLE_TTL = 100 * 86_400;

export async function startQuickBooksEmulator(options: EmulatorOptions): Promise<QuickBooksEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/op/v1`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<QuickBooksUser>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating', refreshTokenIdleTtl: REFRESH_TOKEN_IDLE_TTL });
  const controls = emulatorControls<QuickBooksUser>(server, grants);

  server.route('GET', '/.well-known/openid_configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${server.origin}/connect/oauth2`,
      token_endpoint: `${server.origin}/oauth2/v1/tokens/bearer`,
      userinfo_endpoint: `${server.origin}/v1/openid_connect/userinfo`,
      revocation_endpoint: `${server.origin}/v2/oauth2/tokens/revoke`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile', 'address', 'phone'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      claims_supported: ['aud', 'exp', 'iat', 'iss', 'realmid', 'sub'],
    }),
  );
  server.route('GET', '/op/v1/jwks', () => json(200, key.jwks));

  server.route('GET', '/connect/oauth2', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid request: client_id or redirect_uri</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const scopes = requestedScopes(query);
    if (scopes.length === 0) return reply({ error: 'invalid_scope' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    // A PKCE challenge sent is not checked here.
    const code = grants.issueCode({ ...codeRequest(query, options, user), codeChallenge: undefined, codeChallengeMethod: undefined });
    const company = scopes.some((scope) => scope === 'com.intuit.quickbooks.accounting' || scope === 'com.intuit.quickbooks.payment');
    return reply({ code, ...(company ? { realmId: user.realmId } : {}) });
  });

  /** Basic with `client_id:client_secret` as they are. */
  const isClient = (request: EmulatorRequest): boolean =>
    request.headers.authorization === `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`;

  const answer = async (grant: Grant<QuickBooksUser>, tokens: { accessToken: string; refreshToken: string | undefined }, withIdToken: boolean): Promise<EmulatorReply> => {
    const idToken =
      withIdToken && grant.scope.split(' ').includes('openid')
        ? await key.signIdToken({ iss: issuer, aud: [options.clientId], sub: grant.user.sub, realmid: grant.user.realmId, auth_time: now(), ...(grant.nonce ? { nonce: grant.nonce } : {}) })
        : undefined;
    return json(200, {
      token_type: 'bearer',
      access_token: tokens.accessToken,
      expires_in: ACCESS_TOKEN_TTL,
      refresh_token: tokens.refreshToken,
      x_refresh_token_expires_in: REFRESH_TOKEN_IDLE_TTL,
      ...(idToken ? { id_token: idToken } : {}),
    });
  };

  tokenEndpoint(server, '/oauth2/v1/tokens/bearer', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: isClient,
    answer: ({ grantType, grant, tokens }) => answer(grant, tokens, grantType === 'authorization_code'),
  });

  server.route('GET', '/v1/openid_connect/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token' });
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return json(200, {
      sub: user.sub,
      ...(scopes.includes('profile') ? { givenName: user.givenName, familyName: user.familyName } : {}),
      ...(scopes.includes('email') ? { email: user.email, emailVerified: user.emailVerified } : {}),
    });
  });

  server.route('POST', '/v2/oauth2/tokens/revoke', (request) => {
    server.count('revoke');
    if (!isClient(request)) return json(401, { error: 'invalid_client' });
    const body = request.json() as { token?: unknown } | undefined;
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json') || typeof body?.token !== 'string') return json(400, { error: 'invalid_request' });
    const grant = grants.grantOfToken(body.token);
    if (grant) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  const fault = (status: number, type: string, message: string, code: string, detail: string): EmulatorReply =>
    json(status, { fault: { error: [{ message: `message=${message}; errorCode=${code}; statusCode=${status}`, detail, code }], type }, time: new Date(now() * 1000).toISOString() });

  server.route('GET', '/v3/company/:realmId/companyinfo/:companyId', (request) => {
    server.count('companyinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return fault(401, 'AUTHENTICATION', 'AuthenticationFailed', '003200', 'Token expired or invalid');
    if (grant.user.realmId !== request.params.realmId) return fault(403, 'AUTHORIZATION', 'ApplicationAuthorizationFailed', '003100', 'The token is not authorized for this company');
    return json(200, {
      CompanyInfo: { Id: request.params.companyId, CompanyName: `Company ${grant.user.realmId}`, Country: 'US', SyncToken: '1', domain: 'QBO' },
      time: new Date(now() * 1000).toISOString(),
    });
  });

  return { ...controls.handle, metadataUrl: `${server.origin}/.well-known/openid_configuration` };
}

/** A realm id as Intuit shows them: a long run of digits. */
export function realmIdFor(n: number): string {
  return `9130${String(n).padStart(12, '0')}`;
}
