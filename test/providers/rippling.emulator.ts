/**
 * An emulator of Rippling's OpenID Connect sign-in and platform API, as
 * Rippling's developer documentation describes them:
 * - Authorize: `GET /oidc/v1/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (the development package's), `state` and the
 *   scopes; the person is sent back with `code` and `state`
 *   (https://developer.rippling.com/docs/rippling-api/docs/Guides/OIDC%20Guide.md).
 *   No PKCE is documented, so none is kept; a person who declines is sent
 *   back with RFC 6749's `error=access_denied` (Rippling shows no wording).
 * - Token: `POST /api/o/token/` with the client as HTTP Basic over
 *   `<client id>:<client secret>` as they are (anything else is refused),
 *   `grant_type`, `code` and `redirect_uri`; the answer is `access_token`,
 *   `token_type: "Bearer"`, `id_token`, `expires_in` 129600, `refresh_token`
 *   and `scope`. A refresh is `grant_type=refresh_token` with Basic again
 *   (the same guide, and
 *   https://developer.rippling.com/docs/rippling-api/docs/Getting-Started/f-Authorization.md).
 *   Whether a refresh ends the spent refresh token is not documented, so it
 *   answers a new one and the old one lasts (the 'reissued' policy); the
 *   refresh answer carries no ID token (not documented either). The ID
 *   token is signed with a key no document names, as Rippling publishes none.
 *   Refusals are RFC 6749 §5.2's, which Rippling does not show.
 * - `GET /platform/api/userinfo`: `sub` (the role id), `picture`, `name`,
 *   `family_name`, `given_name`, `preferred_username`, `birthdate`,
 *   `gender`, `email`, `email_verified`, `address` (a JSON string),
 *   `phone_number`, `phone_number_verified` (the guide's "Claims").
 *   `GET /platform/api/me`: `id`, `workEmail`, `company`
 *   (https://developer.rippling.com/docs/rippling-api/docs/Getting-Started/g-SSO.md).
 * - A token the API does not take is a 401: expired, or revoked, as every
 *   token of an employee is when the employee is terminated (`terminate`)
 *   (https://developer.rippling.com/docs/rippling-api/docs/Getting-Started/i-Errors.md);
 *   its body is not documented (`{ "detail": … }` here).
 * There is no revocation endpoint. The authorization page approves at once
 * for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { createSigningKey } from './kit/signing.js';
import { openIdTokenAnswer, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface RipplingUser {
  /** The role id (`sub`), an object id of 24 hex digits. */
  roleId: string;
  companyId: string;
  givenName: string;
  familyName: string;
  email: string;
  emailVerified: boolean;
}

export interface RipplingEmulator extends EmulatorHandle<RipplingUser> {
  /** The employee is terminated in Rippling: every token of theirs is revoked. */
  terminate(user: RipplingUser): void;
  /** The next /platform/api/userinfo request fails with this HTTP status. */
  failNextUserinfo(status: number): void;
  /** The form of each token request, in order, as Rippling read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** The `expires_in` of Rippling's sample token answers: 36 hours. */
export const RIPPLING_ACCESS_TOKEN_SECONDS = 129_600;

const unauthorized = () => json(401, { detail: 'Invalid token.' });

export async function startRipplingEmulator(options: EmulatorOptions): Promise<RipplingEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<RipplingUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: RIPPLING_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<RipplingUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const userinfoFailure = queuedFailure();
  // A key no document of this emulator names: an ID token signed with it can be checked by nobody.
  const unpublishedKey = await createSigningKey('RS256', options.now);

  authorizationEndpoint(server, '/oidc/v1/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
  });

  tokenEndpoint(server, '/api/o/token/', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return basicAsSent(request, options);
    },
    pkce: false,
    answer: async ({ grantType, grant, tokens }) => {
      if (grantType === 'refresh_token') return json(200, tokenMembers(tokens, grant.scope, 'Bearer'));
      const idToken = await unpublishedKey.signIdToken({ iss: server.origin, aud: options.clientId, sub: grant.user.roleId });
      return json(200, openIdTokenAnswer(tokens, grant.scope, 'Bearer', idToken));
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/platform/api/userinfo', (request) => {
    server.count('userinfo');
    const status = userinfoFailure.take();
    if (status !== undefined) return json(status, { detail: 'A server error occurred.' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      sub: user.roleId,
      picture: `https://example.com/rippling-images/${user.roleId}.png`,
      name: `${user.givenName} ${user.familyName}`,
      family_name: user.familyName,
      given_name: user.givenName,
      preferred_username: user.givenName,
      birthdate: '1990-06-08',
      gender: 'female',
      email: user.email,
      email_verified: user.emailVerified,
      address: JSON.stringify({ street_address: '1930 Guerrero Street', locality: 'San Francisco', region: 'CA', postal_code: '94110', country: 'US' }),
      phone_number: '4155550100',
      phone_number_verified: true,
    });
  });

  server.route('GET', '/platform/api/me', (request) => {
    server.count('me');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { id: user.roleId, workEmail: user.email, company: user.companyId });
  });

  return {
    ...controls.handle,
    terminate: (user) => grants.revokeGrantsOf((someone) => someone.roleId === user.roleId),
    failNextUserinfo: userinfoFailure.queue,
    tokenForms,
  };
}
