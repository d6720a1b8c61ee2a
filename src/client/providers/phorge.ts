/**
 * Phorge (and Phabricator, which it continues), through its OAuth Server application (an OAuth application made
 * under OAuth Server, Create Application, the callback as its redirect URI): always self-run, so `<NAME>_BASE_URL`
 * is required, the install's URL. From Phorge's "Using the Phorge OAuth Server"
 * (https://we.phorge.it/book/contrib/article/using_oauthserver/; Phabricator's page, the same text:
 * https://secure.phabricator.com/book/phabcontrib/article/using_oauthserver/):
 * - `GET <base>/oauthserver/auth/` with `client_id` (the application's PHID), `response_type=code`, `redirect_uri`
 *   (optional: the registered one or one with the same domain, path, port and query) and `state`; `scope` is
 *   optional and its section is unwritten, so none is asked. A person who does not authorize is sent back with an
 *   error; a redirect URI that looks wrong is told on Phorge's own page.
 * - `POST <base>/oauthserver/token/` with `client_id`, `client_secret`, `code`, `grant_type` and the same
 *   `redirect_uri` as the authorization; the client is authenticated by the form's id and secret. The answer
 *   carries `access_token`; no refresh token is issued.
 * - The token goes in the `access_token` query parameter of each Conduit call (accessTokenParameter), e.g.
 *   `<base>/api/user.whoami?access_token=…`, which is where the person is read; a token that has ended or is
 *   otherwise invalid is an error, after which the whole authorization must be run again (nothing to refresh).
 * - The person is `user.whoami`'s `result`: `phid` (`PHID-USER-…`, the user's object id in that install; the
 *   `userName` can be renamed by an administrator, so it is only the preferred username) qualified by the
 *   install's host, `<phid>@<host>`, as two installs' PHIDs name two people; `realName` the name; `primaryEmail`
 *   kept as not verified.
 * Not checked against Phorge's pages: the `grant_type` value (the page says `token`; Phorge's server takes only
 *   `authorization_code`, which is sent); the token answer's members (`access_token` and `token_type: "Bearer"`,
 *   no `expires_in`, so the token is kept with no end); the token endpoint's refusals (RFC 6749 §5.2's bodies with
 *   HTTP 400; a wrong secret is answered `invalid_grant`, as an expired code is, so it cannot be told from one);
 *   Conduit's answer to a token it does not take (HTTP 200 with `error_code: "ERR-INVALID-AUTH"` and a null
 *   `result`, which the tokenRejected hook reads as RFC 6750's 401, so the connection needs re-authorization);
 *   `user.whoami`'s members; that a PHID is never reused; whether PKCE is taken (none is sent). Phorge documents
 *   no revocation: disconnect forgets the token here (the person can revoke the authorization in their settings).
 */
import { readTokenEndpointBody } from '../provider-hooks.js';
import { hostOf, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * user.whoami's `result` as claims: `id` its PHID qualified by the install's host, the bare `phid`, `realName` as
 * the name, `userName` as preferred_username and `primaryEmail` (not verified); an answer without a user PHID
 * names no one, and the sign-in fails.
 */
function whoamiClaims(installHost: string): (body: unknown) => Record<string, unknown> | undefined {
  return (body) => {
    const result = objectOf(objectOf(body)?.result);
    const phid = trimmedText(result?.phid);
    if (!result || !phid?.startsWith('PHID-USER-')) return undefined;
    const email = trimmedText(result.primaryEmail);
    return { id: `${phid}@${installHost}`, phid, ...textMembers({ name: result.realName, preferred_username: result.userName }), ...(email ? { email, email_verified: false } : {}) };
  };
}

/** Conduit's refusal of the token itself: HTTP 200 with `error_code` ERR-INVALID-AUTH (not ERR-OAUTH-ACCESS, a method the token may not call). */
async function tokenRejected(response: Response): Promise<boolean> {
  if (response.status !== 200) return false;
  const { fields } = await readTokenEndpointBody(response);
  return fields?.error_code === 'ERR-INVALID-AUTH';
}

export const phorge: ProviderPreset = {
  displayName: 'Phorge',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    const install = withoutTrailingSlash(baseUrl ?? '');
    return {
      endpoints: {
        authorizationEndpoint: `${install}/oauthserver/auth/`,
        tokenEndpoint: `${install}/oauthserver/token/`,
        userinfoEndpoint: `${install}/api/user.whoami`,
      },
      // None: the page leaves scopes unwritten.
      scope: '',
      pkce: false,
      apiBaseUrl: `${install}/api`,
      accessTokenParameter: 'access_token',
      tokenEndpointAuthMethod: 'client_secret_post',
      successMayRejectToken: true,
      subjectClaim: 'id',
      hooks: { profileClaims: whoamiClaims(hostOf(install)), tokenRejected },
    };
  },
};
