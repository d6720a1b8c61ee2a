/**
 * Notion public connections (integrations), plain OAuth 2.0 without
 * discovery. From Notion's docs:
 * - the person is sent to `https://api.notion.com/v1/oauth/authorize` with
 *   `client_id`, `redirect_uri`, `response_type=code`, `owner=user` and
 *   `state`; there are no scopes (the person picks the pages to share) and no
 *   PKCE is documented (https://developers.notion.com/docs/authorization);
 * - `POST https://api.notion.com/v1/oauth/token` takes the client's id and
 *   secret in HTTP Basic (base64 of `client_id:client_secret`, as RFC 7617
 *   has it), a JSON body (`grant_type`, `code`, `redirect_uri`, or
 *   `refresh_token`) and the `Notion-Version` header; the answer carries
 *   `access_token`, `token_type: "bearer"`, `refresh_token`, `bot_id`,
 *   `workspace_id`, `workspace_name`, `workspace_icon` and `owner`, whose
 *   `user` is the person who authorized (`id`, `name`, `avatar_url`,
 *   `person.email`) (https://developers.notion.com/reference/create-a-token);
 *   a refresh answers a new access token and a new refresh token
 *   (https://developers.notion.com/reference/refresh-a-token); no `expires_in`
 *   is documented, so a token is refreshed when the API refuses it (401
 *   `unauthorized`);
 * - errors are `{ object: "error", status, code, message }`, `code` being
 *   RFC 6749's names at the OAuth endpoints (`invalid_grant`,
 *   `invalid_client`…), rewritten here into RFC 6749 §5.2's `error`
 *   (https://developers.notion.com/reference/status-codes);
 * - every API call needs `Notion-Version`; the latest is 2026-03-11
 *   (https://developers.notion.com/reference/versioning). It is sent by
 *   default, and a caller's own passes through the proxies to pin another;
 * - `POST /v1/oauth/revoke` with Basic credentials, a JSON `{ token }` and
 *   `Notion-Version` revokes an access token
 *   (https://developers.notion.com/reference/revoke-token).
 * The person is the Notion user id (`owner.user.id`), the same in every
 * workspace; the workspace (`workspace_id`, `workspace_name`) and the
 * connection's bot (`bot_id`) are kept with the profile. No userinfo call is
 * made: the token answer says who signed in. The e-mail is never said to be
 * verified. The API is https://api.notion.com/v1.
 */
import { ProviderUnavailableError } from '../errors.js';
import { plainBasicAuthorization, readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';

const NOTION_VERSION = '2026-03-11';

/** The token request as Notion documents it: the same members as JSON, with its version header (a refresh keeps the one it is given). */
const tokenRequest = jsonTokenRequest({ 'notion-version': NOTION_VERSION });

/** Notion's `{ object: "error", code, message }` at the token endpoint as RFC 6749 §5.2's `{ error, error_description }`. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.ok || !fields || typeof fields.error === 'string' || typeof fields.code !== 'string') return rebuiltAnswer(response, response.status, text);
  const answer = { error: fields.code, ...(typeof fields.message === 'string' ? { error_description: fields.message } : {}) };
  return rebuiltAnswer(response, response.status, JSON.stringify(answer), 'application/json');
}

/** The person (`owner.user`) and the workspace from the token answer: never its tokens. */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(answer.owner)?.user);
  if (!user || typeof user.id !== 'string') return undefined;
  const email = objectOf(user.person)?.email;
  return {
    id: user.id,
    ...(typeof user.name === 'string' ? { name: user.name } : {}),
    ...(typeof user.avatar_url === 'string' ? { picture: user.avatar_url } : {}),
    ...(typeof email === 'string' && email !== '' ? { email, email_verified: false } : {}),
    workspace_id: answer.workspace_id,
    workspace_name: answer.workspace_name ?? null,
    workspace_icon: answer.workspace_icon ?? null,
    bot_id: answer.bot_id,
  };
}

/** Revokes the access token at Notion's own endpoint (JSON, Basic credentials as RFC 7617 has them). */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Notion revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'notion-version': NOTION_VERSION, ...request.apiHeaders, 'content-type': 'application/json', authorization: plainBasicAuthorization(request.clientId, request.clientSecret) },
    body: JSON.stringify({ token: request.accessToken }),
  });
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => {});
    return 'revoked';
  }
  const { fields } = await readTokenEndpointBody(response);
  // A token Notion no longer knows (the person removed the connection) has nothing left to revoke.
  if (response.status === 400 && fields?.code === 'invalid_grant') return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Notion answered HTTP ${response.status} to the token's revocation.`);
}

export const notion: ProviderPreset = {
  displayName: 'Notion',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.notion.com/v1/oauth/authorize',
      tokenEndpoint: 'https://api.notion.com/v1/oauth/token',
      revocationEndpoint: 'https://api.notion.com/v1/oauth/revoke',
    },
    // Notion has no scopes: the person chooses the pages at the authorization page.
    scope: '',
    authorizationParams: { owner: 'user' },
    apiBaseUrl: 'https://api.notion.com/v1',
    apiHeaders: { 'notion-version': NOTION_VERSION },
    proxyHeaders: { request: ['notion-version'], response: [] },
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    pkce: false,
    subjectClaim: 'id',
    hooks: { tokenRequest, tokenResponse, tokenResponseProfile, revoke },
  }),
};
