/**
 * An emulator of Stack Exchange's OAuth (stackoverflow.com/oauth) and of its API v2.3 (api.stackexchange.com), the
 * parts a connection touches, written from Stack Exchange's pages:
 * - Authorize (https://api.stackexchange.com/docs/authentication): `GET /oauth` with `client_id`, `scope`,
 *   `redirect_uri` (under the application's registered domain) and `state`; the person approves and goes back with
 *   `code` and `state`. A PKCE challenge is kept with the code (https://stackapps.com/help/api-authentication,
 *   "Authorization Code with PKCE (recommended)"). A person who refuses goes back with `error=access_denied` (the
 *   authentication errors are "defined by the OAuth 2.0 specification", https://api.stackexchange.com/docs/error-handling).
 * - Token: `POST /oauth/access_token/json`, a form with `client_id`, `client_secret`, `code` and `redirect_uri`
 *   (and the verifier of a code issued with a challenge), answering `{ access_token, expires }`, or, when the scope
 *   had `no_expiry`, `{ access_token }` alone with a token that never ends; no `token_type`, no refresh token
 *   (Stack Exchange issues none, so a refresh grant is refused). Every error is HTTP 400, its body RFC 6749 §5.2's.
 * - API: every method answers the common wrapper `{ items, has_more, quota_max, quota_remaining }`, and every error
 *   HTTP 400 with `error_id`, `error_name` and `error_message` (the error-handling page): 401
 *   `access_token_required`, 402 `invalid_access_token`, 400 `bad_parameter` (a method that needs `site` without
 *   it). The access token is taken only as `Authorization: Bearer`; the `access_token` and `key` query parameters are
 *   refused (https://meta.stackexchange.com/questions/417382/we-re-changing-the-authentication-scheme-for-stack-exchange-api-v2-x;
 *   the error it names for them is not published, `bad_parameter` is this emulator's). `GET /2.3/me` answers the
 *   person's user on the site (`account_id`, `user_id`, `display_name` HTML-encoded as the default safe filter
 *   writes strings, https://api.stackexchange.com/docs/filters, `link`, `profile_image`), `GET /2.3/me/questions`
 *   their questions (the proxied call), and `GET /2.3/apps/{accessTokens}/de-authenticate` de-authenticates the
 *   application for each token's person, answering the access tokens de-authenticated; that it ends all the person's
 *   tokens of the app, and its 402 for a token it does not take, are this emulator's reading, not published.
 * The person removes the application on their Stack Exchange profile (`removeApp`). The authorization page approves
 * at once for signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface StackExchangeUser {
  /** The network-wide account id, the same on every site. */
  accountId: number;
  /** The user id on the site asked for (Stack Overflow here), another number. */
  userId: number;
  /** The display name as the person wrote it, which they may change. */
  displayName: string;
}

export interface StackExchangeEmulator extends EmulatorHandle<StackExchangeUser> {
  /** The person removes the application from their authorized applications: none of its tokens works. */
  removeApp(user: StackExchangeUser): void;
  /** Seconds the access token has left at Stack Exchange; null when it never ends; undefined when it is not taken. */
  secondsLeft(accessToken: string): number | null | undefined;
}

const ACCESS_TOKEN_TTL = 86_400;
const QUOTA_MAX = 10_000;

