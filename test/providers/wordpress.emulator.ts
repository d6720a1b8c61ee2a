/**
 * An emulator of WordPress.com's OAuth (public-api.wordpress.com/oauth2)
 * and of the part of its REST API a connection touches, written from
 * WordPress.com's documentation (https://developer.wordpress.com/docs/oauth2/):
 * - Authorize: `GET /oauth2/authorize` with `client_id`, `redirect_uri`
 *   (matched exactly), `response_type=code`, `state`, and optionally `blog`
 *   (a site's ID or URL to preselect) and `scope`. No scope: the token
 *   reaches one site, the one preselected or else the person's primary
 *   site; `global`: all their sites; `auth`: only `/me`. A scope it does not
 *   know is its "Invalid request" page (Error Code `invalid_request`, as
 *   reported in https://github.com/auth0/wordpress/issues/906), not a
 *   redirect. A declined authorization goes back with RFC 6749 §4.1.2.1's
 *   `access_denied`.
 * - Token: `POST /oauth2/token` with `client_id`, `client_secret`,
 *   `redirect_uri`, `code` and `grant_type` in the form; no PKCE. The answer
 *   is `{ access_token, token_type: "bearer", blog_id, blog_url, scope }`
 *   (as WordPress.com answers it in
 *   https://github.com/Automattic/wpcom-connect-examples/issues/1), with
 *   no expiry and no refresh token; a token of every site names `blog_id`
 *   `"0"` and an empty `blog_url` here (not documented). Refusals are
 *   RFC 6749 §5.2's `{ error, error_description }` with HTTP 400.
 * - REST API, the token as Bearer: `GET /rest/v1.1/me` answers the person
 *   (`ID`, `display_name`, `username`, `email`, `email_verified`,
 *   `primary_blog`, `primary_blog_url`, …,
 *   https://developer.wordpress.com/docs/api/1.1/get/me/); `GET
 *   /rest/v1.1/sites/$site/posts/` a site's posts (`$site` its ID or host),
 *   403 `unauthorized` for a site the token does not reach. A token it no
 *   longer takes is `{ error: "invalid_token", message: "The OAuth2 token is
 *   invalid." }`, with 401 unless `answerInvalidTokenWith` says otherwise.
 * - No revocation for apps: the person disconnects the app
 *   (`disconnectApp`), and its tokens stop working.
 * The authorization page approves at once for signInAs()'s user.
 */
import { redirectBack } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface WordpressSite {
  id: number;
  /** The site's URL, e.g. https://ada.wordpress.com. */
  url: string;
}

export interface WordpressUser {
  id: number;
  username: string;
  displayName: string;
  email: string;
  emailVerified: boolean;
  /** The person's sites, the primary one first. */
  sites: WordpressSite[];
}

export interface WordpressEmulator extends EmulatorHandle<WordpressUser> {
  /** The person disconnects the app at wordpress.com/me/security/connected-applications: every token of theirs stops working. */
  disconnectApp(user: WordpressUser): void;
  /** The HTTP status `invalid_token` is answered with from now on (401 until then). */
  answerInvalidTokenWith(status: number): void;
  /** The next /rest/v1.1/me request fails with this HTTP status. */
  failNextMe(status: number): void;
}

const SCOPES = ['global', 'auth', 'media', 'sites', 'users', 'stats', 'posts', 'comments', 'taxonomy', 'follow', 'sharing', 'notifications', 'insights', 'read', 'menus'];

