/**
 * An emulator of Edlink's OAuth 2.0 single sign-on and User API, written from Edlink's developer docs
 * (https://ed.link/docs/guides/v2.0/sso/oauth2, https://ed.link/docs/api/v2.0/oauth2/token,
 * https://ed.link/docs/api/v2.0/authorization/user, https://ed.link/docs/api/v2.0/people/user-get-profile,
 * https://ed.link/docs/guides/v2.0/features/errors-warnings, https://ed.link/docs/api/v2.0/responses/errors):
 * - `GET /sso/login`: `client_id`, `redirect_uri`, `state`, `response_type=code`; no scope, no PKCE;
 * - `POST /api/authentication/token`: `code`, `client_id`, `client_secret`, `redirect_uri`, `grant_type` in the body
 *   (the client there, never Basic), or a refresh token; the answer `{ $request, $data: { access_token,
 *   refresh_token, expires_in } }`, access tokens for 60 minutes, refresh tokens that do not expire;
 * - `GET /api/v2/my/profile` and `GET /api/v2/my/classes` with the person's token as Bearer: `{ $request, $data }`;
 *   a token Edlink does not take is a 400 with `$errors` `INVALID_TOKEN`.
 * Made up here (the pages do not say): the body taken as JSON or a form; the refusals' codes and statuses at the
 * token endpoint (`INVALID_CLIENT`, `INVALID_GRANT`, `INVALID_REFRESH_TOKEN`, each a 400 in Edlink's `$errors`
 * shape); a refresh answering no new refresh token (the one held stays good); the classes' members beyond the
 * Class model's names. forget() is the person's tokens ending (their school removing the integration). The login
 * page approves at once for signInAs()'s person.
 */
import { randomUUID } from 'node:crypto';
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, tokenEndpoint } from './kit/token-endpoint.js';

export interface EdlinkPerson {
  /** The person's Edlink id, a UUID. */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  role: 'student' | 'teacher';
}

export interface EdlinkEmulator extends EmulatorHandle<EdlinkPerson> {
  /** Every token of this person's stops working. */
  forget(person: EdlinkPerson): void;
  /** The next /my/profile request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The parameters of each token request, in order, as Edlink read them. */
  readonly tokenParameters: ReadonlyArray<URLSearchParams>;
}

/** Edlink's person access tokens always last 60 minutes. */
export const EDLINK_ACCESS_TOKEN_SECONDS = 3600;
const DISTRICT_ID = '6e7a1b2c-3d4e-4f50-8a9b-0c1d2e3f4a5b';

const errors = (status: number, code: string, message: string) => json(status, { $request: randomUUID(), $errors: [{ code, message }] });

export async function startEdlinkEmulator(options: EmulatorOptions): Promise<EdlinkEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<EdlinkPerson>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: EDLINK_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static' });
  const controls = emulatorControls<EdlinkPerson>(server, grants);
  const tokenParameters: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/sso/login', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/api/authentication/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    parameters: jsonOrForm,
    authenticates: (request) => {
      const parameters = jsonOrForm(request);
      tokenParameters.push(parameters);
      return credentialsIn(parameters, options);
    },
    pkce: false,
    errors: {
      client: () => errors(400, 'INVALID_CLIENT', 'The client credentials are invalid.'),
      grantType: () => errors(400, 'INVALID_GRANT_TYPE', 'The grant type is not supported.'),
      code: () => errors(400, 'INVALID_GRANT', 'The authorization code is invalid or has expired.'),
      refreshToken: () => errors(400, 'INVALID_REFRESH_TOKEN', 'The refresh token is invalid.'),
    },
    answer: ({ tokens }) =>
      json(200, { $request: randomUUID(), $data: { access_token: tokens.accessToken, ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}), expires_in: tokens.expiresIn } }),
  });

  const personOf = (request: EmulatorRequest) => bearerGrant(grants, request, () => errors(400, 'INVALID_TOKEN', 'You must supply a valid access token to access this endpoint.'));

  server.route('GET', '/api/v2/my/profile', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return errors(status, 'INTERNAL', 'The server encountered an unexpected condition.');
    const grant = personOf(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      $request: randomUUID(),
      $data: {
        id: user.id,
        created_date: '2021-07-15T04:05:34.732Z',
        updated_date: '2022-01-26T22:44:36.089Z',
        first_name: user.firstName,
        middle_name: null,
        last_name: user.lastName,
        display_name: `${user.firstName} ${user.lastName}`,
        roles: [user.role],
        graduation_year: null,
        grade_levels: null,
        picture_url: null,
        email: user.email,
        phone: null,
        locale: 'en',
        time_zone: 'America/Los_Angeles',
        properties: {},
        identifiers: [],
        district_id: DISTRICT_ID,
        school_ids: ['0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'],
      },
    });
  });

  server.route('GET', '/api/v2/my/classes', (request) => {
    server.count('classes');
    const grant = personOf(request);
    if (!isGrant(grant)) return grant;
    return json(200, { $request: randomUUID(), $data: [{ id: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d', name: 'Algebra I', locale: 'en', time_zone: 'America/Los_Angeles', district_id: DISTRICT_ID }] });
  });

  return {
    ...controls.handle,
    forget: (person) => grants.revokeGrantsOf((someone) => someone.id === person.id),
    failNextProfile: profileFailure.queue,
    tokenParameters,
  };
}
