/**
 * An emulator of WakaTime's OAuth 2.0 (wakatime.com/oauth/authorize, /oauth/token, /oauth/revoke) and of the part of
 * API v1 a connection touches, written from WakaTime's API documentation (https://wakatime.com/developers):
 * - Authorize: `GET /oauth/authorize` with the app's `client_id`, `response_type=code`, an authorized
 *   `redirect_uri`, and optional `scope` (space- or comma-separated), `state` and `force_approve`.
 * - Token: `POST /oauth/token` with `client_id` and `client_secret` in the form, `grant_type`, and `code` with the
 *   authorization's `redirect_uri`, or `refresh_token` with that `redirect_uri` again. Tokens of the code flow last
 *   365 days.
 * - API v1 under `/api/v1`, the token as Bearer, resources in `data`, errors in `error`; 401 for a token it does not
 *   take, 403 for one without the scope a call needs. `GET /users/current` (scope `email`): `id`, `display_name`,
 *   `full_name`, `email`, `is_email_confirmed`, `photo`, `username`, `timezone`, `plan`…;
 *   `GET /users/current/all_time_since_today` (scope `read_stats`): the time logged since the account was made.
 * - Revoke: `POST /oauth/revoke` with `client_id`, `client_secret` and `token` (access or refresh), as a form or
 *   JSON, ends that token and its pair; 200 also for a token already revoked or unknown.
 * Made up here (WakaTime's pages do not say): the token answer as RFC 6749 §5.1's JSON with a `uid` beside it, as
 * integrations read it (the page's example asks for a form with `Accept`; the client asks for JSON); a refresh
 * answering a new refresh token while the old one lasts; refusals as RFC 6749 §5.2's bare `error` (a refresh
 * without the redirect_uri as `invalid_request`); the wording of the 401 and 403; a wrong client at the revocation
 * endpoint as 401 `invalid_client`. removeApp() is the person revoking the app in their WakaTime settings. The
 * authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn, formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface WakaTimeUser {
  /** The user's unique id (a UUID). */
  id: string;
  fullName: string;
  username: string;
  email: string;
  emailConfirmed: boolean;
}

export interface WakaTimeEmulator extends EmulatorHandle<WakaTimeUser> {
  /** The person revokes the app in their WakaTime settings: every token of theirs stops working. */
  removeApp(user: WakaTimeUser): void;
  /** The next /users/current request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each revocation's parameters, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
}

/** Tokens of WakaTime's code flow expire after 365 days. */
export const WAKATIME_ACCESS_TOKEN_SECONDS = 365 * 86400;

const SCOPES = /^(email|read_summaries|read_stats|read_goals|read_orgs|write_orgs|read_private_leaderboards|write_private_leaderboards|read_heartbeats|write_heartbeats)(\.[a-z_]+)?$/;

const scopesOf = (scope: string | null) => (scope ?? '').split(/[ ,]+/).filter(Boolean);

export async function startWakaTimeEmulator(options: EmulatorOptions): Promise<WakaTimeEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<WakaTimeUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: WAKATIME_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued', prefixes: { access: 'waka_tok_', refresh: 'waka_ref_' } });
  const controls = emulatorControls<WakaTimeUser>(server, grants);
  const revocations: Array<Record<string, string>> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => (scopesOf(query.get('scope')).every((scope) => SCOPES.test(scope)) ? undefined : { error: 'invalid_scope' }),
    request: (query) => ({ scope: scopesOf(query.get('scope')).join(' ') }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    refuseRefresh: (_presented, form) => (form.get('redirect_uri') === options.redirectUri ? undefined : oauthError(400, 'invalid_request')),
    answer: ({ grant, tokens }) => json(200, { ...tokenMembers(tokens, grant.scope, 'bearer'), uid: grant.user.id }),
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    const parameters = jsonOrForm(request);
    revocations.push(Object.fromEntries(parameters));
    if (!credentialsIn(parameters, options)) return oauthError(401, 'invalid_client');
    const token = parameters.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    const grant = grants.grantOfToken(token);
    if (grant) grants.revokeGrant(grant.id);
    return json(200, {});
  });

  /** The live grant of the request's token when it holds `scope`, else WakaTime's 401 or 403. */
  const apiGrant = (request: EmulatorRequest, scope: string): Grant<WakaTimeUser> | EmulatorReply => {
    const grant = bearerGrant(grants, request, () => json(401, { error: 'Unauthorized' }));
    if (!isGrant(grant)) return grant;
    return grant.scope.split(' ').some((granted) => granted === scope || granted.startsWith(`${scope}.`)) ? grant : json(403, { error: 'Forbidden' });
  };

  server.route('GET', '/api/v1/users/current', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'Service unavailable, try again later.' });
    const grant = apiGrant(request, 'email');
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      data: {
        id: user.id,
        has_premium_features: false,
        display_name: user.fullName,
        full_name: user.fullName,
        email: user.email,
        photo: `https://wakatime.com/photo/${user.id}`,
        is_email_public: false,
        is_email_confirmed: user.emailConfirmed,
        public_email: null,
        photo_public: true,
        timezone: 'Europe/London',
        last_heartbeat_at: '2026-12-06T21:14:03Z',
        last_plugin_name: 'vscode',
        last_project: 'tokenkeeper',
        plan: 'basic',
        username: user.username,
        created_at: '2021-07-25T23:43:13Z',
      },
    });
  });

  server.route('GET', '/api/v1/users/current/all_time_since_today', (request) => {
    server.count('all_time');
    const grant = apiGrant(request, 'read_stats');
    if (!isGrant(grant)) return grant;
    return json(200, { data: { decimal: '1234.50', digital: '1234:30', is_up_to_date: true, percent_calculated: 100, text: '1,234 hrs 30 mins', timeout: 15, total_seconds: 4444200 } });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    revocations,
  };
}
