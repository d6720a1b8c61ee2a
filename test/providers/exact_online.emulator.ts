/**
 * An emulator of one country's Exact Online site (start.exactonline.<country>): its OAuth 2.0 (/api/oauth2/auth,
 * /api/oauth2/token) and the part of its REST API a connection touches, written from Exact Online's REST API reference
 * (https://start.exactonline.nl/docs/HlpRestAPIResources.aspx,
 * https://start.exactonline.nl/docs/HlpRestAPIResourcesDetails.aspx?name=SystemSystemMe,
 * https://start.exactonline.nl/docs/HlpRestAPIResourcesDetails.aspx?name=SystemUsers) and, where its OAuth guides
 * could not be read, from what Exact's SDKs send and read:
 * - Authorize: `GET /api/oauth2/auth` with `client_id`, `redirect_uri`, `response_type=code` and `state`, no scope;
 *   approved, a code comes back.
 * - Token: `POST /api/oauth2/token`, the client's id and secret in the form with the code and the redirect URI, or
 *   with the refresh token; JSON `access_token`, `token_type: "bearer"`, `expires_in: "600"` (a string: ten minutes)
 *   and `refresh_token`. Each refresh answers a new refresh token, and the spent one is refused.
 * - REST API: the token as Bearer, else 401. `GET /api/v1/current/Me` answers `{ d: { results: [user] } }` as JSON when
 *   asked with `Accept: application/json`, else as XML; `GET /api/v1/{division}/crm/Accounts` the division's accounts.
 * Made up here: the pages for an unknown client or redirect URI, a declined authorization (`access_denied`), refusals
 * as RFC 6749 §5.2's bare `error`, the 401's body, the XML. removeApp() is the person removing the app's access. The
 * authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface ExactOnlineUser {
  /** The user's GUID. */
  userId: string;
  userName: string;
  firstName: string;
  lastName: string;
  /** The division the API uses for this user unless the URL names another. */
  division: number;
}

export interface ExactOnlineEmulator extends EmulatorHandle<ExactOnlineUser> {
  /** The person removes the app's access: every token of theirs stops working. */
  removeApp(user: ExactOnlineUser): void;
  /** The next current/Me request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

/** Exact Online's access tokens last ten minutes. */
export const EXACT_ONLINE_ACCESS_TOKEN_SECONDS = 600;

const unauthorized = () => json(401, { error: { code: '', message: { lang: '', value: 'Unauthorized' } } });

export async function startExactOnlineEmulator(options: EmulatorOptions): Promise<ExactOnlineEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ExactOnlineUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: EXACT_ONLINE_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<ExactOnlineUser>(server, grants);
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/api/oauth2/auth', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/api/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ tokens }) => json(200, { ...tokenMembers(tokens, undefined, 'bearer'), expires_in: String(tokens.expiresIn) }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);
  const wantsJson = (request: EmulatorRequest) => (request.headers.accept ?? '').includes('application/json');

  server.route('GET', '/api/v1/current/Me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: { code: '', message: { lang: '', value: 'An error has occurred.' } } });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    if (!wantsJson(request)) {
      return { status: 200, headers: { 'content-type': 'application/atom+xml;type=feed;charset=utf-8' }, body: `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><id>${user.userId}</id></entry></feed>` };
    }
    return json(200, {
      d: {
        results: [
          {
            __metadata: { uri: `${server.origin}/api/v1/current/Me(guid'${user.userId}')`, type: 'Exact.Web.Api.System.Me' },
            UserID: user.userId,
            CurrentDivision: user.division,
            DivisionCustomer: 'a1e0c0a2-7e3c-4a0b-9a4e-2f1d3c5b7a90',
            Email: `${user.userName}@example.nl`,
            FirstName: user.firstName,
            FullName: `${user.firstName} ${user.lastName}`,
            Initials: user.firstName[0],
            Language: 'NL',
            LanguageCode: 'nl-NL',
            LastName: user.lastName,
            Legislation: 1,
            PictureUrl: `${server.origin}/docs/SysImage.aspx?Table=Users&ID=${user.userId}`,
            UserName: user.userName,
          },
        ],
      },
    });
  });

  server.route('GET', '/api/v1/:division/crm/Accounts', (request) => {
    server.count('accounts');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { d: { results: [{ ID: '3f2b0d6e-9c41-4e57-8a2d-1b6c7e9f0a13', Code: '                 1', Name: 'Bakkerij de Vries', Division: Number(request.params.division) }] } });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.userId === user.userId),
    failNextProfile: profileFailure.queue,
  };
}
