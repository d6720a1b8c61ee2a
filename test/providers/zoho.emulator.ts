/**
 * An emulator of one Zoho data centre: its accounts server (Zoho Accounts'
 * OAuth, https://accounts.zoho.com and the like) and the part of its API
 * host (https://www.zohoapis.com and the like) a connection touches, on one
 * host, written from Zoho's documentation:
 * - Authorize (https://www.zoho.com/accounts/protocol/oauth/web-apps/authorization.html):
 *   `GET /oauth/v2/auth` with `response_type=code`, `client_id`,
 *   `redirect_uri` (the one registered), `scope`, comma-separated, among the
 *   scopes known here (another is `invalid_scope`), `access_type` and
 *   `prompt`. With `access_type=offline` a refresh token comes with the
 *   person's first consent to the client, and later only with
 *   `prompt=consent`. The redirect back carries `location` and
 *   `accounts-server`, the person's data centre
 *   (https://www.zoho.com/accounts/protocol/oauth/multi-dc/client-authorization.html):
 *   this server's own origin, or another data centre's server for a person
 *   kept there. A person of a data centre emulated beside this one
 *   (`otherDataCentres`) is sent on to that one's authorization page, as
 *   Zoho sends a person to their own data centre, which issues the code; a
 *   person of any other data centre gets a code this server does not know
 *   (no such server runs here). A person who declines
 *   is sent back with `error=access_denied` (not shown by Zoho).
 * - Token (https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token.html):
 *   `POST /oauth/v2/token` with `client_id` and `client_secret` beside the
 *   grant, in the form or the query. The code's answer is `access_token`,
 *   `refresh_token` (when one is due), `api_domain` (this host, or the one
 *   a test names),
 *   `token_type: "Bearer"` and `expires_in: 3600`; a refresh's the same
 *   without a refresh token: the one held is not rotated and never expires
 *   (https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token-expiry.html).
 *   Refusals come with HTTP 200, as integrations report them:
 *   `{"error": "invalid_code"}` for a code or refresh token it does not
 *   take, `invalid_client` for an unknown client, `invalid_client_secret`
 *   for a wrong secret.
 * - `GET /oauth/user/info` (https://www.zoho.com/accounts/protocol/oauth/use-access-token.html),
 *   the token as `Bearer` or `Zoho-oauthtoken`, behind
 *   `AaaServer.profile.READ`: `{ First_Name, Last_Name, Display_Name, Email,
 *   ZUID }` (its members as integrations read them).
 * - `GET /crm/v8/users?type=CurrentUser` (https://www.zoho.com/crm/developer/docs/api/v8/get-users.html)
 *   behind `ZohoCRM.users.READ`; a token the API does not take is a 401
 *   `{ code: "INVALID_TOKEN", details: {}, message: "invalid oauth token",
 *   status: "error" }` (https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html).
 * - Revoke (https://www.zoho.com/accounts/protocol/oauth/revoke-refresh-token.html):
 *   `POST /oauth/v2/token/revoke?token=…` ends a refresh token's grant (or
 *   one access token) and answers `{"status":"success"}`; a token it does
 *   not know is a 400 (its body not shown by Zoho).
 * The authorization page approves at once for signInAs()'s person.
 */
import { redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, redirect, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface ZohoUser {
  zuid: number;
  firstName: string;
  lastName: string;
  email: string;
  /** The data centre's accounts server the person is kept at, when not the one signed in at (e.g. `https://accounts.zoho.eu`, or an emulator's origin). */
  accountsServer?: string;
}

export interface ZohoEmulatorOptions extends EmulatorOptions {
  /** The data centre's `location` (default `us`). */
  location?: string;
  /** Data centres emulated beside this one, the same client registered at each (Multi DC): their people are sent on to them, and they close with this one. */
  otherDataCentres?: readonly ZohoEmulator[];
}

export interface ZohoEmulator extends EmulatorHandle<ZohoUser> {
  /** Authorization requests as they came, in order. */
  readonly authorizationRequests: URLSearchParams[];
  /** The data centres emulated beside this one (options.otherDataCentres). */
  readonly otherDataCentres: readonly ZohoEmulator[];
  /** The person revokes the app under Connected Apps at Zoho: none of its tokens works. */
  revokeInZoho(user: ZohoUser): void;
  /** Live grants of the person that were issued a refresh token. */
  liveRefreshGrants(user: ZohoUser): number;
  /** The next token answer names this `api_domain` in place of this host. */
  nameApiDomainNext(apiDomain: string): void;
}

const SCOPES = ['AaaServer.profile.READ', 'ZohoCRM.users.READ', 'ZohoCRM.modules.ALL'];

export async function startZohoEmulator(options: ZohoEmulatorOptions): Promise<ZohoEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ZohoUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: 3600, refreshPolicy: 'static', refreshTokenTtl: null, codeTtl: 120 });
  const controls = emulatorControls<ZohoUser>(server, grants);
  const authorizationRequests: URLSearchParams[] = [];
  const consented = new Set<number>();
  let apiDomainNext: string | undefined;
  const apiDomain = () => {
    const named = apiDomainNext ?? server.origin;
    apiDomainNext = undefined;
    return named;
  };

  server.route('GET', '/oauth/v2/auth', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    authorizationRequests.push(query);
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid Redirect Uri</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const asked = (query.get('scope') ?? '').split(',').filter(Boolean);
    if (asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope))) return reply({ error: 'invalid_scope' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    const accountsServer = user.accountsServer ?? server.origin;
    const elsewhere = accountsServer !== server.origin;
    const home = options.otherDataCentres?.find((other) => other.origin === accountsServer);
    if (home) {
      // Signed in here, the person is sent on to their own data centre, which signs them in and issues the code.
      home.signInAs(user);
      return redirect(new URL(`/oauth/v2/auth?${query}`, home.origin));
    }
    const location = elsewhere ? new URL(accountsServer).hostname.split('.').at(-1)! : (options.location ?? 'us');
    const offline = query.get('access_type') === 'offline';
    const refreshToken = offline && (!consented.has(user.zuid) || (query.get('prompt') ?? '').split(' ').includes('consent'));
    consented.add(user.zuid);
    const code = grants.issueCode({
      clientId: options.clientId,
      redirectUri: options.redirectUri,
      scope: asked.join(' '),
      codeChallenge: query.get('code_challenge') ?? undefined,
      codeChallengeMethod: query.get('code_challenge_method') ?? undefined,
      user,
      refreshToken,
    });
    // A person of another data centre: the code is that centre's, unknown here.
    return reply({ code: elsewhere ? `other-dc-${code}` : code, location, 'accounts-server': accountsServer });
  });

  // Zoho reads its parameters from the query or the form.
  const parameters = (request: EmulatorRequest) => new URLSearchParams([...request.url.searchParams, ...request.form()]);
  const refused = (error: string): EmulatorReply => json(200, { error });

  tokenEndpoint(server, '/oauth/v2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Service Temporarily Unavailable</h1>') },
    parameters,
    authenticates: (request) => {
      const form = parameters(request);
      if (form.get('client_id') !== options.clientId) return refused('invalid_client');
      return form.get('client_secret') === options.clientSecret || refused('invalid_client_secret');
    },
    errors: { refreshToken: () => refused('invalid_code'), code: () => refused('invalid_code'), grantType: () => refused('unsupported_grant_type') },
    answer: ({ tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        api_domain: apiDomain(),
        token_type: 'Bearer',
        expires_in: tokens.expiresIn,
      }),
  });

  const tokenOf = (request: EmulatorRequest) => /^(?:Bearer|Zoho-oauthtoken) (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
  const invalidToken = (): EmulatorReply => json(401, { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' });
  const apiGrant = (request: EmulatorRequest, scope: string): Grant<ZohoUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(tokenOf(request));
    if (!grant) return invalidToken();
    return grant.scope.split(' ').includes(scope) ? grant : json(401, { code: 'OAUTH_SCOPE_MISMATCH', details: {}, message: 'invalid oauth scope to access this URL', status: 'error' });
  };
  const isGrant = (value: Grant<ZohoUser> | EmulatorReply): value is Grant<ZohoUser> => 'user' in value;

  server.route('GET', '/oauth/user/info', (request) => {
    server.count('user_info');
    const grant = apiGrant(request, 'AaaServer.profile.READ');
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { First_Name: user.firstName, Email: user.email, Last_Name: user.lastName, Display_Name: `${user.firstName}.${user.lastName}`.toLowerCase(), ZUID: user.zuid });
  });

  server.route('GET', '/crm/v8/users', (request) => {
    server.count('crm_users');
    const grant = apiGrant(request, 'ZohoCRM.users.READ');
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    if (request.url.searchParams.get('type') !== 'CurrentUser') return json(400, { code: 'INVALID_DATA', details: {}, message: 'the type is invalid', status: 'error' });
    return json(200, { users: [{ id: '4150868000000225013', full_name: `${user.firstName} ${user.lastName}`, email: user.email, zuid: String(user.zuid), status: 'active' }], info: { per_page: 200, count: 1, page: 1, more_records: false } });
  });

  server.route('POST', '/oauth/v2/token/revoke', (request) => {
    server.count('revoke');
    const token = request.url.searchParams.get('token') ?? '';
    const grant = grants.grantOfToken(token);
    if (!grant || grant.revoked) return json(400, { error: 'invalid_token' });
    if (grants.grantOfAccessToken(token)) grants.revokeAccessToken(token);
    else grants.revokeGrant(grant.id);
    return json(200, { status: 'success' });
  });

  return {
    ...controls.handle,
    close: async () => {
      await controls.handle.close();
      for (const other of options.otherDataCentres ?? []) await other.close();
    },
    authorizationRequests,
    otherDataCentres: options.otherDataCentres ?? [],
    revokeInZoho: (user) => grants.revokeGrantsOf((someone) => someone.zuid === user.zuid),
    nameApiDomainNext: (named) => {
      apiDomainNext = named;
    },
    liveRefreshGrants: (user) => grants.liveGrants(options.clientId).filter((grant) => grant.user.zuid === user.zuid && grants.hasRefreshToken(grant.id)).length,
  };
}
