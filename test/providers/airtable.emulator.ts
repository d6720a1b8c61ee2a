/**
 * An emulator of Airtable's OAuth integrations (airtable.com/oauth2/v1) and
 * of the part of its Web API (api.airtable.com/v0) that a connection touches,
 * written from Airtable's documentation:
 * - OAuth (https://airtable.com/developers/web/api/oauth-reference):
 *   `GET /oauth2/v1/authorize` with `client_id`, `redirect_uri`,
 *   `response_type=code`, `scope` (space-separated, at least one, each one the
 *   integration registered), `state`, and a PKCE `code_challenge` with
 *   `code_challenge_method=S256`; a request it refuses goes back to the
 *   redirect URI with `error` (`invalid_request`, `invalid_scope`,
 *   `access_denied`). `POST /oauth2/v1/token` with `Authorization: Basic`
 *   base64(client_id:client_secret) for an integration with a secret (the id
 *   and secret as they are: https://github.com/Airtable/oauth-example), the
 *   `code_verifier`, and `client_id` in the body optional beside the header.
 *   Access tokens of 60 minutes; each refresh answers a new refresh token
 *   (`refresh_expires_in`: 60 days) and the one used stops working. No
 *   revocation endpoint is documented, so none is emulated.
 * - Get user info (https://airtable.com/developers/web/api/get-user-id-scopes):
 *   `GET /v0/meta/whoami` answers `id`, `email` with `user.email:read`, and
 *   `scopes` for an OAuth token; no scope is needed.
 * - Records (https://airtable.com/developers/web/api/list-records):
 *   `GET /v0/{baseId}/{tableIdOrName}` with `data.records:read`, answered
 *   `{ records: [{ id, createdTime, fields }] }`.
 * - Errors: a token the API does not take is 401
 *   `{"error": {"type": "AUTHENTICATION_REQUIRED", "message": …}}`; a missing
 *   scope 403 `INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND`
 *   (https://airtable.com/developers/web/api/errors).
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface AirtableUser {
  /** The Airtable user id, `usr…`. */
  id: string;
  email: string;
}

export interface AirtableEmulatorOptions extends EmulatorOptions {
  /** The scopes the integration registered (default: those the preset asks for, and data.records:write). */
  registeredScopes?: string[];
}

export type AirtableEmulator = EmulatorHandle<AirtableUser>;

const ACCESS_TOKEN_TTL = 60 * 60;
const REFRESH_TOKEN_TTL = 60 * 86_400;

export async function startAirtableEmulator(options: AirtableEmulatorOptions): Promise<AirtableEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<AirtableUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
  });
  const controls = emulatorControls<AirtableUser>(server, grants);
  const registered = new Set(options.registeredScopes ?? ['data.records:read', 'data.records:write', 'schema.bases:read', 'user.email:read']);

  authorizationEndpoint(server, '/oauth2/v1/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid OAuth request',
    refuse: (query) => {
      if (!query.get('code_challenge') || query.get('code_challenge_method') !== 'S256') return { error: 'invalid_request', error_description: 'code_challenge and code_challenge_method=S256 are required' };
      const scopes = requestedScopes(query);
      return scopes.length === 0 || scopes.some((scope) => !registered.has(scope)) ? { error: 'invalid_scope' } : undefined;
    },
    denied: { error: 'access_denied', error_description: 'The user denied the request' },
  });

  /** Basic with `client_id:client_secret` as they are; a `client_id` in the body must be the same client. */
  const isClient = (request: EmulatorRequest): boolean => {
    const match = /^Basic (.+)$/i.exec(request.headers.authorization ?? '');
    const bodyId = request.form().get('client_id');
    return match !== null && Buffer.from(match[1]!, 'base64').toString('utf8') === `${options.clientId}:${options.clientSecret}` && (bodyId === null || bodyId === options.clientId);
  };

  const answer = (grant: Grant<AirtableUser>, tokens: { accessToken: string; refreshToken: string | undefined }): EmulatorReply =>
    json(200, { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, token_type: 'Bearer', scope: grant.scope, expires_in: ACCESS_TOKEN_TTL, refresh_expires_in: REFRESH_TOKEN_TTL });

  tokenEndpoint(server, '/oauth2/v1/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: isClient,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Invalid refresh token'),
      code: () => oauthError(400, 'invalid_grant', 'Invalid or expired authorization code'),
    },
    answer: ({ grant, tokens }) => answer(grant, tokens),
  });

  const unauthorized = (): EmulatorReply => json(401, { error: { type: 'AUTHENTICATION_REQUIRED', message: 'Authentication required' } });

  server.route('GET', '/v0/meta/whoami', (request) => {
    server.count('whoami');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return unauthorized();
    const scopes = grant.scope.split(' ');
    return json(200, { id: grant.user.id, ...(scopes.includes('user.email:read') ? { email: grant.user.email } : {}), scopes });
  });

  server.route('GET', '/v0/:baseId/:table', (request) => {
    server.count('list_records');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return unauthorized();
    if (!grant.scope.split(' ').includes('data.records:read')) {
      return json(403, { error: { type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', message: 'Invalid permissions, or the requested model was not found. Check that both your user and your token have the required permissions, and that the model names and/or ids are correct.' } });
    }
    return json(200, { records: [{ id: 'recA1b2C3d4E5f6G7', createdTime: '2026-11-30T09:00:00.000Z', fields: { Name: `${request.params.table} of ${request.params.baseId}` } }] });
  });

  return controls.handle;
}
