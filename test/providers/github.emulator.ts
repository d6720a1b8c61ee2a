/**
 * An emulator of GitHub's OAuth web application flow and the parts of its
 * REST API that sign-in touches, written from GitHub's documentation:
 * - Authorizing OAuth apps (web application flow, PKCE S256 only):
 *   https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 * - The `iss` on every redirect back, `https://github.com/login/oauth`:
 *   https://docs.github.com/en/apps/github-authentication-discovery-endpoints
 * - Token endpoint errors answered with HTTP 200:
 *   https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
 * - Authorization errors (`access_denied`, `redirect_uri_mismatch`) redirected back:
 *   https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-authorization-request-errors
 * - GitHub App user access tokens: 8 h, with a rotating 6-month refresh token, `bad_refresh_token`;
 *   "Once you use a refresh token, that refresh token and the old user access token will no longer work":
 *   https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens
 * - `GET /user`, `GET /user/emails` (needs `user:email`), the required User-Agent, 401 "Bad credentials",
 *   404 for a resource the token may not see:
 *   https://docs.github.com/en/rest/users/users, https://docs.github.com/en/rest/users/emails,
 *   https://docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api
 * - `X-GitHub-Api-Version` picks the REST API's version; one GitHub does not support is refused with 400:
 *   https://docs.github.com/en/rest/about-the-rest-api/api-versions; `X-OAuth-Scopes` and
 *   `X-Accepted-OAuth-Scopes` on an answer name the token's scopes and those the call needed:
 *   https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps#checking-granted-scopes
 * - `DELETE /applications/{client_id}/grant` with Basic auth (client id and secret) and a valid access token, 204:
 *   https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization;
 *   credentials it does not accept get 404, as GitHub answers requests it will not
 *   authenticate ("404 Not Found for an existing resource"), like a token it does not know or that expired:
 *   https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#404-not-found-for-an-existing-resource
 * - Repository archives, `GET /repos/{owner}/{repo}/tarball/{ref}` and `/zipball/{ref}`: a 302 to a
 *   short-lived URL on codeload.github.com (here `downloads`, a second origin), fetched without the token:
 *   https://docs.github.com/en/rest/repos/contents#download-a-repository-archive-tar
 *
 * - GitHub Enterprise Server (`enterpriseServer`): the same flow at http(s)://HOSTNAME/login/oauth/…, the REST API
 *   under http(s)://HOSTNAME/api/v3:
 *   https://docs.github.com/en/enterprise-server@latest/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps,
 *   https://docs.github.com/en/enterprise-server@latest/rest/using-the-rest-api/getting-started-with-the-rest-api;
 *   the `iss` it sends is taken to be its own `/login/oauth`, as github.com's is (its documentation names none).
 *
 * The authorization page approves at once for the user set with signInAs()
 * (a real GitHub asks the user to sign in and to authorize the app).
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { formEncoded, html, json, redirect, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { startDownloadHost, type DownloadHost } from './kit/download-host.js';
import { GrantStore } from './kit/grants.js';

export const GITHUB_ISSUER = 'https://github.com/login/oauth';

/** The REST API versions the emulator answers (https://docs.github.com/en/rest/about-the-rest-api/api-versions). */
const SUPPORTED_API_VERSIONS = new Set(['2022-11-28']);

export interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
  visibility: 'public' | 'private' | null;
}

export interface GitHubUser {
  id: number;
  login: string;
  name: string | null;
  /** The public e-mail shown on /user; null when the user keeps it private. */
  email: string | null;
  emails: GitHubEmail[];
}

export interface GitHubEmulatorOptions {
  clientId: string;
  clientSecret: string;
  /** The app's registered callback URL. */
  callbackUrl: string;
  /** `oauth-app`: tokens that never expire, no refresh token. `github-app` with expiring user tokens: 8 h, rotating refresh token. */
  kind: 'oauth-app' | 'github-app';
  /** A GitHub App's `refresh_token_expires_in` (GitHub: 15897600 s, six months): another lifetime stands for a provider stating a short one. */
  refreshTokenLifetimeSeconds?: number;
  /** GitHub Enterprise Server at the emulator's origin: the REST API under /api/v3, and its own issuer. */
  enterpriseServer?: boolean;
  now?: () => number;
}

