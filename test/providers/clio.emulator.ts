/**
 * An emulator of Clio Manage's OAuth 2.0 (app.clio.com/oauth/authorize,
 * /oauth/token, /oauth/deauthorize) and of the part of its API v4 a
 * connection touches, written from Clio's developer documentation
 * (https://docs.developers.clio.com/api-docs/clio-manage/authorization/):
 * - Authorize: `GET /oauth/authorize` with the parameters in the query;
 *   with `redirect_on_decline=true` a person who declines comes back with
 *   `error=access_denied` (its description is this emulator's).
 * - Token: `POST /oauth/token`, a URL-encoded form with `client_id` and
 *   `client_secret`, for `authorization_code` (with the `redirect_uri` the
 *   authorization named) and `refresh_token`. The code exchange answers
 *   `token_type` "bearer", `access_token`, `expires_in` 2592000 (30 days)
 *   and `refresh_token`; a refresh answers a new access token and no
 *   refresh token: the refresh token does not expire and is reused until
 *   revoked (https://docs.developers.clio.com/faq/), the 'static' policy.
 *   Refusals are RFC 6749 §5.2's (Clio shows none).
 * - `GET /api/v4/users/who_am_i.json`: the user in `data`, with only `id`
 *   and `etag` unless `fields` names more
 *   (https://docs.developers.clio.com/api-docs/clio-manage/fields/).
 * - API: `GET /api/v4/matters.json`, the person's matters in `data` (its
 *   members here are this emulator's); a token it does not take is a 401.
 * - `POST /oauth/deauthorize` with the access token as Bearer ends the
 *   grant and answers 200 with no body; a `token` form member, when sent,
 *   must be that token.
 * The authorization page approves at once for signInAs()'s user.
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

export interface ClioUser {
  /** The user's id, a number. */
  id: number;
  name: string;
  email: string;
}

export interface ClioEmulator extends EmulatorHandle<ClioUser> {
  /** The person deauthorizes the application in Clio: every token of theirs stops working. */
  deauthorizeInClio(user: ClioUser): void;
  /** The next /users/who_am_i.json request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The `fields` query of each who_am_i request, in order. */
  readonly profileFields: ReadonlyArray<string | null>;
  /** The Authorization header of each deauthorization, in order. */
  readonly deauthorizations: ReadonlyArray<string | undefined>;
}

const ACCESS_TOKEN_TTL = 2_592_000;

const unauthorized = () => json(401, { error: { type: 'UnauthorizedError', message: 'Invalid access token (emulator wording)' } });

/** The members of `record` that `fields` names, `id` and `etag` when it names none. */
function withFields(record: Record<string, unknown>, fields: string | null): Record<string, unknown> {
  const names = fields ? fields.split(',').map((name) => name.trim()) : ['id', 'etag'];
  return Object.fromEntries(names.filter((name) => name in record).map((name) => [name, record[name]]));
}

export async function startClioEmulator(options: EmulatorOptions): Promise<ClioEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ClioUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'static' });
  const controls = emulatorControls<ClioUser>(server, grants);
  const profileFields: Array<string | null> = [];
  const deauthorizations: Array<string | undefined> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    denied: { error: 'access_denied', error_description: 'The user declined the application (emulator wording)' },
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ tokens }) => {
      const { scope: _none, ...members } = tokenMembers(tokens, undefined, 'bearer');
      return json(200, members);
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/api/v4/users/who_am_i.json', (request) => {
    server.count('profile');
    const fields = request.url.searchParams.get('fields');
    profileFields.push(fields);
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: { type: 'InternalServerError', message: 'Something went wrong' } });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { data: withFields({ id: user.id, etag: '"3e1a8c0d5b"', name: user.name, email: user.email, enabled: true }, fields) });
  });

  server.route('GET', '/api/v4/matters.json', (request) => {
    server.count('matters');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { data: [{ id: 1098524, etag: '"9bd2f1"', display_number: '00001-Lovelace' }], meta: { records: 1, paging: {} } });
  });

  server.route('POST', '/oauth/deauthorize', (request) => {
    server.count('revoke');
    deauthorizations.push(request.headers.authorization);
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const token = request.form().get('token');
    if (token !== null && `Bearer ${token}` !== request.headers.authorization) return json(400, { error: 'invalid_request' });
    grants.revokeGrant(grant.id);
    return { status: 200, headers: {}, body: '' };
  });

  return {
    ...controls.handle,
    deauthorizeInClio: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    profileFields,
    deauthorizations,
  };
}
