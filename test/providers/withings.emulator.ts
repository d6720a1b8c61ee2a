/**
 * An emulator of Withings' OAuth web flow (account.withings.com's
 * /oauth2_user/authorize2, wbsapi.withings.net's /v2/oauth2) and of the part
 * of its Public Health Data API a connection touches (/measure), written from
 * Withings' documentation
 * (https://developer.withings.com/developer-guide/v3/integration-guide/public-health-data-api/get-access/oauth-web-flow/,
 * https://developer.withings.com/developer-guide/v3/integration-guide/public-health-data-api/get-access/access-and-refresh-tokens-no-recover,
 * https://developer.withings.com/developer-guide/faq/faq/):
 * - Authorize: `GET /oauth2_user/authorize2` with `response_type=code`,
 *   `client_id`, `redirect_uri`, `state` and `scope`, comma-separated
 *   (`user.info,user.metrics,user.activity`); a scope it does not know is
 *   `invalid_scope`, a person who refuses is sent back with
 *   `error=access_denied`. Codes are good for 30 seconds.
 * - Token: `POST /v2/oauth2`, a form with `action=requesttoken`, the client
 *   (`client_id`, `client_secret`) and RFC 6749's grant parameters. Every
 *   answer is HTTP 200: `{ status: 0, body: { userid, access_token,
 *   refresh_token, expires_in: 10800, scope, token_type: "Bearer" } }`, the
 *   scope comma-separated and `userid` a number; a refusal is a non-zero
 *   `status` with `body: {}` and an `error` text ("Invalid Params: invalid
 *   code", as the FAQ quotes it). Each refresh answers a new refresh token
 *   (a year each); the old one still works for 8 hours, or until the new
 *   access token is first used.
 * - API: `/measure?action=getmeas` (GET, or POST with a form) with the
 *   access token as Bearer answers `{ status: 0, body: { updatetime,
 *   timezone, measuregrps } }`; a token it does not take is HTTP 200 with
 *   `status: 401` (as Withings' clients report it).
 * The status codes of the refusals (503 for bad parameters, 601 for too many
 * requests) are as Withings' clients report them, not checked against
 * Withings' pages. Withings has no revocation a partner can call: the person
 * unlinks the app (`unlink`), which ends the grant. The authorization page
 * approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface WithingsUser {
  /** The person's userid, a number at Withings. */
  id: number;
}

export interface WithingsEmulator extends EmulatorHandle<WithingsUser> {
  /** The person unlinks the app in their Withings account: every token of theirs stops working. */
  unlink(user: WithingsUser): void;
  /** The next token request is answered with this Withings `status` (HTTP 200), e.g. 601 for too many requests. */
  refuseNextTokenRequest(status: number, error: string): void;
  /** Withings stops taking this access token before its expiry; its refresh token still works. */
  endAccessToken(accessToken: string): void;
}

const ACCESS_TOKEN_TTL = 10_800;
const REFRESH_TOKEN_TTL = 365 * 86_400;
const OLD_REFRESH_TOKEN_GRACE = 8 * 3600;
const SCOPES = ['user.info', 'user.metrics', 'user.activity', 'user.sleepevents'];

/** Withings' refusal: HTTP 200 with a non-zero status. */
const refusal = (status: number, error: string): EmulatorReply => json(200, { status, body: {}, error });

export async function startWithingsEmulator(options: EmulatorOptions): Promise<WithingsEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<WithingsUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
    rotationGraceSeconds: OLD_REFRESH_TOKEN_GRACE,
    codeTtl: 30,
  });
  const controls = emulatorControls<WithingsUser>(server, grants);
  /** For each access token issued by a refresh, the refresh token it replaced, which ends once it is used. */
  const replacedBy = new Map<string, string>();
  /** The refresh token each grant last had. */
  const lastRefreshToken = new Map<string, string>();
  /** Refresh tokens ended before their grace was over. */
  const ended = new Set<string>();
  let refuseNext: { status: number; error: string } | undefined;

  authorizationEndpoint(server, '/oauth2_user/authorize2', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const asked = requestedScopes(query, ',');
      return asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined;
    },
    pkce: false,
    // The grant keeps Withings' comma-separated scope, as its token answer sends it back.
    request: (query) => ({ scope: requestedScopes(query, ',').join(',') }),
  });

  tokenEndpoint(server, '/v2/oauth2', {
    client: options,
    grants,
    screen: (request) => {
      if (!(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return refusal(503, 'Invalid Params: invalid action');
      if (request.form().get('action') !== 'requesttoken') return refusal(2554, 'Wrong action or wrong webservice');
      if (!refuseNext) return undefined;
      const { status, error } = refuseNext;
      refuseNext = undefined;
      return refusal(status, error);
    },
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Service Unavailable</h1>') },
    authenticates: (request) => {
      const form = request.form();
      if (form.get('client_id') !== options.clientId) return refusal(503, 'Invalid Params: invalid client_id');
      return form.get('client_secret') === options.clientSecret || refusal(503, 'Invalid Params: invalid client_secret');
    },
    pkce: false,
    errors: {
      grantType: () => refusal(503, 'Invalid Params: invalid grant_type'),
      refreshToken: () => refusal(503, 'Invalid Params: invalid refresh_token'),
      code: () => refusal(503, 'Invalid Params: invalid code'),
    },
    refuseRefresh: (presented) => (ended.has(presented) ? refusal(503, 'Invalid Params: invalid refresh_token') : undefined),
    answer: ({ grantType, grant, tokens }) => {
      const previous = lastRefreshToken.get(grant.id);
      if (grantType === 'refresh_token' && previous) replacedBy.set(tokens.accessToken, previous);
      lastRefreshToken.set(grant.id, tokens.refreshToken!);
      return json(200, {
        status: 0,
        body: { userid: grant.user.id, access_token: tokens.accessToken, refresh_token: tokens.refreshToken, expires_in: tokens.expiresIn, scope: grant.scope, token_type: 'Bearer' },
      });
    },
  });

  /** The grant of the request's Bearer token, ending the refresh token it replaced; or Withings' refusal. */
  const apiGrant = (request: EmulatorRequest): Grant<WithingsUser> | EmulatorReply => {
    const token = request.bearer();
    const grant = token ? grants.grantOfAccessToken(token) : undefined;
    if (!token || !grant) return refusal(401, 'XRequestID: Not provided invalid_token: The access token provided is invalid');
    const replaced = replacedBy.get(token);
    if (replaced) ended.add(replaced);
    return grant;
  };

  server.route('*', '/measure', (request) => {
    server.count('measure');
    const action = request.method === 'POST' ? request.form().get('action') : request.url.searchParams.get('action');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (action !== 'getmeas') return refusal(2554, 'Wrong action or wrong webservice');
    if (!grant.scope.split(',').includes('user.metrics')) return refusal(401, 'XRequestID: Not provided insufficient_scope');
    const measure = { value: 72500, type: 1, unit: -3, algo: 0, fm: 3 };
    return json(200, { status: 0, body: { updatetime: 1764979200, timezone: 'Europe/Paris', measuregrps: [{ grpid: 5423702714, attrib: 0, date: 1764975600, created: 1764975660, modified: 1764975660, category: 1, deviceid: null, measures: [measure], modelid: 17, model: 'Body Comp', comment: null }] } });
  });

  return {
    ...controls.handle,
    unlink: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    endAccessToken: (accessToken) => {
      grants.revokeAccessToken(accessToken);
    },
    refuseNextTokenRequest: (status, error) => {
      refuseNext = { status, error };
    },
  };
}
