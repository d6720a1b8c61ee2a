/**
 * An emulator of Qonto's OAuth 2.0 (oauth.qonto.com/oauth2/auth, /oauth2/token) and of the part of the Business API
 * (thirdparty.qonto.com/v2) a connection touches, written from Qonto's pages
 * (https://docs.qonto.com/get-started/business-api/authentication/oauth/login-endpoint,
 * https://docs.qonto.com/api-reference/business-api/authentication/oauth/token-endpoint,
 * https://docs.qonto.com/api-reference/business-api/authentication/oauth2/create_tokens.md,
 * https://docs.qonto.com/api-reference/business-api/endpoints/memberships/retrieve-the-authenticated-membership):
 * - Authorize: `GET /oauth2/auth` with `client_id`, `redirect_uri`, `response_type=code`, `scope` and `state`; the
 *   person picks an organization and consents, and a code comes back with the state. A refresh token is issued only
 *   with `offline_access`.
 * - Token: `POST /oauth2/token`, a form with the client in it; the access token lasts 1 hour, the refresh token 90
 *   days, and a refresh answers a new refresh token.
 * - API: the token as Bearer; `GET /v2/membership` answers `{ membership }` with `membership.read`;
 *   `GET /v2/organization` the organization and its bank accounts with `organization.read`.
 * Made up here (Qonto's pages as read do not say): the spent refresh token refused after a refresh; refusals as RFC
 * 6749 §5.2's bare `error`; a scope Qonto does not know refused as `invalid_scope`; the 401 and 403 bodies (`errors`
 * with a `code` and `detail`). revokeConsent() is the person revoking the application's consent in Qonto. The
 * authorization page approves at once for signInAs()'s person, in one organization.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface QontoMember {
  /** The membership's id, a UUID. */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface QontoEmulator extends EmulatorHandle<QontoMember> {
  /** The person revokes the application's consent in Qonto: every token of that membership stops working. */
  revokeConsent(member: QontoMember): void;
  /** The next /v2/membership request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each token request's form, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** Qonto's access tokens last 1 hour. */
export const QONTO_ACCESS_TOKEN_SECONDS = 3600;
const REFRESH_TOKEN_SECONDS = 90 * 86400;
const SCOPES = new Set(['openid', 'offline_access', 'organization.read', 'membership.read', 'membership.write', 'team.read', 'team.write', 'card.read', 'card.write', 'payment.write', 'internal_transfer.write', 'attachment.write', 'client.read', 'client_invoices.read', 'supplier_invoice.read', 'webhook']);

const scopesOf = (query: URLSearchParams) => (query.get('scope') ?? '').split(' ').filter(Boolean);
const apiError = (status: number, code: string, detail: string) => json(status, { errors: [{ code, detail }] });

export async function startQontoEmulator(options: EmulatorOptions): Promise<QontoEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<QontoMember>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: QONTO_ACCESS_TOKEN_SECONDS, refreshTokenTtl: REFRESH_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<QontoMember>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/auth', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => (scopesOf(query).length > 0 && scopesOf(query).every((scope) => SCOPES.has(scope)) ? undefined : { error: 'invalid_scope' }),
    request: (query) => ({ refreshToken: scopesOf(query).includes('offline_access') }),
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'bearer')),
  });

  const apiGrant = (request: EmulatorRequest, scope: string) => {
    const grant = bearerGrant(grants, request, () => apiError(401, 'unauthorized', 'Invalid or expired access token'));
    if (isGrant(grant) && !grant.scope.split(' ').includes(scope)) return apiError(403, 'forbidden', `The access token lacks the ${scope} scope`);
    return grant;
  };

  server.route('GET', '/v2/membership', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return apiError(status, 'internal_server_error', 'Internal server error');
    const grant = apiGrant(request, 'membership.read');
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      membership: { id: user.id, first_name: user.firstName, last_name: user.lastName, email: user.email, phone_number: '+33612345678', position: 'Gérant', status: 'active', role: 'owner', locale: 'fr', team_id: 'd1f9f066-5642-462d-b421-a7d8521556bc', kyc_status: 'accepted' },
    });
  });

  server.route('GET', '/v2/organization', (request) => {
    server.count('organization');
    const grant = apiGrant(request, 'organization.read');
    if (!isGrant(grant)) return grant;
    return json(200, { organization: { id: '0f7a2b3c-1d4e-4f5a-8b6c-7d8e9f0a1b2c', name: 'Acme SAS', slug: 'acme-sas-4821', legal_name: 'ACME SAS', bank_accounts: [{ id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', iban: 'FR7616958000010123456789012', currency: 'EUR', balance: 1250.5, status: 'active' }] } });
  });

  return {
    ...controls.handle,
    revokeConsent: (member) => grants.revokeGrantsOf((someone) => someone.id === member.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
