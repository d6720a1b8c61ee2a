/**
 * An emulator of SumUp's OAuth 2.0 (api.sumup.com's `/authorize` and `/token`) and of the part of its REST API a
 * connection touches, written from SumUp's pages (https://developer.sumup.com/tools/authorization/oauth,
 * https://developer.sumup.com/api/merchant/get, https://developer.sumup.com/api/transactions):
 * - Authorize: `response_type=code`, `client_id`, `redirect_uri`, space-separated `scope` and `state`; an omitted
 *   scope is granted SumUp's defaults (`transactions.history`, `user.app-settings`, `user.profile_readonly`).
 * - Token: a form with the client's id and secret in it; `grant_type` with `code` and `redirect_uri`, or
 *   `refresh_token`; the answer `access_token`, `token_type: "Bearer"`, `expires_in` (3599), `refresh_token` and,
 *   for the code exchange, `scope`.
 * - API: `GET /v0.1/me` (scope `user.profile_readonly`) answers `account`, `personal_profile` and
 *   `merchant_profile`; `GET /v2.1/merchants/{merchant_code}/transactions/history` (scope `transactions.history`)
 *   `{ items, links }`; a token SumUp does not take is a 401 `{ error_message: "invalid access token",
 *   error_code: "NOT_AUTHORIZED" }`, a valid one without the scope a 403.
 * Made up here (SumUp's pages do not say): a scope SumUp does not list sent back as `invalid_scope`; a refresh
 * answering a new refresh token and ending the spent one; refusals as RFC 6749 §5.2's bare JSON; the 403's body;
 * another merchant's code in the path a 404. disconnectApp() is the merchant removing the application's access.
 * The authorization page approves at once for signInAs()'s merchant.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface SumUpMerchant {
  /** The merchant profile's code (`MH4H92C7`). */
  merchantCode: string;
  firstName: string;
  lastName: string;
  username: string;
  /** `operator`: an employee's sub-account of the merchant. */
  type: 'normal' | 'operator';
}

export interface SumUpEmulator extends EmulatorHandle<SumUpMerchant> {
  /** The merchant removes the application's access: every token of theirs stops working. */
  disconnectApp(merchant: SumUpMerchant): void;
  /** The next /v0.1/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each token request's form, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** SumUp's access tokens last an hour (3599 s in its example). */
export const SUMUP_ACCESS_TOKEN_SECONDS = 3599;
const SCOPES = ['payments', 'payment_instruments', 'transactions.history', 'user.app-settings', 'user.profile_readonly', 'user.profile', 'user.subaccounts', 'user.payout-settings', 'products'];
const DEFAULT_SCOPE = 'transactions.history user.app-settings user.profile_readonly';

const notAuthorized = () => json(401, { error_message: 'invalid access token', error_code: 'NOT_AUTHORIZED' });

export async function startSumUpEmulator(options: EmulatorOptions): Promise<SumUpEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SumUpMerchant>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: SUMUP_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<SumUpMerchant>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => ((query.get('scope') ?? '').split(' ').every((scope) => scope === '' || SCOPES.includes(scope)) ? undefined : { error: 'invalid_scope' }),
    request: (query) => (query.get('scope') ? {} : { scope: DEFAULT_SCOPE }),
  });

  tokenEndpoint(server, '/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    refuseCode: (form) => (form.get('redirect_uri') ? undefined : oauthError(400, 'invalid_request')),
    answer: ({ grantType, grant, tokens }) => json(200, tokenMembers(tokens, grantType === 'authorization_code' ? grant.scope : undefined, 'Bearer')),
  });

  const scopedGrant = (request: EmulatorRequest, scope: string) => {
    const grant = bearerGrant(grants, request, notAuthorized);
    if (!isGrant(grant)) return grant;
    return grant.scope.split(' ').includes(scope) ? grant : json(403, { error_message: 'insufficient scope', error_code: 'FORBIDDEN' });
  };

  server.route('GET', '/v0.1/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error_message: 'internal server error', error_code: 'INTERNAL_ERROR' });
    const grant = scopedGrant(request, 'user.profile_readonly');
    if (!isGrant(grant)) return grant;
    const { user: merchant } = grant;
    return json(200, {
      account: { username: merchant.username, type: merchant.type },
      personal_profile: { first_name: merchant.firstName, last_name: merchant.lastName, date_of_birth: '1980-12-10', mobile_phone: '+44 20 7946 0000', address: { address_line1: '1 Example Street', city: 'London', country: 'GB', post_code: 'N1 9GU' }, complete: true },
      merchant_profile: { merchant_code: merchant.merchantCode, company_name: `${merchant.lastName} Trading Ltd`, website: 'https://example.com', merchant_category_code: '5812', country: 'GB', locale: 'en-GB' },
    });
  });

  server.route('GET', '/v2.1/merchants/:merchantCode/transactions/history', (request) => {
    server.count('transactions');
    const grant = scopedGrant(request, 'transactions.history');
    if (!isGrant(grant)) return grant;
    if (request.params.merchantCode !== grant.user.merchantCode) return json(404, { error_message: 'merchant not found', error_code: 'NOT_FOUND' });
    return json(200, {
      items: [{ id: '410fc44a-5956-44e1-b5cc-19c6f8d727a4', transaction_code: 'TEENSK4W2K', amount: 10.1, currency: 'EUR', status: 'SUCCESSFUL', payment_type: 'POS', timestamp: '2026-11-20T07:29:20.910Z' }],
      links: [],
    });
  });

  return {
    ...controls.handle,
    disconnectApp: (merchant) => grants.revokeGrantsOf((someone) => someone.merchantCode === merchant.merchantCode),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
