/**
 * An emulator of GetResponse's OAuth 2.0 endpoints and of the part of its
 * API v3 a connection touches, on one host, written from GetResponse's API
 * docs (https://apidocs.getresponse.com/v3/oauth2,
 * https://apidocs.getresponse.com/v3/case-study/getting-started,
 * https://apidocs.getresponse.com/v3/resources/accounts):
 * - Authorize: `GET /oauth2_authorize.html` with `response_type=code`,
 *   `client_id` and `state`; the person is sent back to the application's
 *   redirect URL with `code` and `state`, the code good for 10 minutes. No
 *   scope, no PKCE (a `code_challenge` is ignored). A `redirect_uri`, which
 *   GetResponse's examples do not send, must be the registered one here.
 *   A person who declines goes back with `error=access_denied` (not shown).
 * - Token: `POST /v3/token`, a form, the client as HTTP Basic only (token
 *   requests authenticate with `Authorization: Basic`); a client in the form
 *   alone is refused. The answer is `access_token`, `expires_in` (a day here,
 *   assumed), `token_type: "Bearer"`, `scope: "all"` (assumed) and
 *   `refresh_token`; a refresh answers a new refresh token and the old one
 *   lasts (GetResponse does not say). Refusals are RFC 6749 §5.2's.
 * - API: the token as `Authorization: Bearer`; a token not taken is a 401
 *   (as the getting-started page says) with GetResponse's error object.
 *   `GET /v3/accounts` answers the one account of the token (`accountId`,
 *   names, e-mail, company…); `GET /v3/campaigns` its lists.
 * There is no revocation endpoint: disconnectApp() is the account's owner
 * removing the application in GetResponse, which ends its tokens. The
 * authorization page approves at once for signInAs()'s account.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface GetResponseAccount {
  /** The account's id, as `accountId` (short letters, e.g. `B`). */
  accountId: string;
  firstName: string;
  lastName: string;
  email: string;
  companyName: string;
}

export interface GetResponseEmulator extends EmulatorHandle<GetResponseAccount> {
  /** The account's owner removes the application in GetResponse: none of its tokens works. */
  disconnectApp(account: GetResponseAccount): void;
  /** The next /v3/accounts request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

/** The access token lifetime the emulator gives (assumed: GetResponse's pages as stored do not say). */
export const GETRESPONSE_ACCESS_TOKEN_SECONDS = 86400;

function apiError(httpStatus: number, code: number, codeDescription: string, message: string) {
  return json(httpStatus, { httpStatus, code, codeDescription, message, moreInfo: `https://apidocs.getresponse.com/v3/errors/${code}`, context: [], uuid: '2f0c2b5e-7d7b-4d0e-9c55-0a1e6b3f8d21' });
}

const unauthenticated = () => apiError(401, 1014, 'Problem during authentication process', 'Unable to authenticate request. Check credentials or authentication token validity');

export async function startGetResponseEmulator(options: EmulatorOptions): Promise<GetResponseEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<GetResponseAccount>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: GETRESPONSE_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<GetResponseAccount>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2_authorize.html', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
  });

  tokenEndpoint(server, '/v3/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => request.basicAuth() !== null && authenticatesAs(request, options),
    pkce: false,
    answer: ({ tokens }) => json(200, tokenMembers(tokens, 'all', 'Bearer')),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthenticated);

  server.route('GET', '/v3/accounts', (request) => {
    server.count('accounts');
    const status = profileFailure.take();
    if (status !== undefined) return apiError(status, 1, 'Internal error', 'Something went wrong');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { accountId, firstName, lastName, email, companyName } = grant.user;
    return json(200, {
      accountId,
      firstName,
      lastName,
      email,
      phone: '0417123456',
      companyName,
      state: 'Pomorskie',
      city: 'Gdansk',
      zipCode: '11132',
      countryCode: { countryCodeId: '175', countryCode: 'PL' },
      industryTag: { industryTagID: '1' },
      numberOfEmployees: '5',
      timeFormat: '24h',
      timeZone: { name: 'Europe/Warsaw', offset: '+01:00' },
      href: `${server.origin}/v3/accounts`,
    });
  });

  server.route('GET', '/v3/campaigns', (request) => {
    server.count('campaigns');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, [{ campaignId: 'V', name: `${grant.user.companyName.toLowerCase().replace(/\W+/g, '_')}_list`, isDefault: 'true', href: `${server.origin}/v3/campaigns/V` }]);
  });

  return {
    ...controls.handle,
    disconnectApp: (account) => grants.revokeGrantsOf((someone) => someone.accountId === account.accountId),
    failNextProfile: profileFailure.queue,
  };
}
