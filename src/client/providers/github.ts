/**
 * GitHub (OAuth apps, and GitHub Apps acting for a user). Plain OAuth 2.0:
 * no ID token; the person is the numeric `id` of `GET /user`, never the
 * login, which its owner may change. Its departures, from GitHub's docs:
 * - the issuer named in redirects (RFC 9207) is `https://github.com/login/oauth`
 *   (https://docs.github.com/en/apps/github-authentication-discovery-endpoints);
 * - the token endpoint answers errors with HTTP 200, under its own names
 *   (https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors),
 *   and a dead refresh token as `bad_refresh_token`
 *   (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens);
 * - a GitHub App's expiring user tokens come with a refresh token that ends
 *   six months later, as `refresh_token_expires_in` says, and each refresh
 *   answers a new one with six months of its own (the same page): the
 *   keep-alive sweep refreshes a connection nobody used in its last 7 days;
 *   the granted `scope` is comma-separated;
 * - a private e-mail is only at `GET /user/emails`, with the `user:email` scope
 *   (https://docs.github.com/en/rest/users/emails);
 * - every API request needs a User-Agent
 *   (https://docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api);
 * - no RFC 7009 endpoint: an app ends a grant with `DELETE /applications/{client_id}/grant`,
 *   Basic-authenticated with its id and secret
 *   (https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization).
 * - a caller picks the REST API's version with `X-GitHub-Api-Version`
 *   (https://docs.github.com/en/rest/about-the-rest-api/api-versions), and
 *   the answer's `X-OAuth-Scopes` and `X-Accepted-OAuth-Scopes` say which
 *   scopes the token has and which the call needed
 *   (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps#checking-granted-scopes):
 *   the proxies pass them.
 * GitHub Enterprise Server: `<NAME>_BASE_URL=https://github.example.com`
 * (its API is under /api/v3). GitHub Enterprise Cloud with data residency:
 * `<NAME>_BASE_URL=https://SUBDOMAIN.ghe.com`, whose API is on a host of its
 * own, https://api.SUBDOMAIN.ghe.com
 * (https://docs.github.com/en/enterprise-cloud@latest/admin/data-residency/network-details-for-ghecom).
 */
import { ProviderUnavailableError } from '../errors.js';
import { plainBasicAuthorization, readTokenEndpointBody, rebuiltAnswer, type FoundEmail, type ProfileReader, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** The REST API of the GitHub at `web`: github.com's and GHE.com's on an `api.` host, Enterprise Server's under /api/v3. */
function apiOf(web: string): string {
  const { protocol, host, pathname } = new URL(web);
  if (host === 'github.com') return 'https://api.github.com';
  if (host.endsWith('.ghe.com') && pathname === '/') return `${protocol}//api.${host}`;
  return `${web}/api/v3`;
}

/**
 * Where release assets are uploaded, with the token: the `upload_url` a release names
 * (https://docs.github.com/en/rest/releases/assets#upload-a-release-asset) is on an `uploads.` host for
 * github.com and GHE.com, and under /api/uploads for Enterprise Server.
 */
function uploadsOf(web: string): string {
  const { protocol, host, pathname } = new URL(web);
  if (host === 'github.com') return 'https://uploads.github.com';
  if (host.endsWith('.ghe.com') && pathname === '/') return `${protocol}//uploads.${host}`;
  return `${web}/api/uploads`;
}

/** GitHub's token endpoint error names, as the RFC 6749 §5.2 codes they mean. */
const ERROR_CODES: Readonly<Record<string, string>> = {
  bad_verification_code: 'invalid_grant',
  bad_refresh_token: 'invalid_grant',
  redirect_uri_mismatch: 'invalid_grant',
  incorrect_client_credentials: 'invalid_client',
  unverified_user_email: 'invalid_grant',
};

const NUMERIC_FIELDS = ['expires_in', 'refresh_token_expires_in'];

/** GitHub's token answer in RFC 6749 §5.1/§5.2 shape: errors as 400/401, a space-separated scope, numeric lifetimes. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields) return rebuiltAnswer(response, response.status, text);
  if (response.status === 200 && typeof fields.error === 'string') {
    const code = ERROR_CODES[fields.error] ?? 'invalid_request';
    const description = typeof fields.error_description === 'string' ? `${fields.error}: ${fields.error_description}` : fields.error;
    // RFC 6749 §5.2: 401 for a failed client authentication, 400 otherwise.
    const answer = { error: code, error_description: description, github_error: fields.error };
    return rebuiltAnswer(response, code === 'invalid_client' ? 401 : 400, JSON.stringify(answer), 'application/json');
  }
  const normalised: Record<string, unknown> = { ...fields };
  if (typeof fields.scope === 'string') normalised.scope = fields.scope.split(',').map((scope) => scope.trim()).filter(Boolean).join(' ');
  for (const name of NUMERIC_FIELDS) {
    if (typeof fields[name] === 'string' && /^\d+$/.test(fields[name])) normalised[name] = Number(fields[name]);
  }
  return rebuiltAnswer(response, response.status, JSON.stringify(normalised), 'application/json');
}

interface GitHubEmail {
  email?: unknown;
  primary?: unknown;
  verified?: unknown;
}

/** The primary, verified address from `/user/emails`; null without the scope to read it. */
async function findEmail(reader: ProfileReader): Promise<FoundEmail | null> {
  if (!reader.userinfoEndpoint) return null;
  const emails = await reader.getJson(`${withoutTrailingSlash(reader.userinfoEndpoint)}/emails`);
  if (!Array.isArray(emails)) return null;
  const primary = (emails as GitHubEmail[]).find((entry) => entry?.primary === true && entry.verified === true && typeof entry.email === 'string');
  return primary ? { email: primary.email as string, verified: true } : null;
}

/** Ends the whole grant (every token of this app for this person). */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('GitHub revocation needs the API base URL');
  const url = `${withoutTrailingSlash(request.apiBaseUrl)}/applications/${encodeURIComponent(request.clientId)}/grant`;
  const response = await request.send(url, {
    method: 'DELETE',
    headers: { ...request.apiHeaders, authorization: plainBasicAuthorization(request.clientId, request.clientSecret), 'content-type': 'application/json' },
    body: JSON.stringify({ access_token: request.accessToken }),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status === 204) return 'revoked';
  if (response.status === 404) return whyNotFound(request);
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `GitHub answered HTTP ${response.status} to the grant deletion.`);
}

