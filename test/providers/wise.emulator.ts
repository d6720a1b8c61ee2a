/**
 * An emulator of Wise's OAuth 2.0 (wise.com/oauth/authorize/, api.wise.com/oauth/token) and of the part of the Wise
 * Platform API a connection touches, written from Wise's pages
 * (https://docs.wise.com/api-docs/features/authentication-access/linking-accounts,
 * https://docs.wise.com/guides/developer/auth-and-security/refresh-tokens,
 * https://docs.wise.com/guides/product/account-setup/refreshing-access, https://docs.wise.com/api-reference/user-tokens,
 * https://docs.wise.com/api-reference/user, https://docs.wise.com/api-reference/legacy/profile/profilelist):
 * - Authorize: `GET /oauth/authorize/` with `client_id`, `redirect_uri` and `state`, no scope; approved, the person
 *   comes back with `code`, the `state` and the `profileId` they granted.
 * - Token: `POST /oauth/token`, the client as HTTP Basic as `curl -u` sends it (not form-encoded first); each answer is `access_token`, `token_type: "bearer"`,
 *   `refresh_token`, `expires_in` (43199, 12 hours), `expires_at`, `refresh_token_expires_in`,
 *   `refresh_token_expires_at` (20 years), `scope: "transfers"` and `created_at`. A refresh ends the access token
 *   before it at once; the refresh token lasts (the 'static' policy). A new code exchange ends the person's earlier
 *   refresh token, refused then with `invalid_grant`, while its last access token lives on until it expires.
 * - API: `GET /v1/me`, the User (`id`, `name`, `email`, `active`, `details`); `GET /v2/profiles`, the user's
 *   profiles.
 * Made up here (Wise's pages do not say): a declined authorization (`access_denied`) and the pages for an unknown
 * client or redirect URL; the code exchange's form (`grant_type`, `code`, `redirect_uri`) and its refusals, RFC
 * 6749 §5.2's bare `error`; a 401 to a token the API does not take as `{ error: "invalid_token" }`.
 * removeAccess() is the person taking the application's access away; the authorization page approves at once for
 * signInAs()'s user.
 */
import { redirectBack } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface WiseUser {
  /** The user's id. */
  id: number;
  firstName: string;
  lastName: string;
  email: string;
}

export interface WiseEmulator extends EmulatorHandle<WiseUser> {
  /** The person takes the application's access away: every token of theirs stops working. */
  removeAccess(user: WiseUser): void;
  /** The next /v1/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as Wise read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

export const WISE_ACCESS_TOKEN_SECONDS = 43_199;
const REFRESH_TOKEN_SECONDS = 20 * 365 * 86_400;

/** The id of a user's personal profile. */
export const personalProfileOf = (user: WiseUser): number => 14_000_000 + user.id;

const invalidToken = () => json(401, { error: 'invalid_token', error_description: 'Invalid access token (emulator wording)' });

export async function startWiseEmulator(options: EmulatorOptions): Promise<WiseEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<WiseUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: WISE_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static', refreshTokenTtl: REFRESH_TOKEN_SECONDS });
  const controls = emulatorControls<WiseUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  /** The newest access token of each grant: a refresh ends the one before. */
  const newestAccessToken = new Map<string, string>();
  /** Grants whose refresh token a later code exchange by the same person ended. */
  const replaced = new Set<string>();
  const profileFailure = queuedFailure();

  server.route('GET', '/oauth/authorize/', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid client or redirect URI (emulator wording)</h1>');
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    const code = grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: '', codeChallenge: undefined, codeChallengeMethod: undefined, nonce: undefined, user });
    return reply({ code, profileId: String(personalProfileOf(user)) });
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return request.headers.authorization === `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`;
    },
    pkce: false,
    refuseRefresh: (presented) => {
      const grant = grants.grantOfToken(presented);
      return grant && replaced.has(grant.id) ? oauthError(400, 'invalid_grant') : undefined;
    },
    answer: ({ grantType, grant, tokens, form }) => {
      if (grantType === 'authorization_code') {
        for (const other of grants.liveGrants(options.clientId)) if (other.id !== grant.id && other.user.id === grant.user.id) replaced.add(other.id);
      } else {
        const previous = newestAccessToken.get(grant.id);
        if (previous !== undefined) grants.revokeAccessToken(previous);
      }
      newestAccessToken.set(grant.id, tokens.accessToken);
      const now = Date.now();
      return json(200, {
        access_token: tokens.accessToken,
        token_type: 'bearer',
        // A refresh answers the refresh token it was made with.
        refresh_token: tokens.refreshToken ?? form.get('refresh_token'),
        expires_in: tokens.expiresIn,
        expires_at: new Date(now + (tokens.expiresIn ?? 0) * 1000).toISOString(),
        refresh_token_expires_in: tokens.refreshTokenExpiresIn ?? REFRESH_TOKEN_SECONDS,
        refresh_token_expires_at: new Date(now + (tokens.refreshTokenExpiresIn ?? REFRESH_TOKEN_SECONDS) * 1000).toISOString(),
        scope: 'transfers',
        created_at: new Date(now).toISOString(),
      });
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, invalidToken);

  server.route('GET', '/v1/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { errors: [{ code: 'error.system', message: 'Something went wrong (emulator wording)' }] });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.id,
      name: `${user.firstName} ${user.lastName}`,
      email: user.email,
      active: true,
      details: { firstName: user.firstName, lastName: user.lastName, phoneNumber: '+37111111111', occupation: '', address: { city: 'Tallinn', countryCode: 'EE', postCode: '11111', state: '', firstLine: 'Road 123' }, dateOfBirth: '1977-01-01', avatar: '', primaryAddress: 111 },
    });
  });

  server.route('GET', '/v2/profiles', (request) => {
    server.count('profiles');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, [{ type: 'PERSONAL', id: personalProfileOf(user), userId: user.id, email: user.email, currentState: 'VISIBLE', firstName: user.firstName, lastName: user.lastName, fullName: `${user.firstName} ${user.lastName}` }]);
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
