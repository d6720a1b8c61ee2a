/**
 * An emulator of Hootsuite's OAuth 2.0 (platform.hootsuite.com/oauth2/auth, /oauth2/token) and of the part of its
 * REST API a connection touches, written from Hootsuite's pages (https://developer.hootsuite.com/docs/api-authentication,
 * https://developer.hootsuite.com/docs/getting-started-with-the-rest-api, https://developer.hootsuite.com/docs/using-rest-apis,
 * https://apidocs.hootsuite.com/docs/api/index.html):
 * - Authorize: `GET /oauth2/auth` with `response_type=code`, `client_id`, `redirect_uri`, `scope` (`offline`,
 *   `analytics:read`; another is sent back as `invalid_scope`) and `state`, which must be at least 8 characters
 *   (a shorter or missing one is sent back as `invalid_state`). Approved, a code comes back with the state; a refresh
 *   token is issued only when `offline` was granted.
 * - Token: `POST /oauth2/token`, a form, the client as HTTP Basic only (credentials in the body are refused as
 *   `invalid_client`); `redirect_uri` again at the exchange. A code used a second time is refused and revokes the
 *   tokens of its first exchange. The answer: `access_token`, `token_type`, `expires_in`, `refresh_token`, `scope`.
 * - REST API: `GET /v1/me` answers `{ data }`, the member (`id`, `email`, `fullName`, `companyName`, `timezone`…);
 *   `GET /v1/me/socialProfiles` the member's social profiles; a token it does not take is 401 with `errors`
 *   (`code` 1001, "Invalid access token").
 * Made up here (Hootsuite's pages do not say): the one-hour access tokens; a refresh rotating the refresh token (the
 * spent one then refused as `invalid_grant`); the `error_description` wordings; a denial sent back as
 * `access_denied`. removeAccess() is the member taking the app's access away. The authorization page approves at
 * once for signInAs()'s member.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface HootsuiteMember {
  /** The member ID, a string of digits. */
  id: string;
  fullName: string;
  email: string;
}

export interface HootsuiteEmulator extends EmulatorHandle<HootsuiteMember> {
  /** The member takes the app's access away: every token of theirs stops working. */
  removeAccess(member: HootsuiteMember): void;
  /** The next /v1/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** The access tokens' lifetime here: an hour (3599 seconds, as Hootsuite's member-app example answers). */
export const HOOTSUITE_ACCESS_TOKEN_SECONDS = 3599;
const SCOPES = ['offline', 'analytics:read'];

const apiErrors = (status: number, code: number, message: string) => json(status, { errors: [{ code, message, id: 'f7d32670-4e6a-48c0-a2a7-87803536a712' }] });

export async function startHootsuiteEmulator(options: EmulatorOptions): Promise<HootsuiteEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<HootsuiteMember>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: HOOTSUITE_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<HootsuiteMember>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/auth', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      if ((query.get('state') ?? '').length < 8) return { error: 'invalid_state', error_description: 'The state is missing or has fewer than 8 characters.' };
      if (!requestedScopes(query).every((scope) => SCOPES.includes(scope))) return { error: 'invalid_scope', error_description: 'The requested scope is not valid.' };
      return undefined;
    },
    request: (query) => ({ refreshToken: requestedScopes(query).includes('offline') }),
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      const form = request.form();
      tokenForms.push(form);
      const basic = request.basicAuth();
      return !form.has('client_id') && !form.has('client_secret') && basic?.username === options.clientId && basic.password === options.clientSecret;
    },
    pkce: false,
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'bearer')),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => apiErrors(401, 1001, 'Invalid access token'));

  server.route('GET', '/v1/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return apiErrors(status, 9000, 'An internal error occurred');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user: member } = grant;
    return json(200, {
      data: { id: member.id, email: member.email, isActive: true, createdDate: '2013-05-29T13:27:24Z', modifiedDate: '2013-05-29T13:27:24Z', fullName: member.fullName, companyName: 'Acme', bio: '', timezone: 'America/Vancouver', language: 'en' },
    });
  });

  server.route('GET', '/v1/me/socialProfiles', (request) => {
    server.count('social_profiles');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { data: [{ id: '115185509', type: 'TWITTER', socialNetworkId: '2489530590', socialNetworkUsername: 'acme', avatarUrl: 'https://example.com/acme.png', owner: 'MEMBER', ownerId: grant.user.id }] });
  });

  return {
    ...controls.handle,
    removeAccess: (member) => grants.revokeGrantsOf((someone) => someone.id === member.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