/**
 * GitHub answers the grant deletion 404 for a token it no longer knows (the grant is gone already), and also, as
 * it answers requests it will not authenticate, for client credentials it does not accept (a secret regenerated
 * since): https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#404-not-found-for-an-existing-resource.
 * The token itself tells which: GitHub refuses it (401) only in the first case. An expired token tells nothing, as
 * GitHub refuses it too (a GitHub App's user token lives 8 hours): then the grant counts as gone only when GitHub
 * refused its refresh token as well (bad_refresh_token).
 */
async function whyNotFound(request: RevocationRequest): Promise<RevocationOutcome> {
  const check = await request.send(`${withoutTrailingSlash(request.apiBaseUrl!)}/user`, {
    method: 'GET',
    headers: { ...request.apiHeaders, authorization: `Bearer ${request.accessToken}` },
  });
  await check.body?.cancel().catch(() => {});
  if (check.status === 401) {
    if (!request.accessTokenExpired || request.refreshTokenRefused) return 'already_revoked';
    throw new ProviderUnavailableError(
      'provider_bad_response',
      'GitHub answered HTTP 404 to the grant deletion, made with an expired access token that could not be refreshed: the grant may still exist (check the client id and secret configured for it; the person can also revoke it in their GitHub settings, Applications).',
    );
  }
  const still = check.status >= 200 && check.status < 300 ? ', and the token still works' : ` (its check of the token answered HTTP ${check.status})`;
  throw new ProviderUnavailableError('provider_bad_response', `GitHub answered HTTP 404 to the grant deletion${still}: check the client id and secret configured for it.`);
}

export const github: ProviderPreset = {
  displayName: 'GitHub',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const web = baseUrl ? withoutTrailingSlash(baseUrl) : 'https://github.com';
    const api = apiOf(web);
    return {
      endpoints: {
        issuer: `${web}/login/oauth`,
        authorizationEndpoint: `${web}/login/oauth/authorize`,
        tokenEndpoint: `${web}/login/oauth/access_token`,
        userinfoEndpoint: `${api}/user`,
      },
      scope: 'read:user user:email',
      apiBaseUrl: api,
      extraApiBaseUrls: [uploadsOf(web)],
      apiHeaders: { 'user-agent': 'Tokenkeeper', accept: 'application/vnd.github+json' },
      proxyHeaders: { request: ['x-github-api-version'], response: ['x-oauth-scopes', 'x-accepted-oauth-scopes', 'x-github-request-id'] },
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
      claimNames: { name: 'name', email: 'email', preferredUsername: 'login' },
      hooks: { tokenResponse, findEmail, revoke },
    };
  },
};
