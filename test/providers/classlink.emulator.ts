/**
 * An emulator of ClassLink's OAuth 2.0 (launchpad.classlink.com/oauth2/v2) and of the part of its API
 * (nodeapi.classlink.com) a connection touches, written from ClassLink's developer documentation:
 * - Authorize: `GET /oauth2/v2/auth` with `scope` (required; `email`, `profile`, `oneroster`, `openid`, `full`),
 *   `client_id`, `redirect_uri` (the application's), `response_type=code` and `state`; a person who declines goes
 *   back with `error=access_denied` (https://developer.classlink.com/docs/requesting-access). A request without a
 *   scope, or with another, goes back with RFC 6749's `invalid_scope`, and an unknown client or redirect URI is told
 *   on a page (ClassLink shows neither).
 * - Token: `POST /oauth2/v2/token`, form-encoded, with `code`, `client_id` and `client_secret` in the body; a code
 *   lasts five minutes. The answer is `{ access_token, token_type: "Bearer", response_type: "code", id_token }`: no
 *   `expires_in` and no refresh token, though the access token is good for 24 hours
 *   (https://developer.classlink.com/docs/obtaining-bearer-tokens); the ID token carries the claims that page shows
 *   (`iss` `https://launchpad.classlink.com`, `sub`, `email_verified`, `name`, `profile` the role…). Refusals are
 *   RFC 6749 §5.2's `{ error }` (not shown by ClassLink).
 * - API, the token as Bearer: `GET /v2/my/info` with the members of
 *   https://developer.classlink.com/docs/accessing-user-data; a token it does not take (ended, or past its 24 hours)
 *   is 401 `{ error }` (the emulator's wording).
 * - removeAccess() is the person's district taking the application away: their tokens stop working. ClassLink
 *   documents no revocation.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface ClassLinkUser {
  /** ClassLink's numeric user id. */
  userId: number;
  tenantId: number;
  tenant: string;
  firstName: string;
  lastName: string;
  email: string;
  loginId: string;
  role: 'Student' | 'Teacher' | 'Tenant Administrator';
}

export interface ClassLinkEmulator extends EmulatorHandle<ClassLinkUser> {
  /** The person's district takes the application away: every token of theirs stops working. */
  removeAccess(user: ClassLinkUser): void;
  /** The next /v2/my/info request fails with this HTTP status. */
  failNextInfo(status: number): void;
  /** The form of each token request, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
  /** The body of each token answer, in order, as ClassLink sent it. */
  readonly tokenAnswers: ReadonlyArray<Record<string, unknown>>;
}

const CODE_TTL = 300;
const ACCESS_TOKEN_TTL = 24 * 3600;
const SCOPES = new Set(['email', 'profile', 'oneroster', 'openid', 'full']);

const unauthorized = () => json(401, { error: 'Unauthorized' });

export async function startClassLinkEmulator(options: EmulatorOptions): Promise<ClassLinkEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ClassLinkUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'none', codeTtl: CODE_TTL });
  const controls = emulatorControls<ClassLinkUser>(server, grants);
  const key = await createSigningKey('RS256', options.now);
  const tokenForms: URLSearchParams[] = [];
  const tokenAnswers: Record<string, unknown>[] = [];
  const infoFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth2/v2/auth', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      const scopes = (query.get('scope') ?? '').split(' ').filter(Boolean);
      return scopes.length === 0 || !scopes.every((scope) => SCOPES.has(scope)) ? { error: 'invalid_scope' } : undefined;
    },
  });

  tokenEndpoint(server, '/oauth2/v2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    answer: async ({ grant, tokens }) => {
      const { user } = grant;
      const idToken = await grantIdToken(key, grant, tokens.accessToken, {
        iss: 'https://launchpad.classlink.com',
        sub: String(user.userId),
        aud: options.clientId,
        login_hint: user.loginId,
        email_verified: true,
        email: user.email,
        name: `${user.firstName} ${user.lastName}`,
        profile: user.role,
        address: { locality: user.tenant, region: 'New Jersey' },
        given_name: user.firstName,
        family_name: user.lastName,
      });
      const answer = { access_token: tokens.accessToken, token_type: 'Bearer', response_type: 'code', id_token: idToken };
      tokenAnswers.push(answer);
      return json(200, answer);
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/v2/my/info', (request) => {
    server.count('info');
    const status = infoFailure.take();
    if (status !== undefined) return json(status, { error: 'Internal Server Error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      UserId: user.userId,
      TenantId: user.tenantId,
      StateId: 2,
      StateName: 'New Jersey',
      BuildingId: 1,
      AuthenticationType: 2,
      DisplayName: `${user.firstName} ${user.lastName}`,
      FirstName: user.firstName,
      LastName: user.lastName,
      Email: user.email,
      LoginId: user.loginId,
      ImagePath: '',
      LanguageId: 1,
      Language: 'en',
      DefaultTimeFormat: 0,
      Profile: 'Developer Student Profile',
      ProfileId: 3280,
      Tenant: user.tenant,
      Building: 'CL Demo Building1',
      Role: user.role,
      Role_Level: 4,
      LastAccessTime: '2026-11-12T19:25:32.000Z',
      OrgId: '',
      SourcedId: user.loginId,
    });
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.userId === user.userId),
    failNextInfo: infoFailure.queue,
    tokenForms,
    tokenAnswers,
  };
}
