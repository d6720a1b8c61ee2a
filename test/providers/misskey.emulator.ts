/**
 * An emulator of one Misskey server (2023.9.0 or later) as its docs describe
 * OAuth 2.0 and the API (https://misskey-hub.net/en/docs/for-developers/api/token/oauth/,
 * https://misskey-hub.net/en/docs/for-developers/api/token/):
 * - `/.well-known/oauth-authorization-server`, the RFC 8414 metadata the docs
 *   send apps to first.
 * - `GET /oauth/authorize`: the client id is the URL of the app's page, whose
 *   one `redirect_uri` link is the callback; PKCE with `S256` is required, and
 *   `scope` must name known permissions. It approves at once for
 *   signInAs()'s user.
 * - `POST /oauth/token`, JSON or a form: a public client (its `client_id`, no
 *   secret, no Basic), the code with `redirect_uri`, `scope` and
 *   `code_verifier`, answered with `access_token`, `token_type` and `scope`:
 *   no expiry, no refresh token.
 * - The API, every call a POST of JSON with the token as Bearer or as the
 *   body's `i`: `/api/i`, the person, and `/api/notes/timeline` for the
 *   proxy. A call without a token is the docs' 401 CREDENTIAL_REQUIRED, one
 *   with a token the server does not know a 401 AUTHENTICATION_FAILED.
 * There is no revocation endpoint: the person revoking the app in their
 * settings (`revokeAccess`) ends its tokens.
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface MisskeyUser {
  /** The user's id at this server (an aid, ten lowercase letters and digits). */
  id: string;
  username: string;
  /** The display name; null when the person set none. */
  name: string | null;
}

export interface MisskeyEmulator extends EmulatorHandle<MisskeyUser> {
  /** The person revokes the app in their settings: every token of theirs stops working. */
  revokeAccess(user: MisskeyUser): void;
  /** The next /api/i request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The parameters of each code exchange, in order, as the server read them. */
  readonly tokenParameters: ReadonlyArray<URLSearchParams>;
}

/** The permissions this server knows, a few of misskey-js's list. */
const PERMISSIONS = new Set(['read:account', 'write:account', 'read:notifications', 'write:notes', 'read:drive']);

/** A Misskey API error: HTTP status and the `error` object with its code and id. */
function apiError(status: number, code: string, id: string, message: string): EmulatorReply {
  return json(status, { error: { message, code, id, kind: 'client' } });
}

const credentialRequired = () => apiError(401, 'CREDENTIAL_REQUIRED', '1384574d-a912-4b81-8601-c7b1c4085df1', 'Credential required.');
const authenticationFailed = () => apiError(401, 'AUTHENTICATION_FAILED', 'b0a7f5f8-dc2f-4171-b91f-de88ad238e14', 'Authentication failed. Please ensure your token is correct.');

export async function startMisskeyEmulator(options: Omit<EmulatorOptions, 'clientSecret' | 'now'>): Promise<MisskeyEmulator> {
  const server = await startEmulatorServer();
  const origin = server.origin;
  const grants = new GrantStore<MisskeyUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<MisskeyUser>(server, grants);
  const profileFailure = queuedFailure();
  const tokenParameters: URLSearchParams[] = [];

  server.route('GET', '/.well-known/oauth-authorization-server', () =>
    json(200, {
      issuer: origin,
      authorization_endpoint: `${origin}/oauth/authorize`,
      token_endpoint: `${origin}/oauth/token`,
      scopes_supported: [...PERMISSIONS],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      service_documentation: 'https://misskey-hub.net',
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    }),
  );

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Invalid client_id</h1>');
    // The redirect_uri must be the one the client id's page links to.
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid redirect_uri</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    if (!query.get('code_challenge') || query.get('code_challenge_method') !== 'S256') return reply({ error: 'invalid_request', error_description: '`code_challenge_method` parameter must be set as S256' });
    const asked = requestedScopes(query).filter((scope) => PERMISSIONS.has(scope));
    if (asked.length === 0) return reply({ error: 'invalid_scope', error_description: '`scope` parameter has no known scope' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode({ ...codeRequest(query, options, user), scope: asked.join(' ') }) });
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    parameters: jsonOrForm,
    authenticates: (request) => {
      const parameters = jsonOrForm(request);
      return parameters.get('client_id') === options.clientId && !parameters.has('client_secret') && request.headers.authorization === undefined;
    },
    // Misskey issues no refresh tokens.
    errors: { refreshToken: () => oauthError(400, 'unsupported_grant_type') },
    refuseCode: (parameters) => {
      tokenParameters.push(parameters);
      const missing = ['redirect_uri', 'scope', 'code_verifier'].find((name) => !parameters.get(name));
      return missing ? oauthError(400, 'invalid_request', `${missing} is missing`) : undefined;
    },
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'Bearer', scope: grant.scope }),
  });

  /** The grant of the call's token, sent as Bearer or as the body's `i`, else Misskey's 401. */
  const caller = (request: EmulatorRequest): Grant<MisskeyUser> | EmulatorReply => {
    const body = request.json();
    const token = request.bearer() ?? (body && typeof body === 'object' && typeof (body as { i?: unknown }).i === 'string' ? (body as { i: string }).i : null);
    if (!token) return credentialRequired();
    return grants.grantOfAccessToken(token) ?? authenticationFailed();
  };

  server.route('POST', '/api/i', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return apiError(status, 'INTERNAL_ERROR', '5d37dbcb-891e-41ca-a3d6-e690c97775ac', 'Internal error occurred. Please contact us if the error persists.');
    const grant = caller(request);
    if ('status' in grant) return grant;
    const { id, username, name } = grant.user;
    return json(200, {
      id,
      name,
      username,
      host: null,
      avatarUrl: `${origin}/identicon/${id}`,
      isBot: false,
      isCat: false,
      onlineStatus: 'online',
      createdAt: '2023-10-01T09:00:00.000Z',
      description: null,
      followersCount: 12,
      followingCount: 34,
      notesCount: 56,
      isLocked: false,
      isExplorable: true,
      twoFactorEnabled: false,
    });
  });

  server.route('POST', '/api/notes/timeline', (request) => {
    server.count('timeline');
    const grant = caller(request);
    if ('status' in grant) return grant;
    const body = request.json() as { limit?: unknown } | undefined;
    const limit = typeof body?.limit === 'number' ? body.limit : 10;
    const notes = [{ id: '9mq0sv7p2a', createdAt: '2026-12-01T08:00:00.000Z', userId: grant.user.id, text: 'Hello, fediverse', visibility: 'public' }];
    return json(200, notes.slice(0, limit));
  });

  return {
    ...controls.handle,
    revokeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenParameters,
  };
}
