/**
 * An emulator of Teamleader Focus's OAuth 2 (focus.teamleader.eu/oauth2/authorize, /oauth2/access_token) and of the
 * part of its RPC-style API a connection touches (api.focus.teamleader.eu), written from Teamleader's API
 * documentation (https://developer.focus.teamleader.eu; its source, https://github.com/teamleadercrm/api:
 * `src/authentication.apib`, `src/introduction.apib`, `src/01-general/users.apib`):
 * - Authorize: `GET /oauth2/authorize` with `client_id`, `response_type=code`, `state` and an allowed `redirect_uri`;
 *   no scope parameter (the integration's scopes are granted); approved, `code` and `state` come back, declined
 *   `error=access_denied`.
 * - Token: `POST /oauth2/access_token` with `client_id`, `client_secret`, `grant_type`, and `code` with `redirect_uri`
 *   or `refresh_token`, as a form or as JSON (not HTTP Basic); JSON `token_type: "Bearer"`, `expires_in` (3600),
 *   `access_token`, `refresh_token`. A refresh token is good for one refresh, which answers a new pair.
 * - API: every method a POST with the token as Bearer, else a 401; answers keyed by `data`, errors an `errors` array
 *   of `{ title }`. `POST /users.me` answers the token's user; `POST /contacts.list` the account's contacts.
 * Made up here (Teamleader's pages do not say): the pages for an unknown client or redirect URI, refusals as RFC 6749
 * §5.2's bare `error`, the 401's title. uninstall() is the person uninstalling the integration. The authorization
 * page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface TeamleaderUser {
  /** The user's UUID. */
  id: string;
  /** The UUID of the user's Teamleader account. */
  accountId: string;
  firstName: string;
  lastName: string;
  emailConfirmed: boolean;
}

export interface TeamleaderEmulator extends EmulatorHandle<TeamleaderUser> {
  /** The person uninstalls the integration: every token of theirs stops working. */
  uninstall(user: TeamleaderUser): void;
  /** The next users.me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The parameters of each token request, in order, as Teamleader read them. */
  readonly tokenParameters: ReadonlyArray<URLSearchParams>;
}

/** Teamleader's access tokens last an hour. */
export const TEAMLEADER_ACCESS_TOKEN_SECONDS = 3600;

const unauthorized = () => json(401, { errors: [{ title: 'Access token is invalid or missing' }] });

export async function startTeamleaderEmulator(options: EmulatorOptions): Promise<TeamleaderEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<TeamleaderUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: TEAMLEADER_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<TeamleaderUser>(server, grants);
  const profileFailure = queuedFailure();
  const tokenParameters: URLSearchParams[] = [];

  authorizationEndpoint(server, '/oauth2/authorize', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/oauth2/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    parameters: jsonOrForm,
    authenticates: (request) => {
      const parameters = jsonOrForm(request);
      tokenParameters.push(parameters);
      return credentialsIn(parameters, options);
    },
    pkce: false,
    answer: ({ tokens }) => json(200, tokenMembers(tokens, undefined, 'Bearer')),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('POST', '/users.me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { errors: [{ title: 'Something went wrong' }] });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      data: {
        id: user.id,
        account: { type: 'account', id: user.accountId },
        first_name: user.firstName,
        last_name: user.lastName,
        email: `${user.firstName.toLowerCase()}@piedpiper.eu`,
        email_verification_status: user.emailConfirmed ? 'confirmed' : 'pending',
        telephones: [{ type: 'phone', number: '092980615' }],
        language: 'nl-BE',
        function: 'Sales',
        time_zone: 'Europe/Brussels',
        preferences: { invoiceable: true, historic_time_tracking_limit: null, whitelabeling: true },
      },
    });
  });

  server.route('POST', '/contacts.list', (request) => {
    server.count('contacts');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { data: [{ id: 'f1dfb84c-3c29-4548-9b9b-9090a080742a', first_name: 'Erlich', last_name: 'Bachman', salutation: 'Mr' }], meta: { page: { size: 20, number: 1 }, matches: 1 } });
  });

  return {
    ...controls.handle,
    uninstall: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenParameters,
  };
}
