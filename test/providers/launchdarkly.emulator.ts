/**
 * An emulator of LaunchDarkly's OAuth 2.0 and REST API as its documentation
 * and authorization server metadata describe them
 * (https://app.launchdarkly.com/.well-known/oauth-authorization-server,
 * https://launchdarkly.com/docs/api/other/get-caller-identity):
 * - `GET /trust/oauth/authorize` with `client_id`, `redirect_uri`,
 *   `response_type=code`, `scope` (`reader`, `writer`; another is sent back
 *   as `invalid_scope`) and a PKCE S256 challenge; a member who declines is
 *   sent back as `access_denied`.
 * - `POST /trust/oauth/token`, a form with the client's id and secret (and
 *   the PKCE verifier); hour-long access tokens, each refresh answering a new
 *   refresh token while the spent one lasts (both assumed, as the preset says).
 * - `POST /trust/oauth/revoke` (RFC 7009), the client in the form.
 * - `GET /api/v2/caller-identity`: `accountId`, `memberId`, `authKind`,
 *   `tokenKind`, `clientId`; `GET /api/v2/projects`, which needs a token;
 *   a token the API does not take is a 401 `{ code, message }`.
 * The authorization page approves at once for signInAs()'s member.
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

export interface LaunchDarklyMember {
  /** The member's `_id` in its account. */
  id: string;
  accountId: string;
  name: string;
}

export interface LaunchDarklyEmulator extends EmulatorHandle<LaunchDarklyMember> {
  /** The member revokes the app's access in LaunchDarkly: every token of theirs stops working. */
  removeAccess(member: LaunchDarklyMember): void;
  /** The next /api/v2/caller-identity request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
  /** Each revocation's form, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
}

/** The access tokens' lifetime, an hour (assumed). */
export const LAUNCHDARKLY_ACCESS_TOKEN_SECONDS = 3600;

const unauthorized = () => json(401, { code: 'unauthorized', message: 'Invalid access token' });

export async function startLaunchDarklyEmulator(options: EmulatorOptions): Promise<LaunchDarklyEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<LaunchDarklyMember>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: LAUNCHDARKLY_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<LaunchDarklyMember>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const revocations: Array<Record<string, string>> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/trust/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const scopes = (query.get('scope') ?? '').split(' ').filter((scope) => scope !== '');
      return scopes.length > 0 && scopes.every((scope) => scope === 'reader' || scope === 'writer') ? undefined : { error: 'invalid_scope' };
    },
  });

  tokenEndpoint(server, '/trust/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  server.route('POST', '/trust/oauth/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocations.push(Object.fromEntries(form));
    if (!formCredentials(request, options)) return oauthError(401, 'invalid_client');
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    grants.revokeToken(token);
    return json(200, {});
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/api/v2/caller-identity', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { code: 'internal_server_error', message: 'Internal server error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { accountId: user.accountId, memberId: user.id, authKind: 'oauth', tokenKind: 'auth', clientId: options.clientId, serviceToken: false });
  });

  server.route('GET', '/api/v2/projects', (request) => {
    server.count('projects');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { items: [{ _id: '57be1db38b75bf0772d11383', key: 'default', name: 'Default', tags: [] }], totalCount: 1, _links: { self: { href: '/api/v2/projects', type: 'application/json' } } });
  });

  return {
    ...controls.handle,
    removeAccess: (member) => grants.revokeGrantsOf((someone) => someone.id === member.id && someone.accountId === member.accountId),
    failNextProfile: profileFailure.queue,
    tokenForms,
    revocations,
  };
}