export async function startWordpressEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<WordpressEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<WordpressUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<WordpressUser>(server, grants);
  /** The site a code's token reaches (none for `global` and `auth`), then the same for the grant it started. */
  const siteOfCode = new Map<string, WordpressSite | undefined>();
  const siteOfGrant = new Map<string, WordpressSite | undefined>();
  let invalidTokenStatus = 401;
  const meFailure = queuedFailure();

  const siteNamed = (user: WordpressUser, name: string | null) =>
    name === null ? undefined : user.sites.find((site) => String(site.id) === name || site.url === name || new URL(site.url).host === name);

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    const invalid = (message: string) => html(400, `<h1>Invalid request, please go back and try again.</h1><p>Error Code: invalid_request</p><p>Error Message: ${message}</p>`);
    if (query.get('client_id') !== options.clientId) return invalid('Unknown client_id.');
    if (query.get('redirect_uri') !== options.redirectUri) return invalid('Invalid redirect_uri.');
    if (query.get('response_type') !== 'code') return invalid('Invalid "response_type".');
    const scopes = (query.get('scope') ?? '').split(/[ ,]/).filter(Boolean);
    if (scopes.some((scope) => !SCOPES.includes(scope))) return invalid('Invalid "scope". See https://developer.wordpress.com/docs/oauth2/#token-scope.');
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'You need to log in to WordPress.com' });
    const everySite = scopes.includes('global') || scopes.includes('auth');
    const code = grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: scopes.join(' '), codeChallenge: undefined, codeChallengeMethod: undefined, user });
    siteOfCode.set(code, everySite ? undefined : (siteNamed(user, query.get('blog')) ?? user.sites[0]));
    return reply({ code });
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    errors: {
      client: () => json(400, { error: 'invalid_client', error_description: 'Unknown client_id or incorrect client_secret.' }),
      code: () => json(400, { error: 'invalid_grant', error_description: 'Invalid "code" parameter.' }),
    },
    answer: ({ grant, tokens, form }) => {
      const site = siteOfCode.get(form.get('code') ?? '');
      siteOfGrant.set(grant.id, site);
      return json(200, { access_token: tokens.accessToken, token_type: 'bearer', blog_id: site ? String(site.id) : '0', blog_url: site ? site.url : '', scope: grant.scope });
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(invalidTokenStatus, { error: 'invalid_token', message: 'The OAuth2 token is invalid.' }));

  server.route('GET', '/rest/v1.1/me', (request) => {
    server.count('me');
    const status = meFailure.take();
    if (status !== undefined) return json(status, { error: 'internal_error', message: 'An internal error occurred.' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    const primary = user.sites[0];
    return json(200, {
      ID: user.id,
      display_name: user.displayName,
      username: user.username,
      email: user.email,
      primary_blog: primary?.id ?? 0,
      primary_blog_url: primary?.url ?? '',
      language: 'en',
      avatar_URL: 'https://0.gravatar.com/avatar/00000000000000000000000000000000?s=96&d=identicon',
      profile_URL: `https://gravatar.com/${user.username}`,
      verified: user.emailVerified,
      email_verified: user.emailVerified,
      date: '2019-04-02T09:12:44+00:00',
      site_count: user.sites.length,
      visible_site_count: user.sites.length,
      has_unseen_notes: false,
      is_valid_google_apps_country: true,
    });
  });

  server.route('GET', '/rest/v1.1/sites/:site/posts/', (request) => {
    server.count('posts');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const site = siteNamed(grant.user, request.params.site!);
    if (!site) return json(404, { error: 'unknown_blog', message: 'Unknown blog' });
    const reached = grant.scope.split(' ').includes('global') ? site : siteOfGrant.get(grant.id);
    if (reached?.id !== site.id) return json(403, { error: 'unauthorized', message: 'User cannot access this private blog.' });
    return json(200, { found: 1, posts: [{ ID: 7, site_ID: site.id, title: 'Hello world!', URL: `${site.url}/2026/12/01/hello-world/`, status: 'publish' }], meta: { links: { counts: `https://public-api.wordpress.com/rest/v1.1/sites/${site.id}/post-counts/post` } } });
  });

  return {
    ...controls.handle,
    disconnectApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    answerInvalidTokenWith: (status) => {
      invalidTokenStatus = status;
    },
    failNextMe: meFailure.queue,
  };
}
