/**
 * An emulator of HighLevel's OAuth for marketplace apps (marketplace.gohighlevel.com's /oauth/chooselocation,
 * services.leadconnectorhq.com's /oauth/token) and of the part of its API v2 a connection touches, written from
 * HighLevel's documentation:
 * - Authorization (https://marketplace.gohighlevel.com/docs/oauth/Authorization): `GET /oauth/chooselocation`
 *   with `response_type=code`, `redirect_uri`, `client_id` and a space-separated `scope` (each one the app
 *   declared); the person chooses the location or agency and is sent back to the redirect URL with `code` (and
 *   the `state` sent, which the pages do not show). An unknown client or redirect URL is a page of its own.
 * - Token (https://marketplace.gohighlevel.com/docs/ghl/oauth/get-access-token): `POST /oauth/token`, a form of
 *   `client_id`, `client_secret`, `grant_type`, `code` or `refresh_token`, `redirect_uri` and `user_type`
 *   (`Company` or `Location`; anything else is 422). The answer is `access_token`, `token_type: "Bearer"`,
 *   `expires_in` (86399: a day), `refresh_token`, `scope`, `userType` as asked, `companyId`, `locationId` (a
 *   Location token's only), `userId` (who installed the app), `planId` and `isBulkInstallation`. Each refresh
 *   answers a new refresh token, which lasts a year; the used one is refused.
 * - Refusals are `BadRequestDTO` (400), `UnauthorizedDTO` (401) or `UnprocessableDTO` (422): `statusCode`,
 *   `message` (a list for 422) and `error`; the messages are node-oauth2-server's (`Invalid grant: refresh token
 *   is invalid`), as the documented `Invalid token: access token is invalid` is.
 * - API (https://marketplace.gohighlevel.com/docs/ghl/locations/get-location): `GET /locations/{locationId}`
 *   behind `locations.readonly`, with the `Version` header every call requires, answers `location`; a token of
 *   another location is 403. No `Version` is 400 (the pages give no message for it: this one is the emulator's); a
 *   token it does not take is 401 `Invalid token: access token is invalid`.
 * HighLevel documents no revocation: there is none here. The page approves at once for signInAs()'s install.
 */
import { codeRequest, requestedScopes, redirectBack } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface HighLevelInstall {
  /** The HighLevel user who installed the app. */
  userId: string;
  /** The agency. */
  companyId: string;
  /** The location (sub-account) chosen. */
  locationId: string;
  locationName: string;
}

export interface HighLevelEmulatorOptions extends EmulatorOptions {
  /** The scopes the app declared (default: `locations.readonly` and `contacts.readonly`). */
  registeredScopes?: string[];
}

export interface HighLevelEmulator extends EmulatorHandle<HighLevelInstall> {
  /** The `user_type` of each code exchange and refresh whose client authenticated, in order (null: none sent). */
  readonly userTypes: ReadonlyArray<string | null>;
}

const ACCESS_TOKEN_TTL = 86_399;
const REFRESH_TOKEN_TTL = 365 * 86_400;
const USER_TYPES = new Set(['Company', 'Location']);
const badRequest = (message: string): EmulatorReply => json(400, { statusCode: 400, message });
const unauthorized = (message: string): EmulatorReply => json(401, { statusCode: 401, message, error: 'Unauthorized' });
const unprocessable = (message: string): EmulatorReply => json(422, { statusCode: 422, message: [message], error: 'Unprocessable Entity' });

export async function startHighLevelEmulator(options: HighLevelEmulatorOptions): Promise<HighLevelEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<HighLevelInstall>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
  });
  const controls = emulatorControls<HighLevelInstall>(server, grants);
  const userTypes: Array<string | null> = [];
  const registered = new Set(options.registeredScopes ?? ['locations.readonly', 'contacts.readonly']);

  server.route('GET', '/oauth/chooselocation', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid app or redirect URL</h1>');
    const scopes = requestedScopes(query);
    if (query.get('response_type') !== 'code' || scopes.length === 0 || scopes.some((scope) => !registered.has(scope))) return html(400, '<h1>Invalid authorization request</h1>');
    const install = controls.approver();
    if (!install) return html(200, '<h1>Choose a location</h1>');
    const code = grants.issueCode({ ...codeRequest(query, options, install), codeChallenge: undefined, codeChallengeMethod: undefined });
    return redirectBack(options.redirectUri, query)({ code });
  });

  const userTypeRefused = (form: URLSearchParams): EmulatorReply | undefined => {
    userTypes.push(form.get('user_type'));
    return USER_TYPES.has(form.get('user_type') ?? '') ? undefined : unprocessable('user_type must be one of the following values: Company, Location');
  };

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    errors: {
      client: () => unauthorized('Invalid client: client is invalid'),
      grantType: () => badRequest('Unsupported grant type: `grant_type` is invalid'),
      refreshToken: () => badRequest('Invalid grant: refresh token is invalid'),
      code: () => badRequest('Invalid grant: authorization code is invalid'),
    },
    refuseRefresh: (_presented, form) => userTypeRefused(form),
    refuseCode: userTypeRefused,
    answer: ({ grant, tokens, form }) => {
      const userType = form.get('user_type')!;
      return json(200, {
        ...tokenMembers(tokens, grant.scope, 'Bearer'),
        userType,
        companyId: grant.user.companyId,
        ...(userType === 'Location' ? { locationId: grant.user.locationId } : { approvedLocations: [grant.user.locationId] }),
        userId: grant.user.userId,
        planId: 'plan_basic_monthly',
        isBulkInstallation: false,
      });
    },
  });

  server.route('GET', '/locations/:locationId', (request) => {
    server.count('location');
    if (!request.headers.version) return json(400, { statusCode: 400, message: 'Version header was not found', error: 'Bad Request' });
    const grant = bearerGrant(grants, request, () => unauthorized('Invalid token: access token is invalid'));
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes('locations.readonly')) return unauthorized('The token is not authorized for this scope.');
    if (request.params.locationId !== grant.user.locationId) return json(403, { statusCode: 403, message: 'The token does not have access to this location.', error: 'Forbidden' });
    return json(200, {
      location: { id: grant.user.locationId, companyId: grant.user.companyId, name: grant.user.locationName, timezone: 'US/Central', country: 'US' },
    });
  });

  return { ...controls.handle, userTypes };
}
