/**
 * An emulator of Uphold's OAuth 2.0 Web Application Flow (wallet.uphold.com's
 * authorization page, api.uphold.com's `/oauth2/token`) and of the part of
 * its API a connection touches (`/v0`), written from Uphold's API
 * documentation (https://uphold.com/en/developer/api/documentation/):
 * - Authorize (#web-application-flow): `GET /authorize/<client_id>`, the
 *   client's id in the path, with `scope` and `state`, both required; the
 *   person goes back to the application's registered Redirect URL (whatever
 *   the request says) with `code` and `state`. An unknown client id is a
 *   page; a missing scope or state, or a scope Uphold does not have
 *   (#permissions), goes back as RFC 6749's `invalid_request` or
 *   `invalid_scope`, and a person who declines as `access_denied` (Uphold
 *   shows no wording: assumed).
 * - Token (same section): `POST /oauth2/token` with `code` and
 *   `grant_type=authorization_code`, the client as HTTP Basic or in the form;
 *   the code lives 5 minutes and is used once. The answer is
 *   `{ access_token, expires_in: null }`, no `token_type`, no refresh token.
 *   Refusals are RFC 6749 §5.2's (not documented: assumed).
 * - API: the token as Bearer only. `GET /v0/me` (`user:read`, #get-user)
 *   answers the User Object (#user-object); `GET /v0/me/cards`
 *   (`cards:read`, #list-cards) the person's cards. A token Uphold does not
 *   take is a 401 and a scope the grant lacks a 403 (#errors lists the
 *   statuses; the bodies here are assumed).
 * No revocation endpoint is documented: the person revoking the
 * application's access (`revokeAccess`) ends its tokens. The authorization
 * page approves at once for signInAs()'s user.
 */
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface UpholdUser {
  /** The user's id, a UUID. */
  id: string;
  firstName: string;
  lastName: string;
  username: string;
  email: string;
}

export interface UpholdEmulator extends EmulatorHandle<UpholdUser> {
  /** The person revokes the application's access in Uphold: every token of theirs stops working. */
  revokeAccess(user: UpholdUser): void;
  /** The next /v0/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

/** The scopes Uphold's documentation lists (#permissions). */
const UPHOLD_SCOPES = new Set(['accounts:read', 'cards:read', 'cards:write', 'phones:read', 'phones:write', 'transactions:deposit', 'transactions:read', 'transactions:transfer:application', 'transactions:transfer:others', 'transactions:transfer:self', 'transactions:withdraw', 'transactions:write', 'user:read']);

const upholdError = (status: number, code: string, message: string): EmulatorReply => json(status, { code, message });

export async function startUpholdEmulator(options: EmulatorOptions): Promise<UpholdEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<UpholdUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: null, refreshPolicy: 'none', codeTtl: 300 });
  const controls = emulatorControls<UpholdUser>(server, grants);
  const profileFailure = queuedFailure();

  server.route('GET', '/authorize/:clientId', (request) => {
    server.count('authorize');
    if (request.params.clientId !== options.clientId) return html(404, '<h1>Application not found</h1>');
    const query = request.url.searchParams;
    const reply = redirectBack(options.redirectUri, query);
    const scopes = requestedScopes(query);
    if (!query.get('state') || scopes.length === 0) return reply({ error: 'invalid_request' });
    if (scopes.some((scope) => !UPHOLD_SCOPES.has(scope))) return reply({ error: 'invalid_scope' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode({ clientId: options.clientId, redirectUri: undefined, scope: scopes.join(' '), codeChallenge: undefined, codeChallengeMethod: undefined, user }) });
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, expires_in: null }),
  });

  /** The grant of the request's Bearer token when it holds `scope`; else Uphold's 401 or 403. */
  const authorized = (request: EmulatorRequest, scope: string): Grant<UpholdUser> | EmulatorReply => {
    const grant = bearerGrant(grants, request, () => upholdError(401, 'unauthorized', 'Unauthorized'));
    if (isGrant(grant) && !grant.scope.split(' ').includes(scope)) return upholdError(403, 'forbidden', 'Forbidden');
    return grant;
  };

  server.route('GET', '/v0/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return upholdError(status, 'internal_server_error', 'Internal Server Error');
    const grant = authorized(request, 'user:read');
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      address: { city: 'Ryleighfort', line1: '32167 Mohr Land', line2: 'Suite 257', zipCode: '47890' },
      birthdate: '2000-09-27',
      country: 'US',
      currencies: ['BTC', 'USD'],
      email: user.email,
      firstName: user.firstName,
      id: user.id,
      lastName: user.lastName,
      memberAt: '2018-08-01T09:53:44.293Z',
      name: `${user.firstName} ${user.lastName}`,
      settings: { currency: 'USD', intl: { language: { locale: 'en-US' } } },
      state: 'US-UT',
      status: 'ok',
      type: 'individual',
      username: user.username,
      verifications: {},
    });
  });

  server.route('GET', '/v0/me/cards', (request) => {
    server.count('cards');
    const grant = authorized(request, 'cards:read');
    if (!isGrant(grant)) return grant;
    return json(200, [{ available: '0.1', balance: '0.1', currency: 'BTC', id: 'b152a105-c47d-4a8f-8904-9838a3fed608', label: `${grant.user.firstName}'s BTC card`, settings: { position: 1, starred: true } }]);
  });

  return {
    ...controls.handle,
    revokeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
  };
}
