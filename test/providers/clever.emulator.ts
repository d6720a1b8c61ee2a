/**
 * An emulator of Clever SSO (clever.com/oauth) and of the part of Clever's API (api.clever.com) an SSO token
 * reaches, written from Clever's developer documentation:
 * - Authorize: `GET /oauth/authorize` with `response_type=code`, `client_id` and `redirect_uri`
 *   (https://dev.clever.com/docs/district-sso-1); Clever takes no scope parameter, as scopes are the application's
 *   configuration (https://dev.clever.com/docs/oidc-implementation), and documents no PKCE. A person who declines
 *   goes back with RFC 6749's `error=access_denied`; an unknown client or redirect URI is told on a page (Clever
 *   shows neither).
 * - Token: `POST /oauth/tokens` with HTTP Basic authentication alone, its `code`, `grant_type` and `redirect_uri`
 *   as JSON or form-encoded (https://clever.com/developers/docs/explorer); a code lasts one minute and is good once,
 *   a second use answering 400 (https://dev.clever.com/v2.1/docs/il-troubleshooting). The answer is
 *   `{ access_token, token_type: 'bearer' }`, with an `id_token` for an application configured for OpenID
 *   Connect (`configureForOidc()`; its claims as https://dev.clever.com/docs/oidc-implementation lists them, `iss`
 *   `https://clever.com`, an hour's `exp`); no expiry and no refresh token are documented, so none is given and the
 *   token lasts until the person's access ends. Refusals are RFC 6749 §5.2's `{ error }` (not shown by Clever).
 * - API, the token as Bearer: `GET /userinfo` (https://dev.clever.com/docs/the-userinfo-endpoint), `GET /v3.0/me`
 *   (the token's `type`, and `data` with the user's `id` and `district`), one of the few Data API routes an SSO
 *   token reaches (https://dev.clever.com/docs/oauth-implementation; the members of its answer here are the
 *   emulator's); a token it does not take is 401 `{ error }` (the emulator's wording).
 * - endAccess() is the person's district ending their access to the application: their tokens stop working. Clever
 *   documents no revocation of SSO tokens.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { jsonOrForm, tokenEndpoint } from './kit/token-endpoint.js';

export interface CleverUser {
  /** The multi-role user id, 24 hex digits: the Clever user id of API v3.0. */
  id: string;
  /** The user id of API versions before v3.0. */
  legacyId: string;
  district: string;
  userType: 'student' | 'teacher' | 'staff' | 'district admin';
  givenName: string;
  familyName: string;
  email: string;
}

export interface CleverEmulator extends EmulatorHandle<CleverUser> {
  /** The person's district ends their access to the application: every token of theirs stops working. */
  endAccess(user: CleverUser): void;
  /** From now on the application is configured for OpenID Connect: token answers carry an identity token. */
  configureForOidc(): void;
  /** The parameters of each token request, in order, as Clever read them (JSON or form). */
  readonly tokenParameters: ReadonlyArray<URLSearchParams>;
}

const CODE_TTL = 60;

const unauthorized = () => json(401, { error: 'Unauthorized' });

export async function startCleverEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<CleverEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<CleverUser>({ accessTokenTtl: null, refreshPolicy: 'none', codeTtl: CODE_TTL });
  const controls = emulatorControls<CleverUser>(server, grants);
  const key = await createSigningKey();
  const tokenParameters: URLSearchParams[] = [];
  let oidc = false;

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    request: () => ({ scope: '' }),
  });

  tokenEndpoint(server, '/oauth/tokens', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options),
    parameters: (request) => {
      const parameters = jsonOrForm(request);
      tokenParameters.push(parameters);
      return parameters;
    },
    pkce: false,
    answer: async ({ grant, tokens }) => {
      const answer = { access_token: tokens.accessToken, token_type: 'bearer' };
      if (!oidc) return json(200, answer);
      const { user } = grant;
      const idToken = await grantIdToken(key, grant, tokens.accessToken, {
        iss: 'https://clever.com',
        sub: user.id,
        aud: options.clientId,
        user_id: user.legacyId,
        multi_role_user_id: user.id,
        user_type: user.userType,
        district: user.district,
        email: user.email,
        email_verified: false,
        given_name: user.givenName,
        family_name: user.familyName,
      });
      return json(200, { ...answer, id_token: idToken });
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/userinfo', (request) => {
    server.count('userinfo');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      sub: user.id,
      user_id: user.legacyId,
      multi_role_user_id: user.id,
      user_type: user.userType,
      district_id: user.district,
      district: user.district,
      email: user.email,
      name: { first: user.givenName, last: user.familyName, middle: '' },
      schools: [],
      given_name: user.givenName,
      family_name: user.familyName,
      email_verified: false,
    });
  });

  server.route('GET', '/v3.0/me', (request) => {
    server.count('me');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      type: 'user',
      data: { id: user.id, district: user.district, type: 'user' },
      links: [{ rel: 'self', uri: '/v3.0/me' }, { rel: 'canonical', uri: `/v3.0/users/${user.id}` }, { rel: 'district', uri: `/v3.0/districts/${user.district}` }],
    });
  });

  return {
    ...controls.handle,
    endAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    configureForOidc: () => {
      oidc = true;
    },
    tokenParameters,
  };
}
