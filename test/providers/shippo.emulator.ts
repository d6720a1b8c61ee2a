/**
 * An emulator of Shippo's OAuth for platform partners (goshippo.com/oauth) and of the part of its API
 * (api.goshippo.com) a connection touches, written from Shippo's pages
 * (https://docs.goshippo.com/docs/OAuth_Integrations/OAuth, https://docs.goshippo.com/o-auth-integrations/testing-with-jwt,
 * https://docs.goshippo.com/guides/api-quickstart) and its own OAuth demo (https://github.com/goshippo/shippo-demos-oauth):
 * - Authorize: `GET /oauth/authorize` with `response_type=code`, `client_id` (the partner id), `scope=*` (the one
 *   scope: another is sent back `invalid_scope` here) and `state`, which the page requires; no PKCE. A person who
 *   does not finish goes back with RFC 6749's `error=access_denied`.
 * - Token: `POST /oauth/access_token` with `client_id`, `client_secret`, `code` and `grant_type` in a JSON body,
 *   as the demo posts them (a form is not taken here), the client in the body only (RFC 6749 §5.2 refusals assumed), answered `access_token` (beginning `oauth.`), `token_type`
 *   `bearer` and `scope` `*`: a token that never expires, with no refresh token.
 * - API: the token as Bearer; `GET /addresses/` lists the account's addresses (`{ next, previous, results }`); a
 *   token it does not take is 401 `{ detail }` (assumed).
 * There is no revocation endpoint: a merchant who removes the platform's access ends its tokens (`removeAccess`).
 * The authorization page approves at once for signInAs()'s account.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { jsonOrForm, tokenEndpoint } from './kit/token-endpoint.js';

export interface ShippoAccount {
  /** The Shippo account's addresses, by object_id and name. */
  addresses: ReadonlyArray<{ objectId: string; name: string }>;
}

export interface ShippoEmulator extends EmulatorHandle<ShippoAccount> {
  /** The merchant removes the platform's access: none of its tokens works any more. */
  removeAccess(account: ShippoAccount): void;
  /** The form of each token request, in order, as Shippo read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

export async function startShippoEmulator(options: EmulatorOptions): Promise<ShippoEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ShippoAccount>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: null, refreshPolicy: 'none', prefixes: { access: 'oauth.' } });
  const controls = emulatorControls<ShippoAccount>(server, grants);
  const tokenForms: URLSearchParams[] = [];

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      if (!query.get('state')) return { error: 'invalid_request' };
      return requestedScopes(query).join(' ') === '*' ? undefined : { error: 'invalid_scope' };
    },
  });

  tokenEndpoint(server, '/oauth/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    // A JSON body, as Shippo's own demo posts it; a form is not taken.
    parameters: (request) => (request.headers['content-type']?.startsWith('application/json') ? jsonOrForm(request) : new URLSearchParams()),
    authenticates: (request) => {
      const sent = request.headers['content-type']?.startsWith('application/json') ? jsonOrForm(request) : new URLSearchParams();
      tokenForms.push(sent);
      return !request.headers.authorization && credentialsIn(sent, options);
    },
    pkce: false,
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'bearer', scope: '*' }),
  });

  server.route('GET', '/addresses/', (request) => {
    server.count('addresses');
    const grant = bearerGrant(grants, request, () => json(401, { detail: 'Invalid token.' }));
    if (!isGrant(grant)) return grant;
    const results = grant.user.addresses.map(({ objectId, name }) => ({ object_id: objectId, is_complete: true, name, country: 'US' }));
    return json(200, { next: null, previous: null, results });
  });

  return {
    ...controls.handle,
    removeAccess: (account) => grants.revokeGrantsOf((someone) => someone === account),
    tokenForms,
  };
}
