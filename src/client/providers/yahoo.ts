/**
 * Sign in with Yahoo (OpenID Connect with discovery). From Yahoo's docs:
 * - the issuer is `https://api.login.yahoo.com`, whose
 *   `/.well-known/openid-configuration` names `/oauth2/request_auth`,
 *   `/oauth2/get_token`, `/openid/v1/userinfo` and the keys at
 *   `/openid/v1/certs` (https://developer.yahoo.com/sign-in-with-yahoo/,
 *   https://developer.yahoo.com/oauth2/guide/openid_connect/getting_started.html);
 *   its ID tokens are signed with ES256, which the discovery document names,
 *   where a client that assumes RS256 refuses them (what other libraries'
 *   users set by hand);
 * - scopes `openid email profile`: the app's OpenID Connect permissions
 *   (Email, Profile) must be ticked in its settings, and a scope the app was
 *   not given is refused; other Yahoo APIs' scopes (`fspt-r` for Fantasy
 *   Sports, `mail-r`) go in `<NAME>_SCOPE` as the app has them;
 * - `/oauth2/get_token` takes Basic, base64 of `client_id:client_secret` as
 *   they are: a Yahoo client id ends in `--`, which the form-encoding of
 *   RFC 6749 §2.3.1 would turn into `%2D%2D`. It answers `access_token`,
 *   `token_type` "bearer", `expires_in` 3600, `refresh_token`,
 *   `xoauth_yahoo_guid` (the user's GUID) and the `id_token`
 *   (https://developer.yahoo.com/oauth2/guide/flows_authcode/);
 * - a refresh request carries `redirect_uri` too, which the tokenRequest
 *   hook adds as `oob`, the value Yahoo's examples send when nobody is
 *   redirected; its answer repeats a refresh token, which "may change": the
 *   core keeps whichever comes. Refresh tokens do not expire: the person is
 *   asked again only after revoking the app in their Yahoo account settings
 *   (https://developer.yahoo.com/oauth2/guide/flows_authcode/);
 * - token endpoint errors are JSON `error` and `error_description`, the
 *   codes sometimes RFC 6749's (`invalid_request`) and sometimes Yahoo's own
 *   in capitals (https://developer.yahoo.com/oauth2/guide/openid_connect/troubleshooting.html,
 *   https://developer.yahoo.com/oauth2/guide/errors/): the tokenResponse
 *   hook reads `INVALID_REFRESH_TOKEN`, `TOKEN_EXPIRED` and `INVALID_GRANT`
 *   as `invalid_grant`, `INVALID_CLIENT` and `INVALID_CLIENT_SECRET` as
 *   `invalid_client`, and any other code in lower case;
 * - the person is `sub`; `/openid/v1/userinfo` answers `sub`, `name`,
 *   `given_name`, `family_name`, `preferred_username`, `email` and `picture`
 *   (https://developer.yahoo.com/oauth2/guide/get-user-inf/Get-User-Info-API.html);
 *   calls go there by default (`<NAME>_API_BASE_URL` for another Yahoo API);
 * - a person who answers "Not now" comes back with `error=access_denied`;
 * - Yahoo documents no revocation endpoint, and its discovery document names
 *   none: disconnect deletes the tokens here, and the person removes the app
 *   in their Yahoo account's security settings.
 * Not checked against Yahoo's own pages: PKCE, which Yahoo's OAuth 2.0 guide
 * does not mention and which is sent (mail clients report Yahoo requiring
 * S256 of theirs); whether a refresh without `redirect_uri` is refused;
 * whether a refresh token that "may change" leaves the old one working; the
 * statuses and codes Yahoo answers for a refused code or a wrong secret (its
 * errors page says 401 `INVALID_GRANT` and `INVALID_CLIENT_SECRET`, users
 * report 400 `INVALID_REFRESH_TOKEN` for a refresh token it refuses).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

const ISSUER = 'https://api.login.yahoo.com';

/** Yahoo's own error codes, by the RFC 6749 §5.2 error each one is. */
const RFC_6749_ERRORS: Readonly<Record<string, string>> = {
  INVALID_REFRESH_TOKEN: 'invalid_grant',
  TOKEN_EXPIRED: 'invalid_grant',
  INVALID_GRANT: 'invalid_grant',
  INVALID_CLIENT: 'invalid_client',
  INVALID_CLIENT_SECRET: 'invalid_client',
};

/** A refresh request with the `redirect_uri` Yahoo's refresh takes, `oob` where none was sent. */
function tokenRequest(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams(request.body);
  if (body.get('grant_type') === 'refresh_token' && !body.has('redirect_uri')) body.set('redirect_uri', 'oob');
  return { body: body.toString(), headers: request.headers };
}

/**
 * A refusal with Yahoo's own code as RFC 6749 §5.2's: `invalid_grant` with
 * 400, `invalid_client` with 401, any other code in lower case. Other answers
 * are left as they are.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status < 400 || response.status >= 500 || !fields || typeof fields.error !== 'string') return rebuiltAnswer(response, response.status, text);
  const error = RFC_6749_ERRORS[fields.error.toUpperCase()] ?? fields.error.toLowerCase();
  const status = error === 'invalid_grant' ? 400 : error === 'invalid_client' ? 401 : response.status;
  return rebuiltAnswer(response, status, JSON.stringify({ ...fields, error }), 'application/json');
}

export const yahoo: ProviderPreset = {
  displayName: 'Yahoo',
  settings: () => ({
    discovery: { issuer: ISSUER },
    scope: 'openid email profile',
    apiBaseUrl: ISSUER,
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    refreshTokenNeedsConsent: false,
    hooks: { tokenRequest, tokenResponse },
  }),
};
