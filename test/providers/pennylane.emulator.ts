/**
 * An emulator of Pennylane's OAuth 2.0 for integration partners (app.pennylane.com/oauth/authorize, /oauth/token,
 * /oauth/revoke) and of the part of API v2 a connection touches, written from Pennylane's pages
 * (https://pennylane.readme.io/docs/oauth-20-walkthrough, https://pennylane.readme.io/docs/v2-scopes,
 * https://pennylane.readme.io/docs/getting-started, https://pennylane.readme.io/changelog/v2-new-user-profile-endpoint):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `redirect_uri`, `response_type=code`, a required `scope`
 *   (`resource:readonly` or `resource:all`) and an optional `state`; the person picks a company and comes back with a
 *   `code` and the state. A request without a scope is refused.
 * - API v2 under `/api/external/v2` with the token as Bearer: `GET /me` answers `{ user, company }` for any valid
 *   token; `GET /customers` needs `customers:readonly` or `customers:all`, else 403.
 * Made up here (Pennylane's pages as read do not say): the token endpoint's form (the client in it) and answer
 * (`expires_in` of a day), a refresh rotating the refresh token (the spent one then refused), refusals as RFC 6749
 * §5.2's bare `error`; the refused scope's `invalid_scope`; the API's 401 and 403 bodies; the revocation endpoint as
 * RFC 7009's (`token` in a form with the client: an access token ends alone, a refresh token its grant; 200 also for a
 * token no longer known). disconnectApp() is the person removing the application's access in Pennylane. The
 * authorization page approves at once for signInAs()'s person, for one company.
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

export interface PennylaneUser {
  /** The user's numeric id. */
  id: number;
  firstName: string;
  lastName: string;
  email: string;
}

export interface PennylaneEmulator extends EmulatorHandle<PennylaneUser> {
  /** The person removes the application's access: every token of theirs stops working. */
  disconnectApp(user: PennylaneUser): void;
  /** The next /api/external/v2/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each token request's form, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
  /** Each revocation's form, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
}

/** A day, as integrators describe Pennylane's access tokens. */
export const PENNYLANE_ACCESS_TOKEN_SECONDS = 86400;
export const PENNYLANE_COMPANY = { id: 123456, name: 'Acme SAS', reg_no: '123456789' };

const SCOPE = /^[a-z_]+:(readonly|all)$/;

export async function startPennylaneEmulator(options: EmulatorOptions): Promise<PennylaneEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<PennylaneUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: PENNYLANE_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<PennylaneUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const revocations: Array<Record<string, string>> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      const scopes = (query.get('scope') ?? '').split(/[ +]/).filter(Boolean);
      return scopes.length > 0 && scopes.every((scope) => SCOPE.test(scope)) ? undefined : { error: 'invalid_scope' };
    },
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocations.push(Object.fromEntries(form));
    if (!formCredentials(request, options)) return oauthError(401, 'invalid_client');
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    grants.revokeToken(token);
    return json(200, {});
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer realm="Pennylane", error="invalid_token"' }));

  server.route('GET', '/api/external/v2/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'internal_server_error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      user: { id: user.id, first_name: user.firstName, last_name: user.lastName, email: user.email, locale: 'fr' },
      company: PENNYLANE_COMPANY,
    });
  });

  server.route('GET', '/api/external/v2/customers', (request) => {
    server.count('customers');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const scopes = (grant.scope ?? '').split(' ');
    if (!scopes.includes('customers:readonly') && !scopes.includes('customers:all')) return json(403, { error: 'forbidden', message: 'The token lacks the customers:readonly scope' });
    return json(200, { has_more: false, next_cursor: null, items: [{ id: 42, name: 'Dupont SARL', customer_type: 'company', emails: ['compta@dupont.test'] }] });
  });

  return {
    ...controls.handle,
    disconnectApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
    revocations,
  };
}
