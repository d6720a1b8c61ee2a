/**
 * An emulator of Lucid's OAuth 2.0 (lucid.app/oauth2/authorize,
 * api.lucid.co/oauth2/token) and of the part of its REST API
 * (api.lucid.co) a connection touches, written from Lucid's documentation:
 * - Authorize: `GET /oauth2/authorize` with `client_id`, `redirect_uri`
 *   (the registered one), `scope` (required, space-separated) and `state`
 *   (https://lucid.readme.io/reference/obtaining-an-access-token); a scope
 *   Lucid does not know is sent back as `invalid_scope`, a person who
 *   declines as `access_denied` (neither code shown by Lucid). The code
 *   lives 5 minutes; a refresh token comes only with `offline_access`.
 * - Token: `POST /oauth2/token` with a JSON body (a form is not read here),
 *   the client as `client_id` and `client_secret` in it, and the code with
 *   `redirect_uri`, or the refresh token. The answer is `access_token`,
 *   `refresh_token`, `user_id`, `client_id`, `expires_in` (3600), `expires`
 *   (epoch milliseconds), `scopes` (an array, no `scope`) and
 *   `token_type: "bearer"`; a client Lucid does not know is a 403
 *   (https://lucid.readme.io/reference/createorrefreshaccesstoken). A
 *   refresh answers a new pair and ends the old refresh token; a refresh
 *   token ends 180 days after it was issued
 *   (https://lucid.readme.io/reference/refreshing-the-access-token). Other
 *   refusals are RFC 6749 §5.2's here (not shown by Lucid).
 * - Revocation: `POST /oauth2/token/revoke`, a form of `client_id`,
 *   `client_secret` and `token`: every token of the grant ends, 200; a
 *   client Lucid does not know is a 403 here (401 in one copy of the
 *   reference), a token it does not know 200 as RFC 7009 §2.2 has it.
 * - API: every call needs `Lucid-Api-Version`
 *   (https://lucid.readme.io/reference/headers): without it a 400 here.
 *   `GET /users/me/profile` behind `user.profile` answers the Profile
 *   resource (`accountId`, `username`, `email`, `fullName`, `id`,
 *   `avatar`); `GET /documents/{id}` one document behind
 *   `lucid.document.content:readonly` (or `lucid.document.content`). A token
 *   the API does not take is a 401, a scope the grant lacks a 403 (bodies
 *   not shown by Lucid).
 * - removeApp() is the person (or a team admin) revoking the app's access
 *   in Lucid: its tokens stop working.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface LucidUser {
  /** The user's id, the subject. */
  id: number;
  accountId: number;
  username: string;
  fullName: string;
  email: string;
}

export interface LucidEmulator extends EmulatorHandle<LucidUser> {
  /** The app's access revoked in Lucid: none of its tokens works. */
  removeApp(user: LucidUser): void;
  /** The Lucid-Api-Version each API request sent (null: none), in order. */
  readonly apiVersions: ReadonlyArray<string | null>;
  /** Each revocation's form, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
}

const HOUR = 3600;
const DAY = 86_400;
const SCOPES = ['offline_access', 'user.profile', 'lucid.document.content', 'lucid.document.content:readonly', 'lucidchart.document.app', 'lucidchart.document.app.picker:readonly', 'folder', 'folder:readonly', 'account.info'];

/** The string members of a JSON object body as parameters (nothing when the body is not JSON). */
function jsonParameters(request: EmulatorRequest): URLSearchParams {
  const body = request.json();
  if (!body || typeof body !== 'object' || Array.isArray(body)) return new URLSearchParams();
  return new URLSearchParams(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export async function startLucidEmulator(options: EmulatorOptions): Promise<LucidEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<LucidUser>({ now, accessTokenTtl: HOUR, refreshPolicy: 'rotating', refreshTokenTtl: 180 * DAY, codeTtl: 300, prefixes: { access: 'oauth2-', refresh: 'oauth2-' } });
  const controls = emulatorControls<LucidUser>(server, grants);
  const apiVersions: Array<string | null> = [];
  const revocations: Array<Record<string, string>> = [];

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    responseType: false,
    refuse: (query) => {
      const asked = requestedScopes(query);
      return asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined;
    },
    request: (query) => ({ refreshToken: requestedScopes(query).includes('offline_access') }),
  });

  const forbidden = () => json(403, { error: 'invalid_client', error_description: 'The client credentials are invalid.' });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    parameters: jsonParameters,
    authenticates: (request) => credentialsIn(jsonParameters(request), options),
    errors: { client: forbidden },
    answer: ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        user_id: grant.user.id,
        client_id: options.clientId,
        expires_in: tokens.expiresIn,
        expires: (now() + (tokens.expiresIn ?? 0)) * 1000,
        scopes: grant.scope.split(' '),
        token_type: 'bearer',
      }),
  });

  server.route('POST', '/oauth2/token/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocations.push(Object.fromEntries(form));
    if (!credentialsIn(form, options)) return forbidden();
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request', 'The token is required.');
    const grant = grants.grantOfToken(token);
    if (grant) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  const apiGrant = (request: EmulatorRequest, scopes: string[]): Grant<LucidUser> | EmulatorReply => {
    const sent = request.headers['lucid-api-version'];
    const version = (Array.isArray(sent) ? sent[0] : sent) ?? null;
    apiVersions.push(version);
    if (!version) return json(400, { code: 'badRequest', message: 'The Lucid-Api-Version header is required.' });
    const grant = bearerGrant(grants, request, () => json(401, { code: 'unauthorized', message: 'Unauthorized' }));
    if (!isGrant(grant)) return grant;
    return grant.scope.split(' ').some((scope) => scopes.includes(scope)) ? grant : json(403, { code: 'forbidden', message: 'The token lacks the scope this endpoint needs.' });
  };

  server.route('GET', '/users/me/profile', (request) => {
    server.count('profile');
    const grant = apiGrant(request, ['user.profile']);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { accountId: user.accountId, username: user.username, email: user.email, fullName: user.fullName, id: user.id, avatar: { type: 'url', link: 'https://www.gravatar.com/avatar/00000000000000000000000000000000?s=200&d=404' } });
  });

  server.route('GET', '/documents/110808fe-c1b3-4a39-9f6a-6bc2a8d6d3b9', (request) => {
    server.count('document');
    const grant = apiGrant(request, ['lucid.document.content:readonly', 'lucid.document.content']);
    if (!isGrant(grant)) return grant;
    return json(200, { documentId: '110808fe-c1b3-4a39-9f6a-6bc2a8d6d3b9', title: 'Architecture', product: 'lucidchart', version: 12, pageCount: 2 });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    apiVersions,
    revocations,
  };
}
