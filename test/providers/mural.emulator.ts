/**
 * An emulator of Mural's OAuth 2.0 (app.mural.co/api/public/v1/authorization/oauth2) and of the part of its public
 * API (app.mural.co/api/public/v1) a connection touches, written from Mural's developer pages and its own sample
 * clients:
 * - Authorize: `GET /api/public/v1/authorization/oauth2/` with `client_id`, `redirect_uri`, `response_type=code`,
 *   `state`, `scope` and an optional PKCE challenge (https://developers.mural.co/public/docs/oauth). A redirect URL
 *   not on the app's list is told on a page (https://developers.mural.co/public/docs/access-page), and so is a scope
 *   not ticked on the app, Mural's "Uh-oh" page
 *   (https://developers.mural.co/public/docs/basic-information-page): neither goes back to the app. A person who
 *   declines goes back with `error=access_denied` (assumed; Mural does not show it).
 * - Token: `POST /api/public/v1/authorization/oauth2/token`, the code, `redirect_uri`,
 *   `grant_type=authorization_code` and the PKCE verifier; refresh: `POST …/oauth2/refresh` (the Refresh Token URL,
 *   where Mural's api-oauth sample sends refresh tokens), whose answer is a new access token and a new refresh
 *   token (https://developers.mural.co/public/docs/oauth): the spent one is refused after. The client as HTTP Basic
 *   or in the body, as Mural's own clients send it (https://github.com/muralco/api-oauth,
 *   https://github.com/MuralDevKit/mural-integrations-sdk). Answers are RFC 6749 §5.1's, access tokens for 15
 *   minutes, and refusals §5.2's (not shown by Mural).
 * - API, the token as Bearer, answers in Mural's envelope `{ value }`: `GET /users/me` (scope `identity:read`) the
 *   user (`id`, `firstName`, `lastName`, `email`, `avatar`, `type`, `createdOn`, `lastActiveWorkspace`, as the SDK
 *   has it), `GET /workspaces` (scope `workspaces:read`) the person's workspaces, the proxied call
 *   (https://developers.mural.co/public/reference/getcurrentmember). Refusals are `{ code, message }`: 401
 *   `TOKEN_EXPIRED` for an access token past its time, 401 `UNAUTHORIZED` for one it does not take or without the
 *   scope (https://developers.mural.co/public/docs/error-codes).
 * - removeApp() is the person removing the app from their account: every token of theirs stops working. Mural
 *   documents no revocation endpoint.
 * The authorization page approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { tokenEndpoint, tokenMembers, type TokenEndpointOptions } from './kit/token-endpoint.js';

export interface MuralUser {
  /** Mural's user id. */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  workspace: { id: string; name: string };
}

export interface MuralEmulator extends EmulatorHandle<MuralUser> {
  /** The person removes the app from their Mural account: every token of theirs stops working. */
  removeApp(user: MuralUser): void;
  /** Mural stops taking this access token before its time (its refresh token stays). */
  endAccessToken(accessToken: string): void;
}

const OAUTH = '/api/public/v1/authorization/oauth2';
const ACCESS_TOKEN_TTL = 15 * 60;
/** The scopes ticked on the emulated app. */
const APP_SCOPES = ['identity:read', 'workspaces:read', 'rooms:read', 'murals:read', 'murals:write'];

const refusal = (code: string, message: string): EmulatorReply => json(401, { code, message });

export async function startMuralEmulator(options: EmulatorOptions): Promise<MuralEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<MuralUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    prefixes: { access: 'mural_at_', refresh: 'mural_rt_' },
  });
  const controls = emulatorControls<MuralUser>(server, grants);

  // As the kit's authorization endpoint, but a scope not ticked on the app is Mural's "Uh-oh" page, not sent back.
  server.route('GET', `${OAUTH}/`, (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Invalid client_id</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>The redirect URL is not allowed for this app</h1>');
    if (requestedScopes(query).some((scope) => !APP_SCOPES.includes(scope))) return html(400, '<h1>Uh-oh! Something went wrong</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const user = controls.approver();
    return reply(user ? { code: grants.issueCode(codeRequest(query, options, user)) } : { error: 'access_denied' });
  });

  const oauth: Omit<TokenEndpointOptions<MuralUser>, 'answer'> = { client: options, grants, failure: { queued: controls.tokenFailure } };
  const answer: TokenEndpointOptions<MuralUser>['answer'] = ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'bearer'));
  tokenEndpoint(server, `${OAUTH}/token`, { ...oauth, answer });
  tokenEndpoint(server, `${OAUTH}/refresh`, { ...oauth, counter: 'refresh_request', answer });

  /** The grant behind the request's Bearer token when it holds `scope`; else Mural's 401. */
  const authorized = (request: EmulatorRequest, scope: string): Grant<MuralUser> | EmulatorReply => {
    const token = request.bearer() ?? '';
    const grant = grants.grantOfAccessToken(token);
    if (!grant) {
      const issued = grants.grantOfToken(token);
      return issued && !issued.revoked ? refusal('TOKEN_EXPIRED', 'Your token has expired.') : refusal('UNAUTHORIZED', 'The access token is not valid.');
    }
    return grant.scope.split(' ').includes(scope) ? grant : refusal('UNAUTHORIZED', `This endpoint requires the ${scope} scope.`);
  };

  server.route('GET', '/api/public/v1/users/me', (request) => {
    server.count('users_me');
    const grant = authorized(request, 'identity:read');
    if ('status' in grant) return grant;
    const { id, firstName, lastName, email, workspace } = grant.user;
    return json(200, { value: { id, firstName, lastName, email, avatar: `https://app.mural.test/avatars/${id}.png`, type: 'member', createdOn: 1_700_000_000_000, lastActiveWorkspace: workspace.id } });
  });

  server.route('GET', '/api/public/v1/workspaces', (request) => {
    server.count('workspaces');
    const grant = authorized(request, 'workspaces:read');
    if ('status' in grant) return grant;
    return json(200, { value: [grant.user.workspace] });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    endAccessToken: (accessToken) => {
      grants.revokeAccessToken(accessToken);
    },
  };
}
