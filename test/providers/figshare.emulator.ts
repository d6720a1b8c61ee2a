/**
 * An emulator of figshare's OAuth 2.0 (the authorization page on `https://figshare.com`, the token endpoint on
 * `https://api.figshare.com/v2`) and of the part of its API v2 a connection touches, written from figshare's pages:
 * - Authorize: `GET /account/applications/authorize` with `client_id`, `response_type`, `scope`, `state` and
 *   `redirect_uri`; `all` is the only scope, another is RFC 6749's `invalid_scope`; the person comes back with the
 *   `code` and `state`, or RFC 6749's `error` (https://docs.figshare.com/old_docs/oauth/). No PKCE is documented.
 * - Token: `POST /v2/token` with `client_id`, `client_secret` and `grant_type` in the form (or JSON), answered with
 *   `access_token`, `token_type`, `expires_in` and `refresh_token`; every refusal is HTTP 400 with RFC 6749 §5.2's
 *   error, a wrong client too (https://docs.figshare.com/old_docs/oauth/).
 * - API: the token as `Authorization: token <token>` or the `access_token` query parameter, never Bearer; a token not
 *   taken is a 401 with a JSON `message` and `code` (https://docs.figshare.com/api/). `GET /v2/account` is the
 *   account of the token (https://docs.figshare.com/#private_account), `GET /v2/account/articles` its own items,
 *   the proxy's route here.
 * Not on figshare's pages, so assumed here: the `token_type` (`Bearer`, RFC 6750's); the access token's lifetime (an hour); a refresh answers a new refresh
 * token and ends the spent one (the stricter case); a spent code or refresh token is `invalid_grant`; the wording
 * and code of the 401. removeApplication() is the person removing the application from their applications page.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface FigshareAccount {
  /** The account's id. */
  id: number;
  firstName: string;
  lastName: string;
  email: string;
}

export interface FigshareEmulator extends EmulatorHandle<FigshareAccount> {
  /** The person removes the application from their figshare applications page: every token of theirs stops working. */
  removeApplication(account: FigshareAccount): void;
  /** The next /v2/account request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as figshare read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** The lifetime given to access tokens here (figshare's pages do not say it; the answer's `expires_in` does). */
export const FIGSHARE_ACCESS_TOKEN_SECONDS = 3600;

export async function startFigshareEmulator(options: EmulatorOptions): Promise<FigshareEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<FigshareAccount>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: FIGSHARE_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<FigshareAccount>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/account/applications/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => (query.get('scope') === 'all' ? undefined : { error: 'invalid_scope' }),
  });

  tokenEndpoint(server, '/v2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    // Every failure is a 400, "even for failed authorization".
    errors: { client: () => oauthError(400, 'invalid_client') },
    answer: ({ tokens }) => json(200, tokenMembers(tokens, undefined, 'Bearer')),
  });

  /** The account of the token sent as `Authorization: token …` or `?access_token=`, else figshare's 401. */
  const apiGrant = (request: EmulatorRequest) => {
    const token = /^token (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? request.url.searchParams.get('access_token');
    return (token ? grants.grantOfAccessToken(token) : undefined) ?? json(401, { message: 'Invalid or unknown authorization info', code: 401 });
  };

  server.route('GET', '/v2/account', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { message: 'Internal Server Error', code: status });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user: account } = grant;
    return json(200, {
      id: account.id,
      first_name: account.firstName,
      last_name: account.lastName,
      used_quota_private: 0,
      modified_date: '2026-11-22T04:04:04',
      used_quota: 0,
      created_date: '2024-05-22T04:04:04',
      quota: 21474836480,
      group_id: 0,
      institution_user_id: null,
      institution_id: 0,
      email: account.email,
      used_quota_public: 0,
      pending_quota_request: false,
      active: 1,
      maximum_file_size: 21474836480,
    });
  });

  server.route('GET', '/v2/account/articles', (request) => {
    server.count('articles');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, [{ id: 1434614, title: `Dataset of ${grant.user.firstName}`, doi: '10.6084/m9.figshare.1434614', url: 'https://api.figshare.com/v2/articles/1434614', published_date: null, defined_type: 3 }]);
  });

  return {
    ...controls.handle,
    removeApplication: (account) => grants.revokeGrantsOf((someone) => someone.id === account.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
