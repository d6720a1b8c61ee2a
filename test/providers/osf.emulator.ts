/**
 * An emulator of OSF's OAuth 2.0 (its CAS at accounts.osf.io: /oauth2/authorize, /oauth2/token, /oauth2/revoke) and
 * of the part of API v2 (api.osf.io/v2) a connection touches, written from OSF's pages
 * (https://github.com/CenterForOpenScience/osf-cas/blob/develop/README_OAUTH_SSO_GUIDE.md,
 * https://developer.osf.io/#tag/Authentication, https://developer.osf.io/#operation/users_read,
 * https://developer.osf.io/#tag/Errors-and-Error-Codes):
 * - Authorize: `GET /oauth2/authorize` with `response_type=code`, `client_id`, `redirect_uri`, `scope` and
 *   `access_type` (`online` by default: no refresh token; `offline`: one); a denial comes back `error=access_denied`.
 * - Token: `POST /oauth2/token`, a form with `client_id` and `client_secret`; the code exchange answers
 *   `access_token` (`AT-…`), `token_type: "Bearer"`, `expires_in: 3600` and, offline, `refresh_token` (`RT-…`); a
 *   refresh answers a new access token alone, the refresh token staying as it was.
 * - Revoke: `POST /oauth2/revoke` with `token` alone: 204, the token ended (a refresh token with its access tokens);
 *   with the client's `client_id` and `client_secret` and no token: 204, every token of the application ended.
 * - API v2: the token as Bearer; `GET /v2/users/me/` is the user as JSON:API `{ data }` (`id`, the GUID, `type:
 *   "users"`, `attributes`, `links`); `GET /v2/users/me/nodes/` the user's projects; no or a bad token is a 401
 *   with `{ errors: [{ detail }] }`.
 * Made up here (OSF's pages do not say): the pages for an unknown client or redirect URI; the token endpoint's
 * refusals as RFC 6749 §5.2's bare `error`; the revocation endpoint's refusals, as OSF's CAS writes them (400
 * `expired_accessToken` for a token it does not know, 400 `invalid_request` for a token sent with the client); the
 * 401's wording; no PKCE read. removeAccess() is the person revoking the application in their OSF settings. The
 * authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn, formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface OsfUser {
  /** The user's GUID, five characters (`q7fts`). */
  id: string;
  givenName: string;
  familyName: string;
}

export interface OsfEmulator extends EmulatorHandle<OsfUser> {
  /** The person revokes the application in their OSF settings: every token of theirs stops working. */
  removeAccess(user: OsfUser): void;
  /** The next /v2/users/me/ request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each revocation's form, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
  /** The form of each token request, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** OSF's access tokens last an hour. */
export const OSF_ACCESS_TOKEN_SECONDS = 3600;

const API = 'https://api.osf.io/v2';
const unauthorized = () => json(401, { errors: [{ detail: 'Authentication credentials were not provided.' }] });

export async function startOsfEmulator(options: EmulatorOptions): Promise<OsfEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<OsfUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: OSF_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static', prefixes: { access: 'AT-1-', refresh: 'RT-1-' } });
  const controls = emulatorControls<OsfUser>(server, grants);
  const revocations: Array<Record<string, string>> = [];
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    request: (query) => ({ refreshToken: query.get('access_type') === 'offline' }),
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    answer: ({ tokens }) => json(200, tokenMembers(tokens, undefined, 'Bearer')),
  });

  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocations.push(Object.fromEntries(form));
    const token = form.get('token');
    const withClient = form.has('client_id') || form.has('client_secret');
    if (token && !withClient) {
      const grant = grants.grantOfToken(token);
      const live = grants.grantOfAccessToken(token) !== undefined || (grant !== undefined && !grant.revoked && token.startsWith('RT-'));
      if (!live) return oauthError(400, 'expired_accessToken');
      grants.revokeToken(token);
      return { status: 204 };
    }
    if (!token && withClient) {
      if (!credentialsIn(form, options)) return oauthError(400, 'access_denied');
      for (const grant of grants.liveGrants(options.clientId)) grants.revokeGrant(grant.id);
      return { status: 204 };
    }
    return oauthError(400, 'invalid_request');
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/v2/users/me/', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { errors: [{ detail: 'A server error occurred.' }] });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      data: {
        id: user.id,
        type: 'users',
        attributes: {
          full_name: `${user.givenName} ${user.familyName}`,
          given_name: user.givenName,
          middle_names: '',
          family_name: user.familyName,
          suffix: '',
          date_registered: '2014-06-15T17:39:06.701000',
          active: true,
          timezone: 'America/New_York',
          locale: 'en_US',
        },
        relationships: { nodes: { links: { related: { href: `${API}/users/${user.id}/nodes/`, meta: {} } } } },
        links: { self: `${API}/users/${user.id}/`, html: `https://osf.io/${user.id}/`, profile_image: `https://secure.gravatar.com/avatar/${user.id}?d=identicon` },
      },
    });
  });

  server.route('GET', '/v2/users/me/nodes/', (request) => {
    server.count('nodes');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      data: [{ id: 'ezcuj', type: 'nodes', attributes: { title: `${grant.user.familyName} replication`, category: 'project', public: false } }],
      links: { first: null, last: null, prev: null, next: null },
      meta: { total: 1, per_page: 10 },
    });
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    revocations,
    tokenForms,
  };
}
