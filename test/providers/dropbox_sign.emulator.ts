/**
 * An emulator of Dropbox Sign's OAuth 2.0 (app.hellosign.com) and of the part
 * of its API v3 (api.hellosign.com/v3) a connection touches, written from its
 * OAuth walkthrough (https://developers.hellosign.com/docs/oauth/walkthrough)
 * and its OpenAPI document (https://github.com/hellosign/hellosign-openapi,
 * openapi.yaml and examples/):
 * - Authorize: `GET /oauth/authorize` with `response_type=code`, `client_id`
 *   and `state`, back to the app's callback with `state` and `code`; the
 *   scopes are the app's settings (here `basic_account_info
 *   request_signature`), no PKCE. A person who declines comes back with RFC
 *   6749's `error=access_denied` (Dropbox Sign shows no wording).
 * - Token: `POST /oauth/token`, a JSON body with `client_id`,
 *   `client_secret`, `code`, `grant_type` and `state` (all required: an
 *   exchange without `state` is refused), answered `access_token`,
 *   `token_type: "Bearer"`, `refresh_token`, `expires_in` and the `state`
 *   sent. A refresh is `POST /oauth/token?refresh` with `grant_type`,
 *   `refresh_token`, `client_id` and `client_secret`, answered
 *   `access_token`, `expires_in`, the same `refresh_token` and `token_type`
 *   (its example's members; the 'static' policy). Access tokens live an hour
 *   ("typically one hour"; the examples show 86400). Refusals are 4XX
 *   ErrorResponses, `{ error: { error_msg, error_name } }`: a client it does
 *   not know 401 `unauthorized` (Error401Response's words), a code or refresh
 *   token it does not take, or a missing member, 400 `bad_request` (the name
 *   Error400Response uses; the message here is the emulator's).
 * - `GET /v3/account`: `{ account: { account_id, email_address, is_locked,
 *   is_paid_hs, is_paid_hf, quotas, callback_url, role_code, locale } }`
 *   (AccountGetResponse). `GET /v3/signature_request/list`, the person's
 *   signature requests with `list_info` (their members here are the
 *   emulator's). A token the API does not take is Error401Response.
 * There is no revocation endpoint: the person removes the app in their
 * Dropbox Sign settings (`removeApp`), which ends its tokens. The
 * authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { jsonOrForm, tokenEndpoint } from './kit/token-endpoint.js';

export interface DropboxSignUser {
  /** The account id, 40 hexadecimal digits. */
  accountId: string;
  emailAddress: string;
}

/** A token request as Dropbox Sign read it: its query and parameters, and the body's content type. */
export interface DropboxSignTokenRequest {
  readonly search: string;
  readonly parameters: URLSearchParams;
  readonly contentType: string | undefined;
}

export interface DropboxSignEmulator extends EmulatorHandle<DropboxSignUser> {
  /** The person removes the app in their Dropbox Sign settings: every token of theirs stops working. */
  removeApp(user: DropboxSignUser): void;
  /** The next /v3/account request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** Each token request, in order. */
  readonly tokenRequests: ReadonlyArray<DropboxSignTokenRequest>;
}

const ACCESS_TOKEN_TTL = 3600;
/** The scopes chosen on the emulated API app's settings page, which every grant gets. */
const APP_SCOPES = 'basic_account_info request_signature';

const errorResponse = (status: number, errorName: string, errorMsg: string) => json(status, { error: { error_msg: errorMsg, error_name: errorName } });
const unauthorized = () => errorResponse(401, 'unauthorized', 'Unauthorized user. No credentials supplied.');

export async function startDropboxSignEmulator(options: EmulatorOptions): Promise<DropboxSignEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<DropboxSignUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'static' });
  const controls = emulatorControls<DropboxSignUser>(server, grants);
  const tokenRequests: DropboxSignTokenRequest[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    request: () => ({ scope: APP_SCOPES }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    parameters: jsonOrForm,
    authenticates: (request) => {
      const parameters = jsonOrForm(request);
      tokenRequests.push({ search: request.url.search, parameters, contentType: request.headers['content-type'] });
      return credentialsIn(parameters, options);
    },
    pkce: false,
    errors: {
      client: unauthorized,
      code: () => errorResponse(400, 'bad_request', 'The code is not valid for this app (emulator wording)'),
      refreshToken: () => errorResponse(400, 'bad_request', 'The refresh token is not valid (emulator wording)'),
      grantType: () => errorResponse(400, 'bad_request', 'Unsupported grant_type (emulator wording)'),
    },
    refuseCode: (parameters) => (parameters.get('state') ? undefined : errorResponse(400, 'bad_request', 'Missing parameter: state (emulator wording)')),
    answer: ({ grantType, tokens, form }) =>
      grantType === 'refresh_token'
        ? json(200, { access_token: tokens.accessToken, expires_in: tokens.expiresIn, refresh_token: form.get('refresh_token'), token_type: 'Bearer' })
        : json(200, { access_token: tokens.accessToken, token_type: 'Bearer', refresh_token: tokens.refreshToken, expires_in: tokens.expiresIn, state: form.get('state') }),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/v3/account', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return errorResponse(status, 'internal_error', 'Something went wrong (emulator wording)');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      account: {
        account_id: user.accountId,
        email_address: user.emailAddress,
        is_locked: false,
        is_paid_hs: true,
        is_paid_hf: false,
        quotas: { api_signature_requests_left: 1250, documents_left: null, templates_left: null, sms_signatures_left: 1 },
        callback_url: null,
        role_code: null,
        locale: 'en-US',
      },
    });
  });

  server.route('GET', '/v3/signature_request/list', (request) => {
    server.count('signature_requests');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, {
      list_info: { page: 1, num_pages: 1, num_results: 1, page_size: 20 },
      signature_requests: [{ signature_request_id: 'fa5c8a0b0f492d768749333ad6fcc214c111e967', title: 'NDA with Acme Co.', is_complete: false, requester_email_address: grant.user.emailAddress }],
    });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.accountId === user.accountId),
    failNextProfile: profileFailure.queue,
    tokenRequests,
  };
}
