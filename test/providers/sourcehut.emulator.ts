/**
 * An emulator of meta.sr.ht, SourceHut's accounts and OAuth 2.0 service, and of its GraphQL API, the parts a
 * connection touches, written from SourceHut's pages (https://man.sr.ht/meta.sr.ht/oauth.md,
 * https://man.sr.ht/graphql.md, https://docs.sourcehut.org/meta.sr.ht/) and, where they say nothing, from
 * meta.sr.ht's code (https://git.sr.ht/~sircmpwn/meta.sr.ht) and its shared API code
 * (https://git.sr.ht/~sircmpwn/core-go):
 * - Authorize: `GET /oauth2/authorize` with `client_id`, `response_type=code`, `scope` (a space-separated list of
 *   `service/SCOPE:ACCESS` grants, required) and `state`. A missing or unknown `client_id`, or a `redirect_uri` that
 *   is not the client's registered one (it may be left out), is told on SourceHut's own page; past them, errors go
 *   back to the registered redirect URI with `error_description`, `error_uri` and `state`: `unsupported_response_type`,
 *   `invalid_scope` (none asked, or a grant of a service or scope it does not know), `access_denied` when the person
 *   refuses. No PKCE is read.
 * - Token: `POST /oauth2/access-token`, whose content type must be `application/x-www-form-urlencoded` exactly; the
 *   client by Basic or in the form, not both (400 `invalid_client`), none being a 401 `invalid_client`; only
 *   `grant_type=authorization_code` (a refresh is `unsupported_grant_type`). A code unknown or spent, a wrong client
 *   secret or another `redirect_uri` are each 400 `invalid_grant` "The access grant was denied.". The answer is
 *   `access_token`, `token_type: "bearer"`, `expires_in` and `scope` (the grants), no refresh token; the grant lasts
 *   366 days, but `expires_in` is the seconds part of the time left, without its days (86399).
 * - GraphQL: `POST /query` with a JSON `{ query }` and the token as Bearer: `me` (`id`, `username`, `email`, `url`,
 *   `location`, `canonicalName`) and `version`. No Authorization is a 401; a token it does not take (unknown,
 *   ended, revoked) a 403, each `{ errors: [{ message: "Authentication error: …" }] }`; a query it cannot read a 422
 *   with its GraphQL error.
 * The person revokes the client's access on meta.sr.ht's OAuth page (`revokeApp`); there is no revocation
 * endpoint. The authorization page approves at once for signInAs()'s person.
 */
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface SourceHutUser {
  /** The user's id, a number. */
  id: number;
  /** The username, `~username` as the canonical name. */
  username: string;
  email: string;
}

export interface SourceHutEmulator extends EmulatorHandle<SourceHutUser> {
  /** The person revokes the client's access on meta.sr.ht's OAuth page: their tokens stop working. */
  revokeApp(user: SourceHutUser): void;
}

const GRANT_DAYS = 366;
const ERROR_URI = 'https://man.sr.ht/meta.sr.ht/oauth.md';
/** The services and scopes a grant may name, `service/SCOPE:RO` or `:RW` (meta.sr.ht's and git.sr.ht's here). */
const SCOPES: Record<string, readonly string[]> = {
  'meta.sr.ht': ['AUDIT_LOG', 'BILLING', 'PGP_KEYS', 'SSH_KEYS', 'PROFILE'],
  'git.sr.ht': ['PROFILE', 'REPOSITORIES', 'OBJECTS', 'ACLS'],
};

function knownGrant(grant: string): boolean {
  const match = /^([a-z]+\.sr\.ht)\/([A-Z_]+)(?::(RO|RW))?$/.exec(grant);
  return match !== null && (SCOPES[match[1]!]?.includes(match[2]!) ?? false);
}

const tokenError = (status: number, error: string, description: string): EmulatorReply => json(status, { error, error_description: description, error_uri: ERROR_URI });
const DENIED = () => tokenError(400, 'invalid_grant', 'The access grant was denied.');
const authError = (status: number, reason: string): EmulatorReply => json(status, { errors: [{ message: `Authentication error: ${reason}` }] });

/** The client's id and secret as meta.sr.ht reads them: Basic (each percent-decoded) or the form, never both. */
function clientOf(request: EmulatorRequest): { clientId: string; clientSecret: string } | EmulatorReply {
  const form = request.form();
  const authorization = request.headers.authorization;
  if (authorization && (form.has('client_id') || form.has('client_secret'))) return tokenError(400, 'invalid_client', 'Cannot supply both client_id & client_secret and Authorization header');
  if (authorization) {
    const [scheme, encoded, ...rest] = authorization.split(' ');
    const decoded = scheme === 'Basic' && encoded && rest.length === 0 ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 0) return tokenError(400, 'invalid_client', 'Invalid Authorization header');
    return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  if (!clientId || !clientSecret) return tokenError(401, 'invalid_client', 'Missing client authorization');
  return { clientId, clientSecret };
}

