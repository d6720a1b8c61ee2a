/**
 * LiveChat, the Text platform's agent accounts (a server-side app created in LiveChat's Developer Console, with
 * an Authorization building block holding its Client Id, Client Secret, the scopes it needs and the callback as
 * its redirect URI). OAuth 2.1's authorization code grant with explicit endpoints: no discovery, no ID token.
 * From LiveChat's "Agent Authorization" page (https://platform.text.com/docs/authorization/agent-authorization):
 * - the person is sent to the LiveChat OAuth Server, `https://accounts.livechat.com/`, with `response_type=code`,
 *   `client_id`, `redirect_uri` and `state`; there is no scope parameter: the consent screen lists the scopes
 *   chosen for the app in Developer Console, so none is asked here. The redirect back carries `code` ("only valid
 *   for a few minutes") and `state`;
 * - the code is exchanged with `POST https://accounts.livechat.com/v2/token`, a form with `grant_type`, `code`,
 *   `client_id`, `client_secret` and `redirect_uri` (client_secret_post: a server-side app's secret is
 *   mandatory). The JSON answer holds `access_token`, `refresh_token`, `expires_in` (28800 s by default),
 *   `token_type` `Bearer`, `scope` (comma-separated: the tokenResponse hook makes it space-separated),
 *   `account_id`, "the ID of the Agent's account", and `organization_id`. The person is that `account_id`, read
 *   from the answer (tokenResponseProfile), so no profile call is made and no name or e-mail is known; the
 *   organization the token is for is kept beside it;
 * - a refresh is the same endpoint with `grant_type=refresh_token`, the refresh token and the client; for a
 *   server-side app "refresh tokens don't rotate", and the answer names the refresh token again;
 * - `DELETE https://accounts.livechat.com/v2/token` with a token as Bearer revokes it, and an access token's
 *   refresh token with it, answering `{}`: the revoke hook sends the access token there (the revocation endpoint).
 * An account is "a top-level definition of a user", shared by all of Text's products and by each organization it
 * belongs to (https://platform.text.com/docs/authorization/global-accounts); its id is a UUID, the one a Personal
 * Access Token is used with as the Basic username, so the subject is the same in every organization the person
 * signs in from. LiveChat's authorization errors (https://platform.text.com/docs/authorization/authorizing-api-calls,
 * "Errors") name `unauthorized_client` for an invalid client secret and for a refresh token not found, and
 * `invalid_grant` for a refresh token that is invalid, expired or revoked; the API is
 * `https://api.livechatinc.com` (Agent Chat API `POST /v3.5/agent/action/…`, the token as Bearer).
 * Not checked against LiveChat's pages: whether `code_challenge_method=S256` is taken as the pages' `s256` (PKCE
 * is optional for a server-side app, so none is sent); the token endpoint's error bodies (RFC 6749 §5.2's are
 * assumed); a refresh token's lifetime; the `X-Region: fra` header that API calls with a token of the European
 * data centre (`fra:…`) may need, which is not sent (LiveChat calls it optional; a `misdirected_request` says it
 * was needed); how a refresh token of a person who removed the app is refused (as `invalid_grant`, "revoked", is
 * assumed: an `unauthorized_client` would be read as the client's fault and the connection would stay as it is).
 */
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import type { ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** The token answer with its comma-separated `scope` space-separated (RFC 6749 §3.3); anything else as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields || typeof fields.scope !== 'string' || !fields.scope.includes(',')) return rebuiltAnswer(response, response.status, text);
  const scope = fields.scope.split(',').map((name) => name.trim()).filter(Boolean).join(' ');
  return rebuiltAnswer(response, response.status, JSON.stringify({ ...fields, scope }), 'application/json');
}

/** The agent's account of the code exchange's answer, `account_id`, with the `organization_id` the token is for: never the tokens. */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const accountId = trimmedText(answer.account_id);
  if (!accountId) return undefined;
  return { account_id: accountId, ...textMembers({ organization_id: answer.organization_id }) };
}

/** Revokes the access token, and its refresh token with it, with `DELETE /v2/token`, the access token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('LiveChat revocation needs the revocation endpoint');
  return revokeWithBearer(request, request.revocationEndpoint, { method: 'DELETE', headers: { accept: 'application/json' } }, { provider: 'LiveChat', what: 'the token revocation' });
}

export const livechat: ProviderPreset = {
  displayName: 'LiveChat',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://accounts.livechat.com/',
      tokenEndpoint: 'https://accounts.livechat.com/v2/token',
      revocationEndpoint: 'https://accounts.livechat.com/v2/token',
    },
    // None: the scopes are those chosen for the app in Developer Console; the authorization request has no scope parameter.
    scope: '',
    apiBaseUrl: 'https://api.livechatinc.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'account_id',
    hooks: { tokenResponse, tokenResponseProfile, revoke },
  }),
};
