/**
 * An emulator of SurveyMonkey's OAuth (api.surveymonkey.com/oauth) and of
 * the part of its API v3 a connection touches, written from SurveyMonkey's
 * API docs (https://developer.surveymonkey.com/api/v3/: "Authentication",
 * "Scopes", "Access URL", "Users and Teams", "Error Codes"):
 * - Authorize: `GET /oauth/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (the one registered) and `state`; no scope
 *   parameter: the grant is the scopes set on the app (`appScopes`). A
 *   person who declines goes back with `error=access_denied` and
 *   `error_description=Resource owner canceled the request`. An unknown
 *   client or redirect URI is told on a page (not documented).
 * - Token: `POST /oauth/token`, a form of `client_id`, `client_secret`,
 *   `code`, `redirect_uri` and `grant_type=authorization_code`; a code is
 *   good once, for 5 minutes, and takes no PKCE verifier. The answer is
 *   `{ access_token, access_url }`: a token that does not expire, no refresh
 *   token, and the API origin of the account's datacenter (the emulator's
 *   own origin unless a test names another). Refusals are RFC 6749 §5.2's
 *   `{ error, error_description }` here (SurveyMonkey documents none).
 * - API (under the access URL): `GET /v3/users/me` behind `users_read`
 *   (`id`, `username`, `first_name`, `last_name`, `email`,
 *   `email_verified`, …) and `GET /v3/surveys` behind `surveys_read`, the
 *   token as Bearer; errors are `{ error: { id, name, message, docs,
 *   http_status_code } }`: 1010 no token, 1011 a token it does not know,
 *   1013 one the person revoked (all 401), 1014 a scope not granted (403).
 * - removeApp() is the person removing the app under "Linked Accounts": its
 *   tokens stop working (1013). There is no revocation endpoint.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface SurveyMonkeyUser {
  /** SurveyMonkey's user id, a string of digits. */
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  emailVerified: boolean;
}

export interface SurveyMonkeyEmulatorOptions extends Omit<EmulatorOptions, 'now'> {
  /** The scopes set on the app in the developer portal (default: users_read and surveys_read). */
  appScopes?: string[];
}

export interface SurveyMonkeyEmulator extends EmulatorHandle<SurveyMonkeyUser> {
  /** The person removes the app under "Linked Accounts": every token of theirs stops working. */
  removeApp(user: SurveyMonkeyUser): void;
  /** What the next token answers name as `access_url` (default: the emulator's origin). */
  setAccessUrl(url: string): void;
}

const DOCS = 'https://developer.surveymonkey.com/api/v3/#error-codes';
const apiError = (status: number, id: string, name: string, message: string): EmulatorReply => json(status, { error: { docs: DOCS, message, id, name, http_status_code: status } });

export async function startSurveyMonkeyEmulator(options: SurveyMonkeyEmulatorOptions): Promise<SurveyMonkeyEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SurveyMonkeyUser>({ accessTokenTtl: null, refreshPolicy: 'none', codeTtl: 300 });
  const controls = emulatorControls<SurveyMonkeyUser>(server, grants);
  const appScopes = (options.appScopes ?? ['users_read', 'surveys_read']).join(' ');
  let accessUrl = server.origin;

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'The redirect_uri or client_id is not valid for this app',
    denied: { error: 'access_denied', error_description: 'Resource owner canceled the request' },
    pkce: false,
    request: () => ({ scope: appScopes }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    errors: { client: () => oauthError(401, 'invalid_client', 'Invalid client_id or client_secret.') },
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, access_url: accessUrl }),
  });

  /** The grant of the request's Bearer token when it has `scope`; SurveyMonkey's error otherwise. */
  const apiGrant = (request: EmulatorRequest, scope: string): Grant<SurveyMonkeyUser> | EmulatorReply => {
    const token = request.bearer();
    if (!token) return apiError(401, '1010', 'Authorization Error', 'The authorization token was not provided.');
    const grant = grants.grantOfAccessToken(token);
    if (!grant) {
      return grants.grantOfToken(token)?.revoked
        ? apiError(401, '1013', 'Authorization Error', 'Client revoked access to the authorization token provided.')
        : apiError(401, '1011', 'Authorization Error', 'The authorization token provided was invalid.');
    }
    return grant.scope.split(' ').includes(scope) ? grant : apiError(403, '1014', 'Permission Error', 'Permission has not been granted by the user to make this request.');
  };

  server.route('GET', '/v3/users/me', (request) => {
    server.count('me');
    const grant = apiGrant(request, 'users_read');
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      username: user.username,
      scopes: { available: ['users_read', 'surveys_read', 'surveys_write', 'responses_read'], granted: grant.scope.split(' ') },
      first_name: user.firstName,
      last_name: user.lastName,
      account_type: 'basic',
      language: 'en',
      email: user.email,
      email_verified: user.emailVerified,
      href: `${accessUrl}/v3/users/me`,
      date_last_login: '2026-11-30T10:00:00.000000+00:00',
      date_created: '2024-01-15T09:30:00+00:00',
      id: user.id,
    });
  });

  server.route('GET', '/v3/surveys', (request) => {
    server.count('surveys');
    const grant = apiGrant(request, 'surveys_read');
    if (!isGrant(grant)) return grant;
    return json(200, {
      data: [{ id: '118965', title: 'Customer feedback', nickname: '', href: `${accessUrl}/v3/surveys/118965` }],
      per_page: 50,
      page: 1,
      total: 1,
      links: { self: `${accessUrl}/v3/surveys?page=1&per_page=50` },
    });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    setAccessUrl: (url) => {
      accessUrl = url;
    },
  };
}