export interface GitHubEmulator extends Omit<EmulatorHandle<GitHubUser>, 'failNextTokenRequest'> {
  /** The `iss` on every redirect back: github.com's, or an Enterprise Server's own. */
  readonly issuer: string;
  /** Where the REST API is: the origin, or an Enterprise Server's /api/v3. */
  readonly apiBaseUrl: string;
  /** codeload.github.com: where archive downloads are redirected. */
  readonly downloads: DownloadHost;
  /** The bytes of a repository's archive as GitHub serves them (here a stand-in, not a real tarball). */
  archiveOf(owner: string, repo: string, ref: string, format: ArchiveFormat): Buffer;
  /** The app's client secret is regenerated at GitHub and the old one deleted: the old one stops working. */
  renewClientSecret(secret: string): void;
  /** Revokes the grant behind a token on GitHub's side, as a user does in their settings. */
  revokeGrantOf(token: string): void;
  /** GitHub's token endpoint answers this HTTP status (an outage) until set back to null. */
  failTokenRequests(status: number | null): void;
  /** How many grants of this app the user with this id still has. */
  liveGrants(userId: number): number;
}

export type ArchiveFormat = 'tarball' | 'zipball';

const ARCHIVES: Record<ArchiveFormat, { file: string; contentType: string }> = {
  tarball: { file: 'legacy.tar.gz', contentType: 'application/x-gzip' },
  zipball: { file: 'legacy.zip', contentType: 'application/zip' },
};

const archiveOf = (owner: string, repo: string, ref: string, format: ArchiveFormat) => Buffer.from(`${format} of ${owner}/${repo} at ${ref}\n`);

const DOCS = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';

/** Errors of the token endpoint come with HTTP 200, in the format the client asked for. */
function tokenEndpointAnswer(request: EmulatorRequest, values: Record<string, string>): EmulatorReply {
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') ? json(200, values) : formEncoded(200, values);
}

function tokenError(request: EmulatorRequest, error: string, description: string): EmulatorReply {
  return tokenEndpointAnswer(request, { error, error_description: description, error_uri: `${DOCS}/#${error.replace(/_/g, '-')}` });
}

