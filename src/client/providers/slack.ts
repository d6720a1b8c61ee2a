/**
 * Slack: Sign in with Slack, OpenID Connect with discovery at
 * https://slack.com/.well-known/openid-configuration (issuer `https://slack.com`)
 * (https://docs.slack.dev/authentication/sign-in-with-slack). Scopes are
 * `openid profile email`, space-separated; the person is the ID token's `sub`,
 * their Slack user ID (repeated as `https://slack.com/user_id`, beside the
 * workspace's `https://slack.com/team_id`). Its departures, from Slack's docs:
 * - the token endpoint is a Web API method, openid.connect.token, taking
 *   `client_id` and `client_secret` as arguments (client_secret_post); like
 *   every Web API method it answers errors with HTTP 200 and
 *   `{"ok": false, "error": "<name>"}`, under its own names
 *   (https://docs.slack.dev/reference/methods/openid.connect.token,
 *   https://docs.slack.dev/apis/web-api/#evaluating-responses);
 * - tokens never expire, and there is no refresh token, unless the app turns
 *   on token rotation: then access tokens live 12 hours and each refresh
 *   (`grant_type=refresh_token` at the same method) returns a new refresh
 *   token and revokes the one used (https://docs.slack.dev/authentication/using-token-rotation);
 * - userinfo is the openid.connect.userInfo method, which adds `ok: true`
 *   (https://docs.slack.dev/reference/methods/openid.connect.userInfo);
 * - no RFC 7009 endpoint: the auth.revoke method revokes the token it is
 *   called with, "to log a user out of a Sign In With Slack app", answering
 *   `{"ok": true, "revoked": true}`, its `revoked` saying whether the token "was actually
 *   revoked" (https://docs.slack.dev/reference/methods/auth.revoke).
 * The Web API is https://slack.com/api/<method>, with the token as a Bearer header.
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** Slack's error names at openid.connect.token, as the RFC 6749 §5.2 code and HTTP status they mean. */
const ERRORS: Readonly<Record<string, [code: string, status: number]>> = {
  invalid_code: ['invalid_grant', 400],
  code_already_used: ['invalid_grant', 400],
  bad_redirect_uri: ['invalid_grant', 400],
  invalid_grant: ['invalid_grant', 400],
  invalid_refresh_token: ['invalid_grant', 400],
  oauth_authorization_url_mismatch: ['invalid_grant', 400],
  invalid_client_id: ['invalid_client', 401],
  bad_client_secret: ['invalid_client', 401],
  invalid_client: ['invalid_client', 401],
  invalid_grant_type: ['unsupported_grant_type', 400],
  unsupported_grant_type: ['unsupported_grant_type', 400],
  // Slack's own faults: a server error and an outage, so that they count as the provider's, not the sign-in's.
  internal_error: ['server_error', 500],
  fatal_error: ['server_error', 500],
  service_unavailable: ['temporarily_unavailable', 503],
  ratelimited: ['temporarily_unavailable', 503],
};

/** `{"ok": false}` answers in RFC 6749 §5.2 shape; every other answer is left as it was. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (fields?.ok !== false) return rebuiltAnswer(response, response.status, text);
  const slackError = typeof fields.error === 'string' ? fields.error : 'unknown_error';
  const [code, status] = ERRORS[slackError] ?? ['invalid_request', 400];
  const answer = { error: code, error_description: `Slack answered ${slackError}`, slack_error: slackError };
  return rebuiltAnswer(response, status, JSON.stringify(answer), 'application/json');
}

/** auth.revoke errors that mean the token is already unusable: nothing is left to revoke. */
const ALREADY_GONE = new Set(['invalid_auth', 'token_revoked', 'account_inactive']);

async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('Slack revocation needs the API base URL');
  // Every Web API method takes POST as well as GET (https://docs.slack.dev/apis/web-api/); a revocation is a POST.
  const response = await request.send(`${withoutTrailingSlash(request.apiBaseUrl)}/auth.revoke`, {
    method: 'POST',
    headers: { ...request.apiHeaders, authorization: `Bearer ${request.accessToken}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
  });
  const body = (await response.json().catch(() => undefined)) as { ok?: unknown; error?: unknown; revoked?: unknown } | undefined;
  // "The response indicates whether the token was actually revoked, using a boolean revoked field"
  // (https://docs.slack.dev/reference/methods/auth.revoke): ok alone does not say it was.
  if (response.status === 200 && body?.ok === true && body.revoked !== false) return 'revoked';
  if (response.status === 200 && body?.ok === true) {
    throw new ProviderUnavailableError('provider_bad_response', 'Slack answered the token revocation without revoking the token (revoked: false).');
  }
  if (response.status === 200 && body?.ok === false && typeof body.error === 'string' && ALREADY_GONE.has(body.error)) return 'already_revoked';
  const reason = typeof body?.error === 'string' ? body.error : `HTTP ${response.status}`;
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Slack refused the token revocation (${reason}).`);
}

export const slack: ProviderPreset = {
  displayName: 'Slack',
  settings: () => ({
    discovery: { issuer: 'https://slack.com' },
    scope: 'openid profile email',
    apiBaseUrl: 'https://slack.com/api',
    // A private file's `url_private` is downloaded with the token in the Authorization header (https://api.slack.com/types/file#auth).
    extraApiBaseUrls: ['https://files.slack.com'],
    tokenEndpointAuthMethod: 'client_secret_post',
    hooks: { tokenResponse, revoke },
  }),
};
