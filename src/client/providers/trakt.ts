/**
 * Trakt (the Trakt API v2, for an app created at https://trakt.tv/oauth/applications). Plain OAuth 2.0
 * with explicit endpoints: no discovery, no ID token, no scopes. From Trakt's documentation:
 * - `GET https://trakt.tv/oauth/authorize` with `response_type=code`, `client_id`, `redirect_uri` and
 *   `state`; Trakt sends the person back with `code` and `state`
 *   (https://docs.trakt.tv/reference/authentication, "Authorization Code Flow");
 * - `POST https://api.trakt.tv/oauth/token` takes a JSON body: `code`, `client_id`, `client_secret`,
 *   `redirect_uri` and `grant_type`, or for a refresh `refresh_token` in place of `code`
 *   (https://docs.trakt.tv/reference/postoauthtoken; Trakt's own request schemas,
 *   https://github.com/trakt/trakt-api, `contracts/oauth`): the tokenRequest hook sends openid-client's
 *   form as that JSON, and a refresh sends the `redirect_uri` the connection's code exchange sent
 *   (refreshSendsRedirectUri). The answer is `access_token`, `token_type`, `expires_in`, `refresh_token`,
 *   `scope` and `created_at`; an access token is valid for 7 days, and the refresh token gets a new
 *   one without asking the person again (https://docs.trakt.tv/reference/postoauthdevicetoken). A
 *   request it cannot process is 400 with `{ error, error_description }`;
 * - every API call carries `trakt-api-key` (the client id) and `trakt-api-version: 2` beside the token
 *   as Bearer (https://docs.trakt.tv/docs/required-headers); the API is `https://api.trakt.tv`;
 * - the person is `GET /users/settings`: `user` with `username`, `name` and `ids` (`slug`, `uuid`),
 *   whose `uuid` is "globally unique" and meant to identify the user locally
 *   (https://docs.trakt.tv/reference/authentication): it is the subject, the username is kept as
 *   `preferred_username`. Trakt tells no e-mail;
 * - `POST https://api.trakt.tv/oauth/revoke` with a JSON body of `token` (the access token),
 *   `client_id` and `client_secret` revokes it (https://docs.trakt.tv/reference/postoauthrevoke): the
 *   revoke hook sends it so on disconnect.
 * Not checked against Trakt's pages: whether a refresh without `redirect_uri` (a connection stored
 * before the redirect URI was kept, refreshed without one) is refused; whether a refresh token
 * is refused once spent (the newest is always kept); whether revoking the access token ends its
 * refresh token too (assumed); the status the revocation answers (any 2xx is taken as revoked); that
 * an authorization refused by the person comes back as RFC 6749's `access_denied`; and that the
 * token endpoint refuses a wrong client secret with `invalid_client`.
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The person of `/users/settings` (`user`): `ids.uuid` as the subject, the username as
 * `preferred_username`, the name (else the username) and the slug. An answer without a uuid names no
 * one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.user);
  const ids = objectOf(user?.ids);
  const uuid = trimmedText(ids?.uuid);
  if (!user || !uuid) return undefined;
  const username = trimmedText(user.username);
  const name = trimmedText(user.name) ?? username;
  const slug = trimmedText(ids!.slug);
  return { uuid, ...textMembers({ preferred_username: username, name, slug }) };
}

/** Revokes the access token at `/oauth/revoke` with Trakt's JSON body of the token and the client. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Trakt revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...request.apiHeaders },
    body: JSON.stringify({ token: request.accessToken, client_id: request.clientId, client_secret: request.clientSecret }),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Trakt refused the token revocation (HTTP ${response.status}).`);
}

export const trakt: ProviderPreset = {
  displayName: 'Trakt',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://trakt.tv/oauth/authorize',
      tokenEndpoint: 'https://api.trakt.tv/oauth/token',
      userinfoEndpoint: 'https://api.trakt.tv/users/settings',
      revocationEndpoint: 'https://api.trakt.tv/oauth/revoke',
    },
    scope: '',
    apiBaseUrl: 'https://api.trakt.tv',
    apiHeaders: { 'trakt-api-version': '2' },
    clientIdHeader: 'trakt-api-key',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    refreshSendsRedirectUri: true,
    subjectClaim: 'uuid',
    hooks: { tokenRequest: jsonTokenRequest(), profileClaims, revoke },
  }),
};
