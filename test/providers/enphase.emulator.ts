/**
 * An emulator of Enphase's OAuth for API v4 applications and of the part of
 * the Monitoring API a connection touches (all on api.enphaseenergy.com),
 * written from Enphase's documentation
 * (https://developer-v4.enphase.com/docs/quickstart.html,
 * https://developer-v4.enphase.com/docs/release_notes) and the Monitoring
 * API's OpenAPI description:
 * - Authorize: `GET /oauth/authorize` with `response_type=code`, `client_id`
 *   and `redirect_uri`; no scope. The system owner approves and is sent back
 *   with `code` (and `state`, as RFC 6749 has it).
 * - Token: `POST /oauth/token`, the client as HTTP Basic (base64 of
 *   `client_id:client_secret` as it is); `grant_type` `authorization_code`
 *   (`redirect_uri`, `code`) or `refresh_token` (`refresh_token`), read from
 *   the query (as Enphase's examples send them) or the form. The answer is
 *   `access_token`, `token_type: "bearer"`, `refresh_token`, `expires_in`
 *   (a day), `scope: "read write"`, `enl_uid`, `enl_cid`,
 *   `enl_password_last_changed`, `is_internal_app`, `app_type` and `jti`.
 *   A refresh token lasts 30 days.
 * - API, the token as Bearer and the application's API key as the `key`
 *   query parameter: `GET /api/v4/systems` (`{ total, current_page, size,
 *   count, items: "systems", systems }`); 401 `{ message: "Not Authorized",
 *   details, code: 401 }` for a token it does not take or a key that is not
 *   the application's.
 * Made up here, as the pages do not say them: the token endpoint's refusals
 * (RFC 6749's `{ error, error_description }`, 401 `invalid_client` for a
 * wrong client), a refresh answering a new refresh token while the one used
 * still works until its end (the 'reissued' policy), the page for an unknown
 * client or redirect URI, `access_denied` for an owner who declines, and the
 * 401's `details` for a missing or wrong key. revokeAccess() is the owner
 * taking the application's access away in Enlighten: its tokens stop
 * working. There is no revocation endpoint. The authorization page approves
 * at once for signInAs()'s owner.
 */
import { randomUUID } from 'node:crypto';
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface EnphaseOwner {
  /** The Enlighten user id, digits. */
  enlUid: string;
  /** The owner's one system. */
  system: { systemId: number; name: string };
}

export interface EnphaseEmulatorOptions extends EmulatorOptions {
  /** The application's API key, which every API call must carry as `key`. */
  apiKey: string;
}

export interface EnphaseEmulator extends EmulatorHandle<EnphaseOwner> {
  /** The `key` each API call carried, in order (null: none). */
  readonly apiKeys: ReadonlyArray<string | null>;
  /** The owner takes the application's access away: every token of theirs stops working. */
  revokeAccess(owner: EnphaseOwner): void;
}

export const ENPHASE_ACCESS_TOKEN_SECONDS = 86_400;
export const ENPHASE_REFRESH_TOKEN_SECONDS = 30 * 86_400;

const notAuthorized = (details: string): EmulatorReply => json(401, { message: 'Not Authorized', details, code: 401 });

export async function startEnphaseEmulator(options: EnphaseEmulatorOptions): Promise<EnphaseEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<EnphaseOwner>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ENPHASE_ACCESS_TOKEN_SECONDS,
    refreshPolicy: 'reissued',
    refreshTokenTtl: ENPHASE_REFRESH_TOKEN_SECONDS,
  });
  const controls = emulatorControls<EnphaseOwner>(server, grants);
  const apiKeys: Array<string | null> = [];

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid client or redirect URI',
    pkce: false,
    request: () => ({ scope: 'read write' }),
  });

  /** The query, with the form's members after it: Enphase's examples send them in the query. */
  const parameters = (request: EmulatorRequest) => new URLSearchParams([...request.url.searchParams, ...request.form()]);

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options),
    parameters,
    pkce: false,
    answer: ({ grant, tokens }) =>
      json(200, {
        ...tokenMembers(tokens, grant.scope, 'bearer'),
        enl_uid: grant.user.enlUid,
        enl_cid: '5',
        enl_password_last_changed: '1638870641',
        is_internal_app: false,
        app_type: 'system',
        jti: randomUUID(),
      }),
  });

  server.route('GET', '/api/v4/systems', (request) => {
    server.count('systems');
    const key = request.url.searchParams.getAll('key');
    apiKeys.push(key.length === 0 ? null : key.join(','));
    const grant = bearerGrant(grants, request, () => notAuthorized('User is not authorized'));
    if (!isGrant(grant)) return grant;
    if (key.length !== 1 || key[0] !== options.apiKey) return notAuthorized('API Key -Client mismatch');
    const { system } = grant.user;
    return json(200, {
      total: 1,
      current_page: 1,
      size: 10,
      count: 1,
      items: 'systems',
      systems: [{ system_id: system.systemId, name: system.name, public_name: 'Residential System', timezone: 'America/Los_Angeles', status: 'normal' }],
    });
  });

  return {
    ...controls.handle,
    apiKeys,
    revokeAccess: (owner) => grants.revokeGrantsOf((someone) => someone.enlUid === owner.enlUid),
  };
}
