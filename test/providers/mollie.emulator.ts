/**
 * An emulator of Mollie Connect (my.mollie.com/oauth2/authorize,
 * api.mollie.com/oauth2/tokens) and of the part of the Mollie API a
 * connection touches, written from Mollie's documentation
 * (https://docs.mollie.com/reference/authorize,
 * https://docs.mollie.com/reference/generate-tokens,
 * https://docs.mollie.com/reference/revoke-tokens,
 * https://docs.mollie.com/reference/get-current-organization.md):
 * - Authorize: `GET /oauth2/authorize` with `client_id`, `redirect_uri`
 *   (optional; if given, the registered one), `state` and `scope`
 *   (required, space-separated) and `response_type=code`; a request
 *   without state or scope, or with a scope it does not know, is sent back
 *   as `invalid_request` or `invalid_scope`, a merchant who refuses as
 *   `access_denied` (the refusals' codes not shown by Mollie).
 * - Token: `POST /oauth2/tokens`, the client as HTTP Basic (or `client_id`
 *   and `client_secret` in the body), the parameters as a form or JSON.
 *   `redirect_uri` is optional at the code exchange and, if given, must be
 *   the registered one; a refresh must send it again whenever its
 *   authorization's code exchange did. The answer is `access_token`,
 *   `refresh_token` (which does not expire; the same one is answered
 *   again here, Mollie not saying whether it rotates), `expires_in`
 *   (3600), `token_type: "bearer"` and `scope`. Refusals are RFC 6749's,
 *   as Mollie's example shows them (`invalid_grant`).
 * - Revocation: `DELETE /oauth2/tokens`, the client as Basic, with
 *   `token_type_hint` and `token`: 204; a refresh token takes every token of
 *   its authorization with it; a token it does not know is 400
 *   `invalid_grant`, as Mollie's example answer.
 * - API: `GET /v2/organizations/me` (behind `organizations.read`) and
 *   `GET /v2/profiles` (behind `profiles.read`), the token as Bearer,
 *   answered as HAL JSON; 401 for a token it does not take.
 * The merchant may disconnect the app in the Mollie Dashboard
 * (`removeApp`), which ends the grant. The authorization page approves at
 * once for signInAs()'s organization.
 */
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface MollieOrganization {
  /** `org_…` */
  id: string;
  name: string;
  email: string;
}

export interface MollieEmulator extends EmulatorHandle<MollieOrganization> {
  /** The merchant disconnects the app in the Mollie Dashboard: every token of the authorization stops working. */
  removeApp(organization: MollieOrganization): void;
  /** The next /v2/organizations/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Whether each code exchange sent `redirect_uri`, in order. */
  readonly exchangesWithRedirectUri: ReadonlyArray<boolean>;
  /** Each revocation's `token_type_hint` and token, in order. */
  readonly revocations: ReadonlyArray<{ hint: string | null; token: string | null }>;
}

const ACCESS_TOKEN_TTL = 3600;
const SCOPES = ['organizations.read', 'organizations.write', 'profiles.read', 'profiles.write', 'payments.read', 'payments.write', 'refunds.read', 'settlements.read'];
const HAL = { 'content-type': 'application/hal+json' };
const UNAUTHORIZED = () =>
  json(401, { status: 401, title: 'Unauthorized Request', detail: 'Missing authentication, or failed to authenticate', _links: { documentation: { href: 'https://docs.mollie.com/overview/authentication', type: 'text/html' } } }, HAL);

