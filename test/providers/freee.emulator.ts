/**
 * An emulator of freee's OAuth 2.0 (accounts.secure.freee.co.jp/public_api/authorize, /public_api/token,
 * /public_api/revoke) and of the part of its accounting API a connection touches, written from freee's pages
 * (https://developer.freee.co.jp/reference/認可コード, https://developer.freee.co.jp/reference/faq/token_lifetime,
 * https://developer.freee.co.jp/tips/faq/40x-checkpoint) and its published spec (https://github.com/freee/freee-api-schema):
 * - Authorize: `GET /public_api/authorize` with `response_type=code`, the app's `client_id`, its callback as
 *   `redirect_uri`, `state` and `prompt=select_company`; the person picks a company and approves, and a code comes
 *   back with the state.
 * - Token: `POST /public_api/token`, a form with `client_id` and `client_secret`; JSON with `access_token`,
 *   `token_type: "bearer"`, `expires_in` (21600), `refresh_token`, `scope` (`read write`) and the picked company's
 *   `company_id` and `external_cid`. A refresh token serves once: each refresh answers a new one, and the spent one
 *   is refused with a 401, as is any refresh after the access token it came with was revoked.
 * - API: the token as Bearer; `GET /api/1/users/me` answers `{ user }` (`id`, `email`, `display_name`, `first_name`,
 *   `last_name`, the kana names); `GET /api/1/companies` the person's companies. A token the API does not take is a
 *   401 in freee's common error shape with the `expired_access_token` message.
 * - Revoke: `POST /public_api/revoke` with `token` (and `token_type_hint`); either token ends the pair.
 * Made up here (freee's pages do not say): the client checked in the revocation form and a 200 `{}` answer; the
 * refusals' bodies as RFC 6749 §5.2's bare `error`; a declined authorization (`access_denied`); the pages for an
 * unknown client or callback. removeApp() is the person removing the app's access in freee. The authorization page
 * approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface FreeeUser {
  /** The user ID, an integer from 1. */
  id: number;
  firstName: string;
  lastName: string;
  email: string;
}

export interface FreeeEmulator extends EmulatorHandle<FreeeUser> {
  /** The person removes the app's access in freee: every token of theirs stops working. */
  removeApp(user: FreeeUser): void;
  /** The next /api/1/users/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each authorization request's query, in order. */
  readonly authorizations: ReadonlyArray<URLSearchParams>;
  /** Each token request's form, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
  /** Each revocation's form, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
}

/** freee's access tokens last 6 hours. */
export const FREEE_ACCESS_TOKEN_SECONDS = 21600;
/** The company the person picks on the authorization page. */
export const FREEE_COMPANY = { id: 1234567, externalCid: '3456789012', name: 'フリー株式会社' };

const unauthorized = () => json(401, { status_code: 401, errors: [{ type: 'status', messages: ['アクセスする権限がありません'] }] });

export async function startFreeeEmulator(options: EmulatorOptions): Promise<FreeeEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<FreeeUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: FREEE_ACCESS_TOKEN_SECONDS, refreshTokenTtl: 90 * 86400, refreshPolicy: 'rotating' });
  const controls = emulatorControls<FreeeUser>(server, grants);
  const authorizations: URLSearchParams[] = [];
  const tokenForms: URLSearchParams[] = [];
  const revocations: Array<Record<string, string>> = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/public_api/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      authorizations.push(new URLSearchParams(query));
      return undefined;
    },
  });

  tokenEndpoint(server, '/public_api/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    // A spent (or revoked) refresh token is a 401 (https://developer.freee.co.jp/reference/faq/token_lifetime).
    errors: { refreshToken: () => oauthError(401, 'invalid_grant') },
    answer: ({ tokens }) => json(200, { ...tokenMembers(tokens, 'read write', 'bearer'), company_id: FREEE_COMPANY.id, external_cid: FREEE_COMPANY.externalCid }),
  });

  server.route('POST', '/public_api/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocations.push(Object.fromEntries(form));
    if (!formCredentials(request, options)) return oauthError(401, 'invalid_client');
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    // An access token and its refresh token are one pair: revoking either ends both.
    const grant = grants.grantOfToken(token);
    if (grant) grants.revokeGrant(grant.id);
    return json(200, {});
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/api/1/users/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { status_code: status, errors: [{ type: 'status', messages: ['システム内でエラーが発生しました。'] }] });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      user: {
        id: user.id,
        email: user.email,
        display_name: `${user.lastName} ${user.firstName}`,
        first_name: user.firstName,
        last_name: user.lastName,
        first_name_kana: null,
        last_name_kana: null,
      },
    });
  });

  server.route('GET', '/api/1/companies', (request) => {
    server.count('companies');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { companies: [{ id: FREEE_COMPANY.id, name: FREEE_COMPANY.name, name_kana: 'フリーカブシキガイシャ', display_name: FREEE_COMPANY.name, company_number: FREEE_COMPANY.externalCid, role: 'admin' }] });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    authorizations,
    tokenForms,
    revocations,
  };
}