export async function startSourceHutEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<SourceHutEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SourceHutUser>({ accessTokenTtl: GRANT_DAYS * 86_400, refreshPolicy: 'none', codeTtl: 300, prefixes: { access: 'AI+ym2EAAAAAAAAI' } });
  const controls = emulatorControls<SourceHutUser>(server, grants);

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (!query.get('client_id')) return html(400, '<h1>invalid_request</h1><p>The client_id parameter is required</p>');
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>invalid_request</h1><p>Invalid client ID</p>');
    if (query.has('redirect_uri') && query.get('redirect_uri') !== options.redirectUri) return html(400, "<h1>invalid_request</h1><p>The redirect_uri parameter doesn't match the registered client's</p>");
    const back = redirectBack(options.redirectUri, query, { error_uri: ERROR_URI });
    const reply = (error: string, description: string) => back({ error, error_description: description });
    if (query.get('response_type') !== 'code') return reply('unsupported_response_type', "The response_type parameter must be set to 'code'");
    const asked = requestedScopes(query);
    if (asked.length === 0) return reply('invalid_scope', 'The scope parameter is required');
    const unknown = asked.find((grant) => !knownGrant(grant));
    if (unknown) return reply('invalid_scope', `Invalid grant ${unknown}; expected service/scope:access`);
    const user = controls.approver();
    if (!user) return reply('access_denied', 'The resource owner denied the request.');
    const scope = asked.map((grant) => (grant.includes(':') ? grant : `${grant}:RO`)).join(' ');
    const code = grants.issueCode({ clientId: options.clientId, redirectUri: undefined, scope, codeChallenge: undefined, codeChallengeMethod: undefined, user });
    return redirectBack(options.redirectUri, query)({ code });
  });

  tokenEndpoint(server, '/oauth2/access-token', {
    client: options,
    grants,
    screen: (request) => {
      if (request.headers['content-type'] !== 'application/x-www-form-urlencoded') return tokenError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
      const client = clientOf(request);
      if ('status' in client) return client;
      const form = request.form();
      const grantType = form.get('grant_type');
      if (!grantType) return tokenError(400, 'invalid_request', 'The grant_type parameter is required');
      if (grantType !== 'authorization_code') return tokenError(400, 'unsupported_grant_type', `Unsupported grant type '${grantType}'`);
      if (!form.get('code')) return tokenError(400, 'invalid_request', 'The code parameter is required');
      return undefined;
    },
    failure: { queued: controls.tokenFailure },
    // The secret is checked with the code, and refused as the code is (meta.sr.ht's issueOAuthGrant).
    authenticates: (request) => {
      const client = clientOf(request) as { clientSecret: string };
      return client.clientSecret === options.clientSecret || DENIED();
    },
    pkce: false,
    refuseCode: (form) => (form.has('redirect_uri') && form.get('redirect_uri') !== options.redirectUri ? DENIED() : undefined),
    errors: { code: DENIED },
    // `(expires - now).seconds` of a grant just issued: one second short of whole days, so 86399 (Python's timedelta).
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'bearer', expires_in: (tokens.expiresIn! - 1) % 86_400, scope: grant.scope }),
  });

  server.route('POST', '/query', (request) => {
    server.count('graphql');
    if (!request.headers.authorization) return authError(401, "Authorization header is required. Expected 'Authorization: Bearer [token]'");
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return authError(403, 'Invalid or expired OAuth 2.0 bearer token');
    const body = request.json() as { query?: unknown } | undefined;
    const query = typeof body?.query === 'string' ? body.query : '';
    const asks = (field: string) => new RegExp(`\\b${field}\\b`).test(query);
    const data: Record<string, unknown> = {};
    if (asks('me')) {
      server.count('me');
      const { user } = grant;
      const me: Record<string, unknown> = { id: user.id, username: user.username, email: user.email, url: null, location: 'Ghent', canonicalName: `~${user.username}` };
      data.me = Object.fromEntries(Object.entries(me).filter(([field]) => asks(field)));
    }
    if (asks('version')) data.version = { major: 0, minor: 48, patch: 2 };
    if (Object.keys(data).length === 0) return json(422, { errors: [{ message: 'Unexpected <EOF>', locations: [{ line: 1, column: 2 }], extensions: { code: 'GRAPHQL_PARSE_FAILED' } }], data: null });
    return json(200, { data });
  });

  return {
    ...controls.handle,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
