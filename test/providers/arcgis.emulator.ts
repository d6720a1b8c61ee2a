/**
 * An emulator of ArcGIS Online's OAuth 2.0 (www.arcgis.com/sharing/rest/oauth2/authorize, /oauth2/token,
 * /oauth2/revokeToken) and of the part of the portal's REST API a connection touches, written from Esri's pages
 * (https://developers.arcgis.com/rest/users-groups-and-items/authorize/,
 * https://developers.arcgis.com/rest/users-groups-and-items/token/,
 * https://developers.arcgis.com/rest/users-groups-and-items/revoke-token/,
 * https://developers.arcgis.com/rest/users-groups-and-items/self/,
 * https://developers.arcgis.com/documentation/security-and-authentication/reference/http-authorization-headers/):
 * - Authorize: `GET /sharing/rest/oauth2/authorize` with `client_id`, `response_type=code`, `redirect_uri` and a PKCE
 *   challenge; approved, a code comes back.
 * - Token: `POST /sharing/rest/oauth2/token`, `client_id` required with every grant; JSON with `access_token`,
 *   `expires_in` (1800), `username`, `ssl`, and with the code exchange `refresh_token` and `refresh_token_expires_in`
 *   (two weeks); no `token_type`. A refresh answers a new access token only; the refresh token stays.
 * - Refusals, here and on the API, are HTTP 200 with `{ error: { code, error, error_description, message, details } }`
 *   (the API's for a token it does not take: code 498, "Invalid token.").
 * - `GET /sharing/rest/community/self` and `/sharing/rest/portals/self`, the token as Bearer, JSON when `f=json`.
 * - Revoke: a form with `auth_token`, `token_type_hint` and `client_id`; `{ success: true }`, also for a token it does
 *   not know; a refresh token takes the access tokens made from it along.
 * Made up here (Esri's pages do not say): the `error` codes and descriptions of refused codes, refresh tokens and
 * clients; a wrong `client_secret` refused whenever one is sent; the answer to a request without `f=json` (a bare
 * HTML page); a declined authorization (`access_denied`). endAccess() is an administrator disabling the user, which
 * ends every token of theirs. The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface ArcGisUser {
  /** The user's ID (32 hex digits). */
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface ArcGisEmulator extends EmulatorHandle<ArcGisUser> {
  /** An administrator disables the user: every token of theirs stops working. */
  endAccess(user: ArcGisUser): void;
  /** The next /community/self request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each revocation's form, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
}

export const ARCGIS_ACCESS_TOKEN_SECONDS = 1800;
const REFRESH_TOKEN_SECONDS = 1209600;
export const ARCGIS_ORG_ID = 'Xj56SBi2udA78cC9';

/** ArcGIS's error body, sent with HTTP 200. */
export function arcgisError(code: number, message: string, error?: string) {
  return json(200, { error: { code, ...(error ? { error, error_description: message } : {}), message, details: [] } });
}

export async function startArcGisEmulator(options: EmulatorOptions): Promise<ArcGisEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ArcGisUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ARCGIS_ACCESS_TOKEN_SECONDS, refreshTokenTtl: REFRESH_TOKEN_SECONDS, refreshPolicy: 'static' });
  const controls = emulatorControls<ArcGisUser>(server, grants);
  const revocations: Array<Record<string, string>> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/sharing/rest/oauth2/authorize', { client: options, grants, approver: controls.approver });

  tokenEndpoint(server, '/sharing/rest/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      const form = request.form();
      if (form.get('client_id') !== options.clientId) return arcgisError(400, 'Invalid client_id', 'invalid_client_id');
      const secret = form.get('client_secret');
      if (secret !== null && secret !== options.clientSecret) return arcgisError(401, 'Invalid client_secret', 'invalid_client');
      return true;
    },
    errors: {
      grantType: () => arcgisError(400, 'Invalid grant_type', 'unsupported_grant_type'),
      refreshToken: () => arcgisError(400, 'Invalid refresh_token', 'invalid_request'),
      code: () => arcgisError(400, 'Invalid authorization code', 'invalid_request'),
    },
    answer: ({ grant, tokens, grantType }) =>
      json(200, {
        access_token: tokens.accessToken,
        expires_in: tokens.expiresIn,
        username: grant.user.username,
        ssl: true,
        ...(grantType === 'authorization_code' ? { refresh_token: tokens.refreshToken, refresh_token_expires_in: REFRESH_TOKEN_SECONDS } : {}),
      }),
  });

  server.route('POST', '/sharing/rest/oauth2/revokeToken', (request) => {
    server.count('revoke');
    const form = request.form();
    revocations.push(Object.fromEntries(form));
    const token = form.get('auth_token');
    if (!token) return arcgisError(400, 'auth_token is required', 'invalid_request');
    // An application revokes only its own tokens; the answer is the same either way.
    if (form.get('client_id') === options.clientId) grants.revokeToken(token);
    return json(200, { success: true });
  });

  /** The grant of the Bearer token of a `f=json` request, or ArcGIS's refusal. */
  const apiGrant = (request: EmulatorRequest) => {
    if (request.url.searchParams.get('f') !== 'json') return html(200, '<html><body>ArcGIS REST API</body></html>');
    return bearerGrant(grants, request, () => arcgisError(498, 'Invalid token.'));
  };

  server.route('GET', '/sharing/rest/community/self', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return html(status, '<h1>Service Unavailable</h1>');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      username: user.username,
      id: user.id,
      fullName: `${user.firstName} ${user.lastName}`,
      firstName: user.firstName,
      lastName: user.lastName,
      email: user.email,
      orgId: ARCGIS_ORG_ID,
      role: 'org_user',
      access: 'org',
      culture: 'en',
      region: 'US',
      thumbnail: null,
      created: 1701388800000,
      modified: 1701388800000,
      provider: 'arcgis',
      groups: [],
    });
  });

  server.route('GET', '/sharing/rest/portals/self', (request) => {
    server.count('portal');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { id: ARCGIS_ORG_ID, name: 'Acme Mapping', urlKey: 'acme', isPortal: false, user: { username: grant.user.username, id: grant.user.id } });
  });

  return {
    ...controls.handle,
    endAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    revocations,
  };
}
