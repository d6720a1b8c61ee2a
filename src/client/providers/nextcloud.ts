/**
 * Nextcloud, through its OAuth2 app (a client an administrator adds under
 * Administration settings, Security, "OAuth 2.0 clients"): always self-run,
 * so `<NAME>_BASE_URL` is required, the server's URL (with its sub-path if it
 * has one). Plain OAuth 2.0 with explicit endpoints: no discovery, no ID
 * token. From Nextcloud's admin manual
 * (https://docs.nextcloud.com/server/latest/admin_manual/configuration_server/oauth2.html)
 * and its OAuth2 app's behaviour as its source has it:
 * - `GET <base>/index.php/apps/oauth2/authorize` with `client_id`, `state`
 *   and `response_type=code`; Nextcloud has no scopes, so none is asked, and
 *   the token reaches all the person's Nextcloud. The person signs in and
 *   grants access, and goes back to the client's registered redirect URI
 *   (whatever `redirect_uri` says) with the code; there is no refusal to go
 *   back with.
 * - `POST <base>/index.php/apps/oauth2/api/v1/token` with the code (good for
 *   10 minutes, and once) and the client's id and secret in the form, as the
 *   manual shows (Basic is taken too, but is also how Nextcloud signs people
 *   in, so the form is sent). The answer is `access_token` (an app password
 *   of the person's, ending after `expires_in`, 3600 seconds), `token_type`
 *   `Bearer`, `refresh_token` and `user_id`. A refresh answers a new access
 *   token and a new refresh token, and ends both old ones, so the new pair is
 *   kept; refresh tokens have no stated end.
 * - Refusals are a bare `{ "error": … }` with HTTP 400: `invalid_client` for
 *   the client, and `invalid_request` for a code or refresh token that is
 *   unknown, used, expired or whose app password was revoked, which RFC 6749
 *   §5.2 calls `invalid_grant`: the tokenResponse hook reads it so, and a
 *   revoked grant means signing in again, not a configuration fault.
 * - The person is the OCS API's `GET <base>/ocs/v2.php/cloud/user?format=json`
 *   with `OCS-APIRequest: true`, which every OCS call needs
 *   (https://docs.nextcloud.com/server/latest/developer_manual/client_apis/OCS/ocs-api-overview.html):
 *   `ocs.data.id`, the user id the token answer's `user_id` names too, which
 *   never changes (unlike the display name), is the subject; `display-name`
 *   (older servers) or `displayname` the name; `email`, which a person may
 *   set to any address unconfirmed, is kept as not verified.
 * - The API base is the server itself: WebDAV under `/remote.php/dav`
 *   (https://docs.nextcloud.com/server/latest/developer_manual/client_apis/WebDAV/index.html),
 *   the OCS APIs under `/ocs/v2.php`, each taking the token as Bearer;
 *   `OCS-APIRequest: true` goes with every call unless the caller sends its own.
 * - Nextcloud's OAuth2 app has no revocation endpoint; the access token is an
 *   app password, which `DELETE /ocs/v2.php/core/apppassword` ends when called
 *   with it (https://docs.nextcloud.com/server/latest/developer_manual/client_apis/LoginFlow/index.html#deleting-an-app-password),
 *   and the grant with it: its refresh token is refused from then on. The
 *   person can also revoke the client under Personal settings, Security.
 * Not checked against a running Nextcloud: that the app password deletion
 * takes an OAuth access token sent as Bearer (its source reads one so; a 403
 * is reported as not revoked), whether any version takes PKCE (the challenge
 * is sent, which RFC 7636 §4.5 has a server ignore), and whether a refresh
 * token left unused ends (no end is assumed, so no keep-alive).
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/** Nextcloud's bare `invalid_request`, its answer to a code or refresh token it does not take, as RFC 6749's `invalid_grant`; anything else as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status !== 400 || fields?.error !== 'invalid_request' || fields.error_description !== undefined) return rebuiltAnswer(response, response.status, text);
  const answer = { error: 'invalid_grant', error_description: 'Nextcloud does not know this code or refresh token, or no longer takes it.', nextcloud_error: 'invalid_request' };
  return rebuiltAnswer(response, 400, JSON.stringify(answer), 'application/json');
}

/** The person of an OCS answer, `ocs.data`: its `id`, the display name and the e-mail (not verified); an answer without an id names no one. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const data = objectOf(objectOf(objectOf(body)?.ocs)?.data);
  const id = data?.id;
  if (typeof id !== 'string' || id === '') return undefined;
  const name = trimmedText(data!['display-name']) ?? trimmedText(data!.displayname);
  const email = trimmedText(data!.email);
  return { id, ...(name ? { name } : {}), ...(email ? { email, email_verified: false } : {}) };
}

/** Ends the access token, an app password, with DELETE /ocs/v2.php/core/apppassword sent with it; its refresh token goes with it. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('Nextcloud revocation needs the API base URL');
  const response = await request.send(`${withoutTrailingSlash(request.apiBaseUrl)}/ocs/v2.php/core/apppassword?format=json`, {
    method: 'DELETE',
    headers: { ...request.apiHeaders, 'ocs-apirequest': 'true', accept: 'application/json', authorization: `Bearer ${request.accessToken}` },
  });
  await response.body?.cancel().catch(() => {});
  if (response.status === 200) return 'revoked';
  // The token refused once Nextcloud had refused its refresh token too: the person revoked the client there.
  if (response.status === 401 && request.refreshTokenRefused) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Nextcloud answered HTTP ${response.status} to the app password's deletion.`);
}

export const nextcloud: ProviderPreset = {
  displayName: 'Nextcloud',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    const server = withoutTrailingSlash(baseUrl ?? '');
    return {
      endpoints: {
        authorizationEndpoint: `${server}/index.php/apps/oauth2/authorize`,
        tokenEndpoint: `${server}/index.php/apps/oauth2/api/v1/token`,
        userinfoEndpoint: `${server}/ocs/v2.php/cloud/user?format=json`,
      },
      scope: '',
      apiBaseUrl: server,
      apiHeaders: { 'ocs-apirequest': 'true' },
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
      hooks: { tokenResponse, profileClaims, revoke },
    };
  },
};
