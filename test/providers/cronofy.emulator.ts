/**
 * An emulator of Cronofy's OAuth for Individual Connect (the authorization
 * page on app.cronofy.com, the rest on api.cronofy.com, both served here)
 * and of the part of its API a connection touches, written from Cronofy's
 * API documentation:
 * - Authorize (https://docs.cronofy.com/developers/api/authorization/request-authorization/):
 *   `GET /oauth/authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri`, `scope` (space-separated, at least one) and `state`.
 * - Token (https://docs.cronofy.com/developers/api/authorization/request-token/):
 *   `POST /oauth/token`, a JSON or a form body, `client_id` and
 *   `client_secret` in it; the code exchange answers `token_type: "bearer"`,
 *   `access_token`, `expires_in: 3600`, `refresh_token`, `scope`,
 *   `account_id`, `sub` and `linking_profile`. A refresh
 *   (https://docs.cronofy.com/developers/api/authorization/refresh-token/)
 *   answers a new access token and the refresh token it was sent, which
 *   keeps working. A code unknown, used, or sent with another redirect URI
 *   is refused `invalid_grant` (https://docs.cronofy.com/developers/faqs/authorizations/).
 * - Revoke (https://docs.cronofy.com/developers/api/authorization/revoke/):
 *   `POST /oauth/token/revoke`, JSON or form, the client in the body and the
 *   `token` (refresh or access); 200 whatever the token, as RFC 7009 has it;
 *   the authorization ends, every token of it.
 * - UserInfo (https://docs.cronofy.com/developers/api/identity/userinfo/):
 *   `GET /v1/userinfo` answers `sub`, `email`, `name`, `zoneinfo`,
 *   `cronofy.type: "account"` and `cronofy.data` (the authorization, then
 *   each calendar profile with its calendars).
 * - List calendars: `GET /v1/calendars` answers `{ calendars: [...] }`, each
 *   with the members userinfo's calendars have and the profile's.
 * Made up here, as the pages read do not say them: the refusals' bodies
 * (RFC 6749 §5.2's `{ error }`, 401 for a wrong client), a scope Cronofy
 * does not know refused `invalid_scope`, the pages for an unknown client or
 * redirect URI, `access_denied` for a person who declines, and the API's
 * bare 401 for a token it does not take. PKCE is not documented, so a
 * challenge is not kept nor a verifier read.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { jsonOrForm, oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface CronofyUser {
  /** Cronofy's account id, `acc_` and 24 hex digits. */
  sub: string;
  name: string;
  email: string;
  /** The calendar profile the person linked, `pro_…`. */
  profileId: string;
}

export type CronofyEmulator = EmulatorHandle<CronofyUser>;

/** The example answer's lifetime. */
export const CRONOFY_ACCESS_TOKEN_SECONDS = 3600;

/** Scopes of Cronofy's authorization request page. */
const SCOPES = new Set(['create_calendar', 'read_events', 'create_event', 'delete_event', 'read_free_busy', 'change_participation_status']);

const calendar = (user: CronofyUser) => ({
  calendar_id: `cal_${user.profileId.slice(4)}_home`,
  calendar_name: 'Home',
  calendar_readonly: false,
  calendar_deleted: false,
  calendar_primary: true,
  permission_level: 'sandbox',
});

export async function startCronofyEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<CronofyEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<CronofyUser>({ accessTokenTtl: CRONOFY_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static' });
  const controls = emulatorControls<CronofyUser>(server, grants);
  const profile = (user: CronofyUser) => ({ provider_name: 'google', profile_id: user.profileId, profile_name: user.email });

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      const scopes = requestedScopes(query);
      return scopes.length === 0 || scopes.some((scope) => !SCOPES.has(scope)) ? { error: 'invalid_scope' } : undefined;
    },
  });

  const isClient = (request: EmulatorRequest) => credentialsIn(jsonOrForm(request), options);

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    parameters: jsonOrForm,
    authenticates: isClient,
    // A refresh answers the refresh token it was sent, as the refresh page's example does.
    answer: ({ grantType, grant, tokens, form }) =>
      grantType === 'refresh_token'
        ? json(200, tokenMembers({ ...tokens, refreshToken: form.get('refresh_token') ?? undefined }, grant.scope, 'bearer'))
        : json(200, { ...tokenMembers(tokens, grant.scope, 'bearer'), account_id: grant.user.sub, sub: grant.user.sub, linking_profile: profile(grant.user) }),
  });

  server.route('POST', '/oauth/token/revoke', (request) => {
    server.count('revoke');
    if (!isClient(request)) return oauthError(401, 'invalid_client');
    grants.revokeToken(jsonOrForm(request).get('token') ?? '');
    return { status: 200 };
  });

  const authorized = (request: EmulatorRequest) => bearerGrant(grants, request, () => ({ status: 401 }));

  server.route('GET', '/v1/userinfo', (request) => {
    server.count('userinfo');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      sub: user.sub,
      email: user.email,
      name: user.name,
      zoneinfo: 'Europe/London',
      'cronofy.type': 'account',
      'cronofy.data': {
        authorization: { scope: grant.scope, status: 'active' },
        profiles: [{ ...profile(user), provider_service: 'gsuite', profile_connected: true, profile_initial_sync_required: false, profile_calendars: [calendar(user)] }],
      },
    });
  });

  server.route('GET', '/v1/calendars', (request) => {
    server.count('calendars');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    return json(200, { calendars: [{ ...profile(grant.user), ...calendar(grant.user) }] });
  });

  return controls.handle;
}
