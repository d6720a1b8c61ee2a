/**
 * Attio (an app made in Attio's developer dashboard, build.attio.com, with
 * OAuth turned on and the callback among its redirect URIs). Plain OAuth 2.0,
 * RFC 6749's authorization code grant, with explicit endpoints: no discovery,
 * no ID token. A token is the workspace's that the person installs the app in.
 * From Attio's docs:
 * - `GET https://app.attio.com/authorize` with `client_id`,
 *   `response_type=code`, `redirect_uri` (exactly one of the app's) and
 *   `state` (https://docs.attio.com/rest-api/endpoint-reference/oauth/oauth-20/authorize-endpoint);
 *   there is no scope parameter: the scopes are set on the app, so none is
 *   sent (https://docs.attio.com/rest-api/guides/configuring-oauth);
 * - `POST https://app.attio.com/oauth/token` with `client_id`,
 *   `client_secret`, `grant_type=authorization_code` and `code`; the answer
 *   is `access_token` and `token_type: "Bearer"` alone
 *   (https://docs.attio.com/docs/oauth/token): no expiry and no refresh
 *   token, so the token is kept until Attio stops taking it (a 401 then asks
 *   for a new sign-in);
 * - the API is `https://api.attio.com` with the token as Bearer
 *   (https://docs.attio.com/rest-api/guides/authentication);
 *   `GET /v2/self` identifies the token
 *   (https://docs.attio.com/rest-api/endpoint-reference/meta/identify): as
 *   the introspect endpoint does (https://docs.attio.com/docs/oauth/introspect),
 *   `active`, `scope`, `client_id`, `workspace_id`, `workspace_name`,
 *   `workspace_slug`, `workspace_logo_url` and
 *   `authorized_by_workspace_member_id`, the member who installed the app,
 *   which is the subject; `{ "active": false }` (HTTP 200) for a token that is
 *   no longer good, which names no one;
 * - the member's name and e-mail are `GET /v2/workspace_members/{id}`'s
 *   `first_name`, `last_name` and `email_address`, behind the
 *   `user_management:read` scope
 *   (https://docs.attio.com/rest-api/endpoint-reference/workspace-members/get-a-workspace-member):
 *   read when the app has that scope, skipped when Attio refuses (403);
 * - `POST https://app.attio.com/oauth/revoke` ends the access token, sent as
 *   Bearer or as `token` in a form body, answering 204; 400 for a request
 *   with no token (https://docs.attio.com/docs/oauth/revoke): the revoke
 *   hook sends the form, as Attio's example does.
 * Not checked against Attio's own pages: the token endpoint's refusals (a
 * code it does not take, a wrong secret), assumed RFC 6749 §5.2's `error`;
 * whether the token endpoint takes the client by Basic too (the form is
 * sent, as the page lists it); whether PKCE is read (the challenge is sent,
 * which RFC 7636 §4.5 has a server ignore); what revoking a token Attio no
 * longer knows answers (a 401 or 400 for a token that was live is taken as
 * revoked already); the refusal of an authorization (`access_denied`, as RFC
 * 6749 §4.1.2.1 has it); whether the e-mail is verified (stored as not known
 * to be); that a person installing the app in two workspaces is two members,
 * so two accounts here.
 */
import { ProviderUnavailableError } from '../errors.js';
import type { ProfileReader, RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** The token of `/v2/self`: the member who installed the app and the workspace; no one for an inactive token. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const self = objectOf(body);
  const memberId = trimmedText(self?.authorized_by_workspace_member_id);
  if (!self || self.active !== true || !memberId) return undefined;
  const kept: Record<string, unknown> = { authorized_by_workspace_member_id: memberId };
  for (const member of ['workspace_id', 'workspace_name', 'workspace_slug', 'workspace_logo_url', 'scope'] as const) {
    const value = trimmedText(self[member]);
    if (value) kept[member] = value;
  }
  return kept;
}

/**
 * The member's name and e-mail from `/v2/workspace_members/{id}`, the id read from `/v2/self`; nothing when the
 * app lacks `user_management:read` (Attio answers 403). Throws on an answer without the member.
 */
async function readMoreClaims(reader: ProfileReader): Promise<Record<string, unknown>> {
  if (!reader.apiBaseUrl) return {};
  const api = withoutTrailingSlash(reader.apiBaseUrl);
  const memberId = trimmedText(objectOf(await reader.getJson(`${api}/v2/self`))?.authorized_by_workspace_member_id);
  if (!memberId) return {};
  const body = await reader.getJson(`${api}/v2/workspace_members/${encodeURIComponent(memberId)}`);
  if (body === undefined) return {};
  const member = objectOf(objectOf(body)?.data);
  if (!member) throw new ProviderUnavailableError('provider_bad_response', 'Attio did not answer GET /v2/workspace_members/{id} with a member.');
  const name = joinedName(member.first_name, member.last_name);
  const email = trimmedText(member.email_address);
  const accessLevel = trimmedText(member.access_level);
  return textMembers({ name, email, access_level: accessLevel });
}

/** Revokes the access token at /oauth/revoke, the token in a form body as Attio's example sends it. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Attio revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: request.accessToken }).toString(),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  // A token that was live refused: the person uninstalled the app, or it was revoked already.
  if ((response.status === 400 || response.status === 401) && !request.accessTokenExpired) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Attio refused the token revocation (HTTP ${response.status}).`);
}

export const attio: ProviderPreset = {
  displayName: 'Attio',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.attio.com/authorize',
      tokenEndpoint: 'https://app.attio.com/oauth/token',
      userinfoEndpoint: 'https://api.attio.com/v2/self',
      revocationEndpoint: 'https://app.attio.com/oauth/revoke',
    },
    scope: '',
    apiBaseUrl: 'https://api.attio.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'authorized_by_workspace_member_id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { profileClaims, readMoreClaims, revoke },
  }),
};
