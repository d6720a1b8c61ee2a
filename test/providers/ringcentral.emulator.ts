/**
 * An emulator of RingCentral's platform server (platform.ringcentral.com, or
 * the developer sandbox platform.devtest.ringcentral.com) as far as a
 * connection touches it, written from RingCentral's developer guide
 * (https://developers.ringcentral.com/guide/authentication/auth-code-flow,
 * https://developers.ringcentral.com/guide/authentication/tokens,
 * https://developers.ringcentral.com/api-reference/Get-Token,
 * https://developers.ringcentral.com/api-reference/Revoke-Token,
 * https://developers.ringcentral.com/api-reference/User-Settings/readExtension):
 * - Authorize: `GET /restapi/oauth/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (the app's one; another is an error page)
 *   and `state`, PKCE taken when sent; `scope`, space-separated, may ask
 *   for some of the app's permissions (all of them without it; another is an
 *   error page). A person who declines goes back with `error=access_denied`.
 * - Token: `POST /restapi/oauth/token`, the client as Basic only
 *   (`base64(id:secret)` as they are), refused 401 `invalid_client`
 *   (OAU-123). A code is good once, for a minute. The answer is
 *   `access_token`, `token_type: "bearer"`, `expires_in: 3600`,
 *   `refresh_token`, `refresh_token_expires_in: 604800`, `scope`,
 *   `owner_id` (the extension id, as a string) and `endpoint_id`. A refresh
 *   token is good once: a refresh answers a new pair and ends the access
 *   token issued with the spent refresh token. Refusals are RFC 6749's
 *   names with RingCentral's `errors` beside them (400 `invalid_grant`,
 *   OAU-211 for a refresh token, OAU-226 for a code).
 * - `GET /restapi/v1.0/account/~/extension/~` with the token as Bearer
 *   answers the extension (`id`, a number, `uri`, `extensionNumber`, `name`,
 *   `contact` with names and e-mail, `account`), behind the ReadAccounts
 *   permission (403 `InsufficientPermissions` without); a token it does not
 *   take is 401 `TokenInvalid` (OAU-213).
 * - `POST /restapi/oauth/revoke` with `token` (access or refresh) in the form
 *   or the query and the client as Basic ends the whole session, answering
 *   200 with no body, as for a token it does not know.
 * - removeAccess() is the person (or their administrator) ending the app's
 *   session in RingCentral: none of its tokens works.
 * The login page approves at once for signInAs()'s person.
 */
import { randomBytes } from 'node:crypto';
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface RingCentralUser {
  /** The extension's internal id. */
  id: number;
  accountId: number;
  extensionNumber: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface RingCentralEmulatorOptions extends EmulatorOptions {
  /** The permissions set on the app (default `ReadAccounts CallControl ReadCallLog`). */
  permissions?: readonly string[];
}

export interface RingCentralEmulator extends EmulatorHandle<RingCentralUser> {
  /** The person's session with the app is ended in RingCentral: none of its tokens works any more. */
  removeAccess(user: RingCentralUser): void;
}

const ACCESS_TOKEN_TTL = 3600;
const REFRESH_TOKEN_TTL = 604_800;

/** RingCentral's error body: RFC 6749's `error` when it is an OAuth refusal, its own `errorCode`s in `errors`. */
function refusal(status: number, error: string, errorCode: string, message: string): EmulatorReply {
  return json(status, { error, errors: [{ errorCode, message }], error_description: message });
}

function apiError(status: number, errorCode: string, message: string, detailCode: string): EmulatorReply {
  return json(status, { errorCode, message, errors: [{ errorCode: detailCode, message }] });
}

export async function startRingCentralEmulator(options: RingCentralEmulatorOptions): Promise<RingCentralEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<RingCentralUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
    codeTtl: 60,
  });
  const controls = emulatorControls<RingCentralUser>(server, grants);
  const permissions = options.permissions ?? ['ReadAccounts', 'CallControl', 'ReadCallLog'];
  /** The access token issued with each refresh token, which a refresh with that refresh token ends. */
  const accessTokenOf = new Map<string, string>();
  const client = (request: EmulatorRequest): boolean => basicAsSent(request, options);
  const badClient = () => refusal(401, 'invalid_client', 'OAU-123', 'Invalid client');

  server.route('GET', '/restapi/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('response_type') !== 'code') return html(400, '<h1>Client application is not found</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid redirect URI</h1>');
    const asked = requestedScopes(query);
    if (asked.some((permission) => !permissions.includes(permission))) return html(400, '<h1>Unauthorized scope</h1>');
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'User has denied access' });
    return reply({
      code: grants.issueCode({
        clientId: options.clientId,
        redirectUri: options.redirectUri,
        scope: (asked.length > 0 ? asked : permissions).join(' '),
        codeChallenge: query.get('code_challenge') ?? undefined,
        codeChallengeMethod: query.get('code_challenge_method') ?? undefined,
        user,
      }),
    });
  });

  tokenEndpoint(server, '/restapi/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: client,
    errors: {
      client: badClient,
      code: () => refusal(400, 'invalid_grant', 'OAU-226', 'Authorization code is expired'),
      refreshToken: () => refusal(400, 'invalid_grant', 'OAU-211', 'Token is revoked'),
      grantType: () => refusal(400, 'unsupported_grant_type', 'OAU-250', 'Unsupported grant type'),
    },
    answer: ({ grantType, grant, tokens, form }) => {
      if (grantType === 'refresh_token') {
        const previous = accessTokenOf.get(form.get('refresh_token') ?? '');
        if (previous) grants.revokeAccessToken(previous);
      }
      if (tokens.refreshToken) accessTokenOf.set(tokens.refreshToken, tokens.accessToken);
      return json(200, {
        access_token: tokens.accessToken,
        token_type: 'bearer',
        expires_in: tokens.expiresIn,
        refresh_token: tokens.refreshToken,
        refresh_token_expires_in: tokens.refreshTokenExpiresIn,
        scope: grant.scope,
        owner_id: String(grant.user.id),
        endpoint_id: randomBytes(11).toString('base64url'),
      });
    },
  });

  server.route('GET', '/restapi/v1.0/account/~/extension/~', (request) => {
    server.count('extension');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return apiError(401, 'TokenInvalid', 'Token not found', 'OAU-213');
    if (!grant.scope.split(' ').includes('ReadAccounts')) return apiError(403, 'InsufficientPermissions', '[ReadAccounts] permission required', 'CMN-401');
    const { user } = grant;
    const account = `${server.origin}/restapi/v1.0/account/${user.accountId}`;
    return json(200, {
      uri: `${account}/extension/${user.id}`,
      id: user.id,
      extensionNumber: user.extensionNumber,
      contact: { firstName: user.firstName, lastName: user.lastName, email: user.email, emailAsLoginName: true },
      name: `${user.firstName} ${user.lastName}`,
      type: 'User',
      status: 'Enabled',
      account: { uri: account, id: String(user.accountId) },
    });
  });

  server.route('POST', '/restapi/oauth/revoke', (request) => {
    server.count('revoke');
    if (!client(request)) return badClient();
    const token = request.form().get('token') ?? request.url.searchParams.get('token');
    if (!token) return refusal(400, 'invalid_request', 'OAU-101', 'Parameter [token] is invalid');
    const grant = grants.grantOfToken(token);
    // The whole session: every token issued under the grant.
    if (grant && grant.clientId === options.clientId) grants.revokeGrant(grant.id);
    return { status: 200, headers: {}, body: '' };
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
