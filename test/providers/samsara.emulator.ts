/**
 * An emulator of Samsara's OAuth 2.0 for apps (api.samsara.com/oauth2/authorize, /oauth2/token, /oauth2/revoke)
 * and of the part of its API a connection touches, written from Samsara's pages and repositories
 * (https://developers.samsara.com/docs/oauth-20, https://github.com/samsarahq/oauth-samples,
 * https://github.com/samsarahq/api-docs):
 * - Authorize: `GET /oauth2/authorize` with `client_id`, `response_type=code`, `redirect_uri` and `state`; no
 *   scope (the app's are set on it) and no PKCE; approved, a code comes back with the state.
 * - Token: `POST /oauth2/token`, the client by HTTP Basic alone (the App ID and App Secret), a form with
 *   `grant_type` and the code or the refresh token; JSON with `access_token`, `refresh_token`, `expires_in` and
 *   `token_type`.
 * - Revocation: `POST /oauth2/revoke`, the client by Basic, a form with `token` (a refresh token ends its grant,
 *   an access token itself).
 * - API: the token as Bearer. `GET /me` answers `{ data: { id, name, carrierSettings } }`, the organization;
 *   `GET /fleet/vehicles` the organization's vehicles (`{ data, pagination }`).
 * Made up here (Samsara's pages do not say): a 1-hour access token; a refresh rotating the refresh token (the spent
 * one then refused); refusals as RFC 6749 §5.2's bare `error`; the API's 401 body (`message`, `requestId`); a
 * revocation answering 200 also for a token no longer known. uninstall() is the organization removing the app.
 * The authorization page approves at once for signInAs()'s organization.
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

export interface SamsaraOrganization {
  /** The organization's id, as `/me` names it. */
  id: string;
  name: string;
}

export interface SamsaraEmulator extends EmulatorHandle<SamsaraOrganization> {
  /** The organization uninstalls the app: every token of its install stops working. */
  uninstall(organization: SamsaraOrganization): void;
  /** The next /me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each revocation's form, in order, and whether the client came by Basic. */
  readonly revocations: ReadonlyArray<{ form: Record<string, string>; basic: boolean }>;
}

export const SAMSARA_ACCESS_TOKEN_SECONDS = 3600;

const unauthorized = () => json(401, { message: 'Unauthorized', requestId: 'b1d0e2a4-0c8f-4f6e-9d7a-5e3c2b1a0f99' });

export async function startSamsaraEmulator(options: EmulatorOptions): Promise<SamsaraEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SamsaraOrganization>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: SAMSARA_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<SamsaraOrganization>(server, grants);
  const revocations: Array<{ form: Record<string, string>; basic: boolean }> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options),
    pkce: false,
    answer: ({ tokens }) => json(200, tokenMembers(tokens, undefined, 'bearer')),
  });

  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    const basic = basicAsSent(request, options);
    revocations.push({ form: Object.fromEntries(form), basic });
    if (!basic) return oauthError(401, 'invalid_client');
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    grants.revokeToken(token);
    return json(200, {});
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { message: 'Internal Server Error', requestId: 'c2e1f3b5-1d9a-4a7f-8e8b-6f4d3c2b1a00' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user: organization } = grant;
    return json(200, {
      data: {
        carrierSettings: { carrierName: `${organization.name} Inc.`, dotNumber: 98231, mainOfficeAddress: '1234 Main St. Los Angeles, CA 90210' },
        id: organization.id,
        name: organization.name,
      },
    });
  });

  server.route('GET', '/fleet/vehicles', (request) => {
    server.count('vehicles');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      data: [{ id: '112', name: 'Truck A7', vin: '1FUJA6BD31LJ09646', licensePlate: '6SAM123', make: 'Ford', model: 'F150', year: '2020' }],
      pagination: { endCursor: '', hasNextPage: false },
    });
  });

  return {
    ...controls.handle,
    uninstall: (organization) => grants.revokeGrantsOf((someone) => someone.id === organization.id),
    failNextProfile: profileFailure.queue,
    revocations,
  };
}
