/**
 * An emulator of Nylas v3's Hosted OAuth and of the part of its API a
 * connection touches (all on api.us.nylas.com, under /v3), written from
 * Nylas' API reference and guides:
 * - Authorize (https://developer.nylas.com/docs/reference/api/authentication-apis/get_oauth2_flow/):
 *   `GET /v3/connect/auth` with `client_id`, `redirect_uri`,
 *   `response_type=code`, `state`, optional `provider`, `scope` (the
 *   connector's when none is asked) and `access_type` (a refresh token only
 *   for `offline`), and PKCE
 *   (https://developer.nylas.com/docs/v3/auth/hosted-oauth-accesstoken/).
 * - Token (https://developer.nylas.com/docs/reference/api/authentication-apis/exchange_oauth2_token/):
 *   `POST /v3/connect/token`, JSON or a form, `client_id` and
 *   `client_secret` (the API key) in it; the answer is `access_token`,
 *   `token_type: "Bearer"`, `expires_in: 3600`, `refresh_token` (offline),
 *   `scope`, `id_token` (Nylas' JWT of the grant), `grant_id`, `email` and
 *   `provider`. A refresh answers a new access token and no refresh token:
 *   the one held stays valid until revoked
 *   (https://developer.nylas.com/docs/cookbook/use-cases/build/get-refresh-tokens/).
 *   Refusals are `{ error, error_description, error_uri, error_code }`.
 * - Revoke (https://developer.nylas.com/docs/reference/api/authentication-apis/revoke_oauth2_token_and_grant/):
 *   `POST /v3/connect/revoke?token=…` with the API key as Bearer ends the
 *   access token and the refresh token it came from; the grant stays. 200,
 *   or 400 for a token invalid or expired.
 * - Current grant (https://developer.nylas.com/docs/reference/api/manage-grants/get_grant_by_access_token/):
 *   `GET /v3/grants/me` with the access token answers `{ request_id, data }`,
 *   `data` the grant (`id`, `email`, `name`, `provider`, `grant_status`,
 *   `scope` as an array, `created_at`, `provider_user_id`).
 * - Calendars: `GET /v3/grants/me/calendars` answers `{ request_id, data }`.
 * One grant per e-mail address in the application: signing in again with the
 * same person re-authenticates the same grant id
 * (https://developer.nylas.com/docs/v3/auth/manage-grants/).
 * Made up here, as the pages read do not say them: the refusals' statuses
 * (400 `invalid_grant`, 401 `invalid_client`) and their texts, the pages for
 * an unknown client or redirect URI, `access_denied` for a person who
 * declines, the connector's scopes, and the API's 401 body for a token it
 * does not take.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey } from './kit/signing.js';
import { jsonOrForm, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface NylasUser {
  /** The id of the one grant Nylas keeps for this mailbox in the application, a UUID. */
  grantId: string;
  /** The person's mailbox, which Nylas keys its one grant per application by. */
  email: string;
  name: string;
}

export type NylasEmulator = EmulatorHandle<NylasUser>;

export const NYLAS_ACCESS_TOKEN_SECONDS = 3600;
/** The connector's scopes, granted when the authorization asks none. */
const CONNECTOR_SCOPES = 'https://www.googleapis.com/auth/calendar https://www.googleapis.com/auth/gmail.readonly';

const nylasError = (status: number, error: string, description: string): EmulatorReply =>
  json(status, { error, error_description: description, error_uri: 'https://accounts.nylas.io/#tag/Event-Codes', error_code: status === 401 ? 'AUTH_401' : 'AUTH_400' });

export async function startNylasEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<NylasEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<NylasUser>({ accessTokenTtl: NYLAS_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static' });
  const controls = emulatorControls<NylasUser>(server, grants);
  const key = await createSigningKey();

  authorizationEndpoint(server, '/v3/connect/auth', {
    client: options,
    grants,
    approver: controls.approver,
    // A refresh token only for access_type=offline.
    request: (query) => ({ scope: query.get('scope') || CONNECTOR_SCOPES, refreshToken: query.get('access_type') === 'offline' }),
  });

  tokenEndpoint(server, '/v3/connect/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    parameters: jsonOrForm,
    authenticates: (request) => credentialsIn(jsonOrForm(request), options),
    errors: {
      client: () => nylasError(401, 'invalid_client', 'Invalid client credentials'),
      refreshToken: () => nylasError(400, 'invalid_grant', 'Invalid refresh token'),
      code: () => nylasError(400, 'invalid_grant', 'Invalid or expired code'),
      grantType: () => nylasError(400, 'unsupported_grant_type', 'Unsupported grant type'),
    },
    // A refresh answers no refresh token (the grant store issues none under the static policy): the one held stays.
    answer: async ({ grant, tokens }) => {
      const grantId = grant.user.grantId;
      const idToken = await key.signIdToken({ iss: 'https://api.us.nylas.com', aud: options.clientId, sub: grantId, email: grant.user.email, name: grant.user.name, provider: 'google' });
      return json(200, { ...tokenMembers(tokens, grant.scope, 'Bearer'), id_token: idToken, grant_id: grantId, email: grant.user.email, provider: 'google' });
    },
  });

  server.route('POST', '/v3/connect/revoke', (request) => {
    server.count('revoke');
    if (request.bearer() !== options.clientSecret) return nylasError(401, 'unauthorized', 'Invalid API key');
    const token = request.url.searchParams.get('token') ?? '';
    const grant = grants.grantOfAccessToken(token);
    if (!grant) return nylasError(400, 'invalid_token', 'The token could not be revoked');
    grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  const authorized = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { request_id: crypto.randomUUID(), error: { type: 'unauthorized', message: 'Unauthorized' } }));

  server.route('GET', '/v3/grants/me', (request) => {
    server.count('grants_me');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      request_id: crypto.randomUUID(),
      data: { id: user.grantId, provider: 'google', grant_status: 'valid', email: user.email, name: user.name, scope: grant.scope.split(' '), created_at: 1_700_000_000, provider_user_id: '1234567890' },
    });
  });

  server.route('GET', '/v3/grants/me/calendars', (request) => {
    server.count('calendars');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    const grantId = grant.user.grantId;
    return json(200, { request_id: crypto.randomUUID(), data: [{ id: 'primary', grant_id: grantId, name: grant.user.email, is_primary: true, read_only: false, object: 'calendar' }] });
  });

  return controls.handle;
}