/** How the default, safe filter writes a string: "inline-able into HTML". */
const htmlEncoded = (value: string) => value.replace(/[&<>"']/g, (character) => `&#${character.codePointAt(0)};`);

export async function startStackExchangeEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<StackExchangeEmulator> {
  const server = await startEmulatorServer();
  // Stack Exchange's tokens carry parentheses and asterisks (`abcd*(01234` in its examples).
  const grants = new GrantStore<StackExchangeUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'none', prefixes: { access: 'Xq*(' } });
  const controls = emulatorControls<StackExchangeUser>(server, grants);
  let quotaRemaining = QUOTA_MAX;

  const wrapper = (items: unknown[]) => json(200, { items, has_more: false, quota_max: QUOTA_MAX, quota_remaining: --quotaRemaining });
  const apiError = (id: number, name: string, message: string) => json(400, { error_id: id, error_message: message, error_name: name });

  /** The person a method is called for, or the error it is answered with. */
  const caller = (request: EmulatorRequest, needsSite: boolean): StackExchangeUser | EmulatorReply => {
    const query = request.url.searchParams;
    if (query.has('access_token') || query.has('key')) {
      server.count('query_credentials');
      return apiError(400, 'bad_parameter', 'access_token and key are no longer accepted in the query string; send them as Authorization: Bearer');
    }
    const token = request.bearer();
    if (!token) return apiError(401, 'access_token_required', 'This method requires an access_token');
    const grant = grants.grantOfAccessToken(token);
    if (!grant) return apiError(402, 'invalid_access_token', 'access_token is invalid, expired or de-authenticated');
    if (needsSite && query.get('site') !== 'stackoverflow') return apiError(400, 'bad_parameter', 'site is required');
    return grant.user;
  };
  const isReply = (value: StackExchangeUser | EmulatorReply): value is EmulatorReply => 'status' in value;

  server.route('GET', '/oauth', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    const redirectUri = query.get('redirect_uri') ?? '';
    const registered = new URL(options.redirectUri);
    const underDomain = URL.canParse(redirectUri) && new URL(redirectUri).host === registered.host;
    if (query.get('client_id') !== options.clientId || !underDomain) return html(400, '<h1>Application Login Failure</h1><p>An error occurred while login into an application.</p>');
    const reply = redirectBack(redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'user denied access' });
    return reply({ code: grants.issueCode({ ...codeRequest(query, { clientId: options.clientId, redirectUri }, user), scope: (query.get('scope') ?? '').split(/[ ,]/).filter(Boolean).join(' ') }) });
  });

  tokenEndpoint(server, '/oauth/access_token/json', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    errors: {
      client: () => oauthError(400, 'invalid_client', 'client_secret is invalid'),
      grantType: () => oauthError(400, 'unsupported_grant_type'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'refresh tokens are not issued'),
      code: () => oauthError(400, 'invalid_grant', 'code is invalid or has expired'),
    },
    answer: ({ grant, tokens }) => {
      if (!grant.scope.split(' ').includes('no_expiry')) return json(200, { access_token: tokens.accessToken, expires: tokens.expiresIn });
      grants.revokeAccessToken(tokens.accessToken);
      return json(200, { access_token: grants.issueAccessToken(grant.id, null) });
    },
  });

  server.route('GET', '/2.3/me', (request) => {
    server.count('me');
    const user = caller(request, true);
    if (isReply(user)) return user;
    return wrapper([
      {
        account_id: user.accountId,
        user_id: user.userId,
        user_type: 'registered',
        display_name: htmlEncoded(user.displayName),
        reputation: 101,
        link: `https://stackoverflow.com/users/${user.userId}/${user.displayName.toLowerCase().replace(/\W+/g, '-')}`,
        profile_image: `https://i.sstatic.net/${user.accountId}.png?s=256`,
      },
    ]);
  });

  server.route('GET', '/2.3/me/questions', (request) => {
    server.count('api_call');
    const user = caller(request, true);
    if (isReply(user)) return user;
    return wrapper([{ question_id: 11_227_809, title: 'Why is processing a sorted array faster?', owner: { account_id: user.accountId, user_id: user.userId } }]);
  });

  server.route('GET', '/2.3/apps/:accessTokens/de-authenticate', (request) => {
    server.count('revoke');
    const tokens = request.params.accessTokens!.split(';');
    const live = tokens.map((token) => ({ token, grant: grants.grantOfAccessToken(token) }));
    if (live.some(({ grant }) => !grant)) return apiError(402, 'invalid_access_token', 'access_token is invalid, expired or de-authenticated');
    for (const { grant } of live) grants.revokeGrantsOf((someone) => someone.accountId === grant!.user.accountId);
    return wrapper(live.map(({ token, grant }) => ({ access_token: token, account_id: grant!.user.accountId })));
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.accountId === user.accountId),
    secondsLeft: (accessToken) => grants.accessTokenSecondsLeft(accessToken),
  };
}
