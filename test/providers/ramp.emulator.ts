/**
 * An emulator of Ramp's OAuth 2.0 (app.ramp.com's `/v1/authorize`, api.ramp.com's `/developer/v1/token` and
 * `/developer/v1/token/revoke`) and of the part of the Developer API a connection touches, written from Ramp's pages
 * (https://docs.ramp.com/developer-api/v1/authorization, https://docs.ramp.com/developer-api/v1/guides/getting-started,
 * https://docs.ramp.com/developer-api/v1/error-handling, the API reference's Token and Business operations):
 * - Authorize: `response_type=code`, `client_id`, `redirect_uri`, `scope` (space-separated) and `state`, all
 *   required; a scope the app is not configured for goes back as `invalid_scope`, a denial as `access_denied`.
 * - Token: the client as HTTP Basic alone, a form; `grant_type` with `code` and `redirect_uri` (both required), or
 *   `refresh_token`; the answer `access_token` (`ramp_tok_…`), `token_type: "Bearer"`, `expires_in` (3600),
 *   `refresh_token`, `scope`.
 * - Revoke: the client as Basic, a form with `token` (required) and `token_type_hint`; 200.
 * - API: `GET /developer/v1/business` (scope `business:read`) and `/developer/v1/business/balance` (the same scope);
 *   401 for a token Ramp does not take, 403 for one without the scope, in Ramp's error shape (`error_v2` with
 *   `error_code`, `additional_info`, `notes`, `message`, beside `error`).
 * Made up here: the refresh answering a new refresh token while the spent one lasts; the token endpoint's refusals
 * as RFC 6749 §5.2's bare JSON; the `error_code` values of the 401 and 403; revocation of a refresh token ending its
 * grant, of an access token that token alone. disconnectApp() is the business's admin disconnecting the app. The
 * authorization page approves at once for signInAs()'s business.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface RampBusiness {
  /** The business's UUID. */
  id: string;
  legalName: string;
}

export interface RampEmulator extends EmulatorHandle<RampBusiness> {
  /** The business's admin disconnects the app: every token of the business's stops working. */
  disconnectApp(business: RampBusiness): void;
  /** The next /developer/v1/business request fails with this HTTP status. */
  failNextBusiness(status: number): void;
  /** Each revocation's form, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
  /** Each token request's form, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** Ramp's access tokens from the authorization code grant last an hour. */
export const RAMP_ACCESS_TOKEN_SECONDS = 3600;
/** The scopes the emulated app is configured for. */
const APP_SCOPES = ['business:read', 'transactions:read', 'users:read'];

/** Ramp's error body: `error_v2` and the older `error`. */
function rampError(status: number, code: string, message: string) {
  return json(status, { error_v2: { error_code: code, additional_info: {}, notes: '', message }, error: message });
}

export async function startRampEmulator(options: EmulatorOptions): Promise<RampEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<RampBusiness>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: RAMP_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued', prefixes: { access: 'ramp_tok_', refresh: 'ramp_tok_' } });
  const controls = emulatorControls<RampBusiness>(server, grants);
  const revocations: Array<Record<string, string>> = [];
  const tokenForms: URLSearchParams[] = [];
  const businessFailure = queuedFailure();

  authorizationEndpoint(server, '/v1/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      if (!query.get('state')) return { error: 'invalid_request' };
      const asked = (query.get('scope') ?? '').split(' ');
      return asked.every((scope) => APP_SCOPES.includes(scope)) ? undefined : { error: 'invalid_scope' };
    },
  });

  tokenEndpoint(server, '/developer/v1/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return basicAsSent(request, options) && !request.form().has('client_secret');
    },
    pkce: false,
    refuseCode: (form) => (form.get('redirect_uri') ? undefined : oauthError(400, 'invalid_request')),
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  server.route('POST', '/developer/v1/token/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocations.push(Object.fromEntries(form));
    if (!basicAsSent(request, options)) return oauthError(401, 'invalid_client');
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    grants.revokeToken(token);
    return json(200, {});
  });

  const scopedGrant = (request: EmulatorRequest, scope: string) => {
    const grant = bearerGrant(grants, request, () => rampError(401, 'DEVELOPER_7005', 'Invalid or expired access token'));
    if (!isGrant(grant)) return grant;
    return grant.scope.split(' ').includes(scope) ? grant : rampError(403, 'DEVELOPER_7006', `Token is missing the required scope: ${scope}`);
  };

  server.route('GET', '/developer/v1/business', (request) => {
    server.count('business');
    const status = businessFailure.take();
    if (status !== undefined) return rampError(status, 'DEVELOPER_7000', 'Internal server error');
    const grant = scopedGrant(request, 'business:read');
    if (!isGrant(grant)) return grant;
    const { user: business } = grant;
    return json(200, {
      active: true,
      billing_address: { address1: '123 Main St', city: 'New York City', country: 'US', postal_code: '10003', state: 'NY' },
      business_name_legal: business.legalName,
      business_name_on_card: business.legalName.toUpperCase(),
      created_time: '2022-08-20T16:54:29+00:00',
      enforce_sso: false,
      id: business.id,
      initial_approved_limit: 2000000,
      is_integrated_with_slack: false,
      is_reimbursements_enabled: true,
      limit_locked: false,
      phone: '8014441234',
      website: 'www.example.com',
    });
  });

  server.route('GET', '/developer/v1/business/balance', (request) => {
    server.count('balance');
    const grant = scopedGrant(request, 'business:read');
    if (!isGrant(grant)) return grant;
    return json(200, { available_balance: 1500000, card_balance: 250000, global_limit: 2000000, max_balance: 2000000, statement_balance: 120000 });
  });

  return {
    ...controls.handle,
    disconnectApp: (business) => grants.revokeGrantsOf((someone) => someone.id === business.id),
    failNextBusiness: businessFailure.queue,
    revocations,
    tokenForms,
  };
}