export async function startMollieEmulator(options: EmulatorOptions): Promise<MollieEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<MollieOrganization>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'static' });
  const controls = emulatorControls<MollieOrganization>(server, grants);
  const exchangesWithRedirectUri: boolean[] = [];
  const grantsWithRedirectUri = new Set<string>();
  const revocations: Array<{ hint: string | null; token: string | null }> = [];
  const profileFailure = queuedFailure();

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Invalid client_id</h1>');
    if (query.has('redirect_uri') && query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid redirect_uri</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const asked = requestedScopes(query);
    if (!query.get('state') || asked.length === 0) return reply({ error: 'invalid_request' });
    if (asked.some((scope) => !SCOPES.includes(scope))) return reply({ error: 'invalid_scope' });
    const organization = controls.approver();
    if (!organization) return reply({ error: 'access_denied', error_description: 'The merchant denied the authorization request.' });
    return reply({
      code: grants.issueCode({
        clientId: options.clientId,
        redirectUri: undefined,
        scope: asked.join(' '),
        codeChallenge: undefined,
        codeChallengeMethod: undefined,
        user: organization,
        refreshToken: true,
      }),
    });
  });

  const authenticates = (request: EmulatorRequest) => {
    const basic = request.basicAuth();
    const body = jsonOrForm(request);
    return (basic?.username ?? body.get('client_id')) === options.clientId && (basic?.password ?? body.get('client_secret')) === options.clientSecret;
  };

  tokenEndpoint(server, '/oauth2/tokens', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    parameters: jsonOrForm,
    authenticates,
    pkce: false,
    refuseCode: (form) => {
      exchangesWithRedirectUri.push(form.has('redirect_uri'));
      if (form.has('redirect_uri') && form.get('redirect_uri') !== options.redirectUri) return oauthError(400, 'invalid_grant', 'The redirect_uri does not match the one registered with the app');
      return undefined;
    },
    refuseRefresh: (presented, form) => {
      const grant = grants.grantOfToken(presented);
      if (grant && grantsWithRedirectUri.has(grant.id) && form.get('redirect_uri') !== options.redirectUri) return oauthError(400, 'invalid_request', 'The redirect_uri is required');
      return undefined;
    },
    answer: ({ grantType, grant, tokens, form }) => {
      if (grantType === 'authorization_code' && form.has('redirect_uri')) grantsWithRedirectUri.add(grant.id);
      const refreshToken = tokens.refreshToken ?? form.get('refresh_token') ?? undefined;
      return json(200, tokenMembers({ ...tokens, refreshToken }, grant.scope, 'bearer'));
    },
  });

  server.route('DELETE', '/oauth2/tokens', (request) => {
    server.count('revoke');
    if (!authenticates(request)) return oauthError(401, 'invalid_client');
    const body = jsonOrForm(request);
    const hint = body.get('token_type_hint');
    const token = body.get('token');
    revocations.push({ hint, token });
    if (!token || (hint !== 'access_token' && hint !== 'refresh_token')) return oauthError(400, 'invalid_request', "You need to provide the 'token' and 'token_type_hint' fields");
    const grant = grants.grantOfToken(token);
    if (!grant || grant.revoked) return oauthError(400, 'invalid_grant', "Token doesn't exist or is invalid for the client");
    if (hint === 'refresh_token') grants.revokeGrant(grant.id);
    else grants.revokeAccessToken(token);
    return { status: 204 };
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, UNAUTHORIZED);
  const hasScope = (grant: Grant<MollieOrganization>, scope: string) => grant.scope.split(' ').includes(scope);
  const forbidden = () => json(403, { status: 403, title: 'Forbidden', detail: 'The access token does not have the required scope' }, HAL);

  server.route('GET', '/v2/organizations/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { status, title: 'Internal Server Error', detail: 'An internal server error occurred while processing your request' }, HAL);
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!hasScope(grant, 'organizations.read')) return forbidden();
    const { user: organization } = grant;
    return json(
      200,
      {
        resource: 'organization',
        id: organization.id,
        name: organization.name,
        email: organization.email,
        locale: 'nl_NL',
        address: { streetAndNumber: 'Keizersgracht 126', postalCode: '1015 CW', city: 'Amsterdam', country: 'NL' },
        registrationNumber: '30204462',
        vatNumber: 'NL815839091B01',
        _links: {
          self: { href: `https://api.mollie.com/v2/organizations/${organization.id}`, type: 'application/hal+json' },
          dashboard: { href: `https://my.mollie.com/dashboard/${organization.id}`, type: 'text/html' },
        },
      },
      HAL,
    );
  });

  server.route('GET', '/v2/profiles', (request) => {
    server.count('profiles');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!hasScope(grant, 'profiles.read')) return forbidden();
    return json(200, { count: 1, _embedded: { profiles: [{ resource: 'profile', id: 'pfl_QkEhN94Ba', mode: 'live', name: 'My website name', website: 'https://shop.example.org', status: 'verified' }] }, _links: { previous: null, next: null } }, HAL);
  });

  return {
    ...controls.handle,
    removeApp: (organization) => grants.revokeGrantsOf((someone) => someone.id === organization.id),
    failNextProfile: profileFailure.queue,
    exchangesWithRedirectUri,
    revocations,
  };
}
