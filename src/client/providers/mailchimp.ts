/**
 * Mailchimp (the Marketing API, for apps acting for other Mailchimp
 * accounts). Plain OAuth 2.0 without discovery, scopes or an ID token. From
 * Mailchimp's OAuth guide
 * (https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/)
 * and its earlier version
 * (https://developer.mailchimp.com/documentation/mailchimp/guides/how-to-use-oauth2/):
 * - `GET https://login.mailchimp.com/oauth2/authorize` with `response_type=code`,
 *   `client_id` and `redirect_uri`; there are no scopes (a token reaches all
 *   the authorizing login can), so none is asked for;
 * - `POST https://login.mailchimp.com/oauth2/token` with the client's id and
 *   secret in the form body beside the code; the access token never expires
 *   ("tokens do not expire, so you do not need to use refresh_token") and no
 *   refresh token is issued: a token Mailchimp stops taking needs a new
 *   sign-in;
 * - each account's Marketing API is on its own data centre's host: after the
 *   exchange, `GET https://login.mailchimp.com/oauth2/metadata` with
 *   `Authorization: OAuth <access token>` answers `dc` (the server prefix)
 *   and `api_endpoint` (`https://<dc>.api.mailchimp.com`); API calls go to
 *   api_endpoint + `/3.0`, only on a host under `api.mailchimp.com`. The
 *   metadata call is also who signed in: `login.login_id`, the login (one
 *   person; an account may have several) is the subject, with its
 *   `login_name` and `login_email`; the account is `user_id` and `accountname`;
 * - the Marketing API takes the token as `Authorization: Bearer`
 *   (https://mailchimp.com/developer/release-notes/changes-when-using-multiple-authorization-methods/),
 *   and answers errors as problem details `{type, title, status, detail,
 *   instance}`, 401 for a token it does not take
 *   (https://mailchimp.com/developer/marketing/docs/errors/);
 * - there is no revocation endpoint: a person removes the app under their
 *   Mailchimp account's connected apps, so disconnect deletes the token here
 *   and says it was not revoked at Mailchimp.
 * Not checked against Mailchimp's own pages, which the guide leaves to its
 * sample code: the metadata answer's members beyond `dc` (`login`, `user_id`,
 * `api_endpoint`, as integrations read them), whether the metadata call takes
 * `Bearer` too (the documented `OAuth` is sent), the token answer's shape
 * (integrations report `expires_in: 0` and `scope: null`, read here as no
 * expiry and no scope, and a `token_type` is not shown: Bearer where none
 * is named, `omitsTokenType`), whether PKCE is taken (the challenge is
 * sent, which RFC 7636 §4.5 has a server ignore), whether the e-mail is verified (kept
 * as not known to be), and the body of a refused token request (RFC 6749
 * §5.2's `error` is assumed; an answer without one is a provider fault, 502).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';

/** The member profileClaims adds for the connection's API base. */
const API_BASE_MEMBER = 'api_base';

/**
 * The person in the metadata answer: the login's id, name and e-mail at the
 * top, the account beside them, and the Marketing API base (api_endpoint +
 * `/3.0`), which the connection rule checks before any token goes there.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const metadata = objectOf(body);
  const login = objectOf(metadata?.login);
  if (!metadata || !login) return undefined;
  const endpoint = metadata.api_endpoint;
  return {
    login_id: login.login_id,
    login_name: login.login_name,
    email: login.login_email ?? login.email,
    account_id: metadata.user_id,
    account_name: metadata.accountname,
    role: metadata.role,
    dc: metadata.dc,
    api_endpoint: endpoint,
    ...(typeof endpoint === 'string' ? { [API_BASE_MEMBER]: `${endpoint.replace(/\/+$/, '')}/3.0` } : {}),
  };
}

/**
 * A successful token answer without its `expires_in: 0` (Mailchimp's tokens
 * do not expire, and a lifetime of 0 seconds would read as one expired at
 * once). Refusals, and answers with any other lifetime, as they came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields || typeof fields.access_token !== 'string' || fields.expires_in !== 0) return rebuiltAnswer(response, response.status, text);
  const kept = Object.fromEntries(Object.entries(fields).filter(([member]) => member !== 'expires_in'));
  return rebuiltAnswer(response, response.status, JSON.stringify(kept), 'application/json');
}

export const mailchimp: ProviderPreset = {
  displayName: 'Mailchimp',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://login.mailchimp.com/oauth2/authorize',
      tokenEndpoint: 'https://login.mailchimp.com/oauth2/token',
      userinfoEndpoint: 'https://login.mailchimp.com/oauth2/metadata',
    },
    scope: '',
    tokenEndpointAuthMethod: 'client_secret_post',
    userinfoTokenScheme: 'OAuth',
    connectionApiBase: { profileMember: API_BASE_MEMBER, domains: ['api.mailchimp.com'] },
    subjectClaim: 'login_id',
    claimNames: { name: 'login_name', email: 'email' },
    omitsTokenType: true,
    hooks: { profileClaims, tokenResponse },
  }),
};
