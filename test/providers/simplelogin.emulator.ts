/**
 * An emulator of Sign in with SimpleLogin (app.simplelogin.io/oauth2), written from SimpleLogin's documentation:
 * - Authorize: `GET /oauth2/authorize` with `response_type=code`, `client_id`, `redirect_uri`, `scope=profile` and
 *   `state` (https://simplelogin.io/docs/siwsl/code-flow/). Every error goes back to the redirect URI as
 *   `?error=` (https://simplelogin.io/docs/siwsl/errors/): `invalid_client_id` for a client it does not know,
 *   `http_not_allowed` for an `http` redirect URI other than localhost, `unknown_redirect_uri` for one not
 *   registered, `deny` when the person declines. The client's one redirect URI stands for the one registered on the
 *   developer page; no PKCE challenge is kept (the intro puts PKCE on the roadmap).
 * - Token: `POST /oauth2/token` with `grant_type=authorization_code`, `code`, `redirect_uri`, and the client in the
 *   form or as HTTP Basic (https://docs.simplelogin.io/step-3.2-back-end shows Basic). A code is good once. The
 *   answer is `{ access_token, expires_in: 3600, scope: "profile", token_type: "Bearer", user }` with no refresh
 *   token (the Code Flow page). Its refusals are RFC 6749 §5.2's (assumed: not documented).
 * - Userinfo: `GET /oauth2/userinfo` with the token as Bearer answers `avatar_url`, `client`, `email`,
 *   `email_verified`, `id`, `name`, `sub` (https://simplelogin.io/docs/siwsl/flask/); a token it does not take is
 *   401 `{ error }` (assumed).
 * There is no revocation endpoint. The authorization page approves at once for signInAs()'s user.
 */
import { redirectBack, codeRequest } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface SimpleLoginUser {
  /** The id SimpleLogin answers as `id`, and as text as `sub`. */
  id: number;
  name: string;
  /** The address the person shares: their own or an alias. */
  email: string;
}

export interface SimpleLoginEmulator extends EmulatorHandle<SimpleLoginUser> {
  /** The person's tokens stop working (the app removed from their SimpleLogin account). */
  revokeApp(user: SimpleLoginUser): void;
  /** The next /oauth2/userinfo request fails with this HTTP status. */
  failNextUserinfoRequest(status: number): void;
}

/** The app's name, which the person's profile carries as `client`. */
const APP_NAME = 'Tokenkeeper';

/** Whether a redirect URI not registered is still one SimpleLogin takes: `http[s]://localhost:*` is allowed in development. */
const isLocalhost = (uri: URL) => uri.hostname === 'localhost';

export async function startSimpleLoginEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<SimpleLoginEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SimpleLoginUser>({ accessTokenTtl: 3600, refreshPolicy: 'none' });
  const controls = emulatorControls<SimpleLoginUser>(server, grants);
  const userinfoFailure = queuedFailure();

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    const redirectUri = query.get('redirect_uri') ?? '';
    let target: URL;
    try {
      target = new URL(redirectUri);
    } catch {
      return json(400, { error: 'unknown_redirect_uri' });
    }
    const reply = redirectBack(target.href, query);
    if (query.get('client_id') !== options.clientId) return reply({ error: 'invalid_client_id' });
    if (redirectUri !== options.redirectUri && !isLocalhost(target)) return reply({ error: target.protocol === 'http:' ? 'http_not_allowed' : 'unknown_redirect_uri' });
    const user = controls.approver();
    if (!user) return reply({ error: 'deny' });
    return reply({ code: grants.issueCode({ ...codeRequest(query, options, user), codeChallenge: undefined, codeChallengeMethod: undefined }) });
  });

  const profileOf = (user: SimpleLoginUser) => ({ avatar_url: null, client: APP_NAME, email: user.email, email_verified: true, id: user.id, name: user.name, sub: String(user.id) });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    pkce: false,
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, expires_in: tokens.expiresIn, scope: grant.scope, token_type: 'Bearer', user: profileOf(grant.user) }),
  });

  server.route('GET', '/oauth2/userinfo', (request) => {
    server.count('userinfo');
    const status = userinfoFailure.take();
    if (status !== undefined) return json(status, { error: 'Internal Server Error' });
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'Invalid access token' });
    return json(200, profileOf(grant.user));
  });

  return {
    ...controls.handle,
    revokeApp: (user) => grants.revokeGrantsOf((holder) => holder.id === user.id),
    failNextUserinfoRequest: userinfoFailure.queue,
  };
}
