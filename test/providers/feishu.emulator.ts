/**
 * An emulator of Feishu's (or Lark's) OAuth (accounts.<domain>'s /open-apis/authen/v1/authorize, open.<domain>'s
 * /open-apis/authen/v2/oauth/token) and of the part of the open platform's API a connection touches, on one origin
 * for both hosts, written from Feishu's pages:
 * - Authorize (https://open.feishu.cn/document/common-capabilities/sso/api/obtain-oauth-code): `GET
 *   /open-apis/authen/v1/authorize` with `client_id`, `redirect_uri`, `scope` (space-separated) and `state`, the
 *   PKCE challenge kept; a code lasts 5 minutes and is used once. A refusing person is sent back `access_denied`.
 *   Only a grant with `offline_access` gets a refresh token.
 * - Token (https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/authentication-management/access-token/get-user-access-token,
 *   …/refresh-user-access-token): `POST /open-apis/authen/v2/oauth/token`, a JSON body with `grant_type`,
 *   `client_id`, `client_secret` and the grant's members. The answer is `code: 0`, `access_token`, `expires_in`
 *   (7200), `token_type: "Bearer"`, `scope`, and with `offline_access` `refresh_token` and
 *   `refresh_token_expires_in` (30 days). Each refresh answers a new pair; the used refresh token is refused at
 *   once. A refusal is RFC 6749 §5.2's `error` and `error_description` beside Feishu's own `code`, with 400 (401
 *   for the client): the numbers are the emulator's, as the pages at hand cut off before their table.
 * - API (under /open-apis): `GET /authen/v1/user_info` (`{ code: 0, msg, data: { name, en_name, avatar_url,
 *   open_id, union_id, email, tenant_key } }`, https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/authen-v1/user_info/get)
 *   and `GET /calendar/v4/calendars`, the token as Bearer; a token it does not take is HTTP 400 with `code`
 *   99991668, "Invalid access token for authorization". No revocation endpoint.
 * The person may lose the app (an administrator removes it, or their availability): `removeApp` ends their grants.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface FeishuUser {
  /** The person's id within the app (`ou_…`). */
  openId: string;
  /** The person's id across the developer's apps (`on_…`). */
  unionId: string;
  name: string;
  enName: string;
  email: string;
}

export interface FeishuEmulator extends EmulatorHandle<FeishuUser> {
  /** The person can no longer use the app: every token of theirs stops working. */
  removeApp(user: FeishuUser): void;
  /** The next user_info request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The JSON body of each token request, in order (undefined: not JSON). */
  readonly tokenBodies: ReadonlyArray<unknown>;
}

const ACCESS_TOKEN_TTL = 7200;
const REFRESH_TOKEN_TTL = 30 * 86_400;
/** The tenant (the organization) every person here belongs to. */
export const FEISHU_TENANT = '736588c9260f175d';

const refusal = (status: number, code: number, error: string, description: string) => json(status, { code, error, error_description: description });

export async function startFeishuEmulator(options: EmulatorOptions): Promise<FeishuEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<FeishuUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
    codeTtl: 300,
  });
  const controls = emulatorControls<FeishuUser>(server, grants);
  const profileFailure = queuedFailure();
  const tokenBodies: unknown[] = [];

  authorizationEndpoint(server, '/open-apis/authen/v1/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    responseType: false,
    request: (query) => ({ refreshToken: requestedScopes(query).includes('offline_access') }),
  });

  tokenEndpoint(server, '/open-apis/authen/v2/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    screen: (request) => {
      tokenBodies.push(request.json());
      return (request.headers['content-type'] ?? '').includes('application/json') ? undefined : refusal(400, 20001, 'invalid_request', 'The request body must be JSON.');
    },
    parameters: jsonOrForm,
    authenticates: (request) => credentialsIn(jsonOrForm(request), options),
    errors: {
      client: () => refusal(401, 20002, 'invalid_client', 'The client_secret is invalid.'),
      code: () => refusal(400, 20003, 'invalid_grant', 'The authorization code is invalid, expired or used.'),
      refreshToken: () => refusal(400, 20026, 'invalid_grant', 'The refresh token is invalid, expired, revoked or used.'),
      grantType: () => refusal(400, 20004, 'unsupported_grant_type', 'The grant_type is not supported.'),
    },
    answer: ({ grant, tokens }) =>
      json(200, {
        code: 0,
        ...tokenMembers(tokens, grant.scope, 'Bearer'),
        ...(tokens.refreshToken ? { refresh_token_expires_in: tokens.refreshTokenExpiresIn } : {}),
      }),
  });

  const notTaken = () => json(400, { code: 99991668, msg: 'Invalid access token for authorization. Please make a request with token attached.' });
  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, notTaken);

  server.route('GET', '/open-apis/authen/v1/user_info', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { code: 99991400, msg: 'internal error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      code: 0,
      msg: 'success',
      data: {
        name: user.name,
        en_name: user.enName,
        avatar_url: `https://s1-imfile.feishucdn.com/static-resource/v1/${user.openId}~?image_size=72x72`,
        open_id: user.openId,
        union_id: user.unionId,
        email: user.email,
        tenant_key: FEISHU_TENANT,
      },
    });
  });

  server.route('GET', '/open-apis/calendar/v4/calendars', (request) => {
    server.count('calendars');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      code: 0,
      msg: 'success',
      data: { has_more: false, page_token: '', calendar_list: [{ calendar_id: 'feishu.cn_xxxxxxxxxx@group.calendar.feishu.cn', summary: grant.user.name, type: 'primary', role: 'owner' }] },
    });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.openId === user.openId),
    failNextProfile: profileFailure.queue,
    tokenBodies,
  };
}
