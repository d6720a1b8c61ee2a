/**
 * An emulator of Notion's OAuth for public connections and the part of its
 * API the tests call, written from Notion's docs:
 * - authorization (https://developers.notion.com/docs/authorization):
 *   /v1/oauth/authorize with `client_id`, `redirect_uri`, `response_type=code`
 *   and `owner=user`; no scopes, no PKCE; a refusal comes back as
 *   `error=access_denied` with the `state`;
 * - the token endpoint (https://developers.notion.com/reference/create-a-token,
 *   https://developers.notion.com/reference/refresh-a-token): POST
 *   /v1/oauth/token, HTTP Basic with base64 of `client_id:client_secret` as
 *   they are, a JSON body, `Notion-Version` required; the answer
 *   `{ access_token, token_type: "bearer", refresh_token, bot_id,
 *   workspace_id, workspace_name, workspace_icon, owner: { type: "user",
 *   user }, duplicated_template_id, request_id }`, and on refresh a new access
 *   token and a new refresh token (the old one is refused after); no
 *   `expires_in`;
 * - errors `{ object: "error", status, code, message, additional_data }`
 *   (https://developers.notion.com/reference/status-codes): `invalid_json` for
 *   a body that is not JSON, `missing_version` without the header,
 *   `invalid_client` (401), `invalid_grant`, and `unauthorized` (401) from the
 *   API for a token it does not take;
 * - POST /v1/oauth/revoke (https://developers.notion.com/reference/revoke-token):
 *   Basic, JSON `{ token }`, `Notion-Version`; answers `{ request_id }`.
 *   Revoking the access token ends the connection here, its refresh token
 *   too (the docs say only that it revokes an access token);
 * - GET /v1/users/me (https://developers.notion.com/reference/get-self): the
 *   connection's bot user, with its owner.
 * The authorization page approves at once for signInAs()'s user.
 */
import { randomUUID } from 'node:crypto';
import { redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant, type IssuedTokens } from './kit/grants.js';
import { jsonOrForm, tokenEndpoint } from './kit/token-endpoint.js';

export interface NotionUser {
  id: string;
  name: string;
  email: string;
  workspaceId: string;
  workspaceName: string;
}

export interface NotionEmulator extends EmulatorHandle<NotionUser> {
  /** Ends one access token as Notion may (the grant and its refresh token stay): the API answers 401 `unauthorized`. */
  endAccessToken(accessToken: string): void;
}

function notionError(status: number, code: string, message: string): EmulatorReply {
  return json(status, { object: 'error', status, code, message, additional_data: {}, request_id: randomUUID() });
}

export async function startNotionEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<NotionEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<NotionUser>({ accessTokenTtl: null, refreshPolicy: 'rotating', prefixes: { access: 'ntn_', refresh: 'nrt_' } });
  const controls = emulatorControls<NotionUser>(server, grants);
  const bots = new Map<string, string>();
  const botOf = (grant: Grant<NotionUser>) => {
    let bot = bots.get(grant.id);
    if (!bot) bots.set(grant.id, (bot = randomUUID()));
    return bot;
  };

  server.route('GET', '/v1/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Missing or invalid client_id.</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid redirect_uri.</h1>');
    if (query.get('response_type') !== 'code' || query.get('owner') !== 'user') return html(400, '<h1>Invalid request.</h1>');
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: '', codeChallenge: undefined, codeChallengeMethod: undefined, user }) });
  });

  /** A request to an OAuth endpoint as Notion takes it: its refusal, or the JSON body. */
  const oauthRequest = (request: EmulatorRequest): { refused: EmulatorReply } | { body: Record<string, unknown> } => {
    if (!request.headers['notion-version']) return { refused: notionError(400, 'missing_version', 'Notion-Version header failed validation: Notion-Version header should be defined.') };
    const body = request.json();
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return { refused: notionError(400, 'invalid_json', 'Error parsing JSON body.') };
    // base64 of `client_id:client_secret` as they are (RFC 7617), not form-encoded first.
    const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!basic || Buffer.from(basic, 'base64').toString('utf8') !== `${options.clientId}:${options.clientSecret}`) return { refused: notionError(401, 'invalid_client', 'Invalid client.') };
    return { body: body as Record<string, unknown> };
  };

  const tokenAnswer = (grant: Grant<NotionUser>, tokens: IssuedTokens) =>
    json(200, {
      access_token: tokens.accessToken,
      token_type: 'bearer',
      refresh_token: tokens.refreshToken ?? null,
      bot_id: botOf(grant),
      workspace_name: grant.user.workspaceName,
      workspace_icon: null,
      workspace_id: grant.user.workspaceId,
      owner: { type: 'user', user: { object: 'user', id: grant.user.id, name: grant.user.name, avatar_url: null, type: 'person', person: { email: grant.user.email } } },
      duplicated_template_id: null,
      request_id: randomUUID(),
    });

  tokenEndpoint(server, '/v1/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => notionError(status, status === 503 ? 'service_unavailable' : 'internal_server_error', 'Notion is unavailable.') },
    authenticates: (request) => {
      const read = oauthRequest(request);
      return 'refused' in read ? read.refused : true;
    },
    // A JSON body, which oauthRequest has required.
    parameters: jsonOrForm,
    pkce: false,
    errors: {
      refreshToken: () => notionError(400, 'invalid_grant', 'Invalid refresh token.'),
      grantType: () => notionError(400, 'unsupported_grant_type', 'Unsupported grant type.'),
      code: () => notionError(400, 'invalid_grant', 'Invalid code.'),
    },
    answer: ({ grant, tokens }) => tokenAnswer(grant, tokens),
  });

  server.route('POST', '/v1/oauth/revoke', (request) => {
    server.count('revoke');
    const read = oauthRequest(request);
    if ('refused' in read) return read.refused;
    const { body } = read;
    const grant = typeof body.token === 'string' ? grants.grantOfAccessToken(body.token) : undefined;
    if (!grant) return notionError(400, 'invalid_grant', 'Invalid token.');
    grants.revokeGrant(grant.id);
    return json(200, { request_id: randomUUID() });
  });

  server.route('GET', '/v1/users/me', (request) => {
    server.count('users_me');
    if (!request.headers['notion-version']) return notionError(400, 'missing_version', 'Notion-Version header failed validation: Notion-Version header should be defined.');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return notionError(401, 'unauthorized', 'API token is invalid.');
    return json(200, {
      object: 'user',
      id: botOf(grant),
      type: 'bot',
      name: 'Tokenkeeper test',
      bot: { owner: { type: 'user', user: { object: 'user', id: grant.user.id, name: grant.user.name, type: 'person', person: { email: grant.user.email } } }, workspace_name: grant.user.workspaceName },
      request_id: randomUUID(),
    });
  });

  return {
    ...controls.handle,
    endAccessToken: (accessToken) => {
      grants.revokeAccessToken(accessToken);
    },
  };
}