export async function startGitHubEmulator(options: GitHubEmulatorOptions): Promise<GitHubEmulator> {
  const server = await startEmulatorServer();
  const downloads = await startDownloadHost(options.now ? { now: options.now } : {});
  const githubApp = options.kind === 'github-app';
  const api = options.enterpriseServer ? '/api/v3' : '';
  const issuer = options.enterpriseServer ? `${server.origin}/login/oauth` : GITHUB_ISSUER;
  const grants = new GrantStore<GitHubUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: githubApp ? 28_800 : null,
    refreshPolicy: githubApp ? 'rotating' : 'none',
    refreshTokenTtl: githubApp ? (options.refreshTokenLifetimeSeconds ?? 15_897_600) : null,
    prefixes: githubApp ? { access: 'ghu_', refresh: 'ghr_' } : { access: 'gho_' },
  });
  const controls = emulatorControls<GitHubUser>(server, grants);
  let clientSecret = options.clientSecret;
  let tokenEndpointFailure: number | null = null;
  /** The user access token each grant holds now: a refresh ends the one before it. */
  const currentAccess = new Map<string, string>();

  server.route('GET', '/login/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(404, '<h1>Not Found</h1>');
    const redirectUri = query.get('redirect_uri') ?? options.callbackUrl;
    const reply = redirectBack(options.callbackUrl, query, { iss: issuer });
    if (redirectUri !== options.callbackUrl) {
      return reply({ error: 'redirect_uri_mismatch', error_description: 'The redirect_uri MUST match the registered callback URL for this application.' });
    }
    const challengeMethod = query.get('code_challenge_method');
    if (query.has('code_challenge') && challengeMethod !== 'S256') {
      return reply({ error: 'invalid_request', error_description: 'code_challenge_method must be S256.' });
    }
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user has denied your application access.' });
    // Scopes are asked space-separated; a GitHub App ignores them (its permissions are set on the app).
    const scope = githubApp ? '' : (query.get('scope') ?? '').split(/[ ,]+/).filter(Boolean).join(',');
    return reply({ code: grants.issueCode({ ...codeRequest(query, { clientId: options.clientId, redirectUri: options.callbackUrl }, user), redirectUri: query.get('redirect_uri') ?? undefined, scope }) });
  });

  server.route('POST', '/login/oauth/access_token', (request) => {
    if (tokenEndpointFailure !== null) return html(tokenEndpointFailure, '<h1>Unicorn!</h1>');
    const params = request.form();
    if (params.get('client_id') !== options.clientId || params.get('client_secret') !== clientSecret) {
      server.count('token_error');
      return tokenError(request, 'incorrect_client_credentials', 'The client_id and/or client_secret passed are incorrect.');
    }
    if (params.get('grant_type') === 'refresh_token') {
      server.count('refresh_token');
      const refreshed = githubApp ? grants.refresh(params.get('refresh_token') ?? '', options.clientId) : undefined;
      if (!refreshed?.ok) return tokenError(request, 'bad_refresh_token', 'The refresh token passed is incorrect or expired.');
      const { tokens } = refreshed;
      const previous = currentAccess.get(refreshed.grant.id);
      if (previous) grants.revokeAccessToken(previous);
      currentAccess.set(refreshed.grant.id, tokens.accessToken);
      return tokenEndpointAnswer(request, {
        access_token: tokens.accessToken,
        expires_in: String(tokens.expiresIn),
        refresh_token: tokens.refreshToken!,
        refresh_token_expires_in: String(tokens.refreshTokenExpiresIn),
        scope: '',
        token_type: 'bearer',
      });
    }
    server.count('authorization_code');
    const redeemed = grants.redeemCode(params.get('code') ?? '', {
      clientId: options.clientId,
      redirectUri: params.get('redirect_uri'),
      codeVerifier: params.get('code_verifier'),
    });
    if (!redeemed.ok) {
      if (redeemed.reason === 'redirect_uri_mismatch') {
        return tokenError(request, 'redirect_uri_mismatch', 'The redirect_uri MUST match the registered callback URL for this application.');
      }
      return tokenError(request, 'bad_verification_code', 'The code passed is incorrect or expired.');
    }
    const { tokens, grant } = redeemed;
    currentAccess.set(grant.id, tokens.accessToken);
    const answer: Record<string, string> = { access_token: tokens.accessToken, scope: grant.scope, token_type: 'bearer' };
    if (githubApp) {
      answer.expires_in = String(tokens.expiresIn);
      answer.refresh_token = tokens.refreshToken!;
      answer.refresh_token_expires_in = String(tokens.refreshTokenExpiresIn);
    }
    // In JSON, GitHub sends the lifetimes as numbers.
    const accept = request.headers.accept ?? '';
    if (accept.includes('application/json')) {
      return json(200, Object.fromEntries(Object.entries(answer).map(([name, value]) => [name, name.endsWith('expires_in') ? Number(value) : value])));
    }
    return formEncoded(200, answer);
  });

  /** The REST API's checks common to every route: a User-Agent, a version it supports, then a live token. */
  const authenticated = (request: EmulatorRequest): { user: GitHubUser; scopes: string[] } | EmulatorReply => {
    if (!request.headers['user-agent']) {
      return { status: 403, headers: { 'content-type': 'text/plain' }, body: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header.\n' };
    }
    const version = request.headers['x-github-api-version'];
    if (version !== undefined && !SUPPORTED_API_VERSIONS.has(String(version))) {
      return json(400, { message: `API version ${String(version)} is not supported.`, documentation_url: 'https://docs.github.com/rest/about-the-rest-api/api-versions', status: '400' });
    }
    const authorization = request.headers.authorization ?? '';
    const token = /^(?:Bearer|token) (.+)$/i.exec(authorization)?.[1];
    const grant = token ? grants.grantOfAccessToken(token) : undefined;
    if (!grant) return json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    return { user: grant.user, scopes: grant.scope.split(',').filter(Boolean) };
  };

  server.route('GET', `${api}/user`, (request) => {
    server.count('api_user');
    const caller = authenticated(request);
    if ('status' in caller) return caller;
    const { id, login, name, email } = caller.user;
    return json(200, { login, id, node_id: `U_${id}`, type: 'User', site_admin: false, name, email, html_url: `https://github.com/${login}` });
  });

  server.route('GET', `${api}/user/emails`, (request) => {
    server.count('api_emails');
    const caller = authenticated(request);
    if ('status' in caller) return caller;
    if (!githubApp && !caller.scopes.includes('user:email') && !caller.scopes.includes('user')) {
      return json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/users/emails#list-email-addresses-for-the-authenticated-user', status: '404' });
    }
    return json(200, caller.user.emails);
  });

  server.route('GET', `${api}/user/repos`, (request) => {
    server.count('api_repos');
    const caller = authenticated(request);
    if ('status' in caller) return caller;
    const repos = json(200, [{ id: 1, name: 'hello-world', full_name: `${caller.user.login}/hello-world`, private: false }]);
    return { ...repos, headers: { ...repos.headers, 'x-oauth-scopes': caller.scopes.join(', '), 'x-accepted-oauth-scopes': 'repo' } };
  });

  // https://docs.github.com/en/rest/repos/contents#download-a-repository-archive-tar (and -zip): 302 to codeload.
  for (const format of ['tarball', 'zipball'] as const) {
    server.route('GET', `${api}/repos/:owner/:repo/${format}/:ref`, (request) => {
      server.count(`api_${format}`);
      const caller = authenticated(request);
      if ('status' in caller) return caller;
      const { owner, repo, ref } = request.params as { owner: string; repo: string; ref: string };
      // The caller's one repository (see /user/repos); any other is not found, as for a private repository the token may not see.
      if (owner !== caller.user.login || repo !== 'hello-world') return json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#download-a-repository-archive-tar', status: '404' });
      const { file, contentType } = ARCHIVES[format];
      return redirect(downloads.offer(`/${owner}/${repo}/${file}/refs/heads/${ref}`, { body: archiveOf(owner, repo, ref, format), contentType }));
    });
  }

  server.route('DELETE', `${api}/applications/:client_id/grant`, (request) => {
    server.count('delete_grant');
    const credentials = request.basicAuth();
    if (request.params.client_id !== options.clientId || credentials?.username !== options.clientId || credentials.password !== clientSecret) {
      return json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/apps/oauth-applications#delete-an-app-authorization', status: '404' });
    }
    const body = request.json() as { access_token?: unknown } | undefined;
    if (typeof body?.access_token !== 'string') {
      return json(422, { message: 'Invalid request.\n\n"access_token" wasn\'t supplied.', documentation_url: 'https://docs.github.com/rest/apps/oauth-applications#delete-an-app-authorization', status: '422' });
    }
    // "You must also provide a valid OAuth access_token": an expired, replaced or unknown one is not found.
    const grant = grants.grantOfAccessToken(body.access_token);
    if (!grant) return json(404, { message: 'Not Found', status: '404' });
    grants.revokeGrant(grant.id);
    return { status: 204 };
  });

  return {
    ...controls.handle,
    issuer,
    apiBaseUrl: `${server.origin}${api}`,
    downloads,
    archiveOf,
    renewClientSecret: (secret) => {
      clientSecret = secret;
    },
    revokeGrantOf: (token) => {
      const grant = grants.grantOfToken(token);
      if (grant) grants.revokeGrant(grant.id);
    },
    failTokenRequests: (status) => {
      tokenEndpointFailure = status;
    },
    liveGrants: (userId) => grants.liveGrants(options.clientId).filter((grant) => grant.user.id === userId).length,
    close: async () => {
      await server.close();
      await downloads.close();
    },
  };
}
