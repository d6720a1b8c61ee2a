/**
 * Baidu (an application registered on Baidu's developer platform, its callback under the authorization safety
 * settings). OAuth 2.0 with explicit endpoints: no discovery, no ID token. From Baidu's OAuth pages:
 * - the person is sent to `https://openapi.baidu.com/oauth/2.0/authorize` with `response_type=code`, `client_id`
 *   (the API Key), `redirect_uri`, `scope` and `state`; `scope` is `basic` or `mobile`, the default permissions when
 *   absent; a person who declines comes back with `error=access_denied` (https://openauth.baidu.com/doc/doc.html).
 *   `basic`, the basic profile, is asked;
 * - tokens are at `https://openapi.baidu.com/oauth/2.0/token` (POST recommended), with `client_id` and
 *   `client_secret` (the Secret Key) as parameters; an app allowed lasting authorization gets a one-month access
 *   token and a 10-year refresh token, and `grant_type=refresh_token` answers a new access token with a new refresh
 *   token, each refresh token usable once; refusals are `error` and `error_description`
 *   (http://developer.baidu.com/wiki/index.php?title=docs/oauth/refresh);
 * - the person's `openid` is the Baidu user's unique identifier for this developer account and this app, replacing
 *   the old `userid`, which is no longer returned after the transition (https://openauth.baidu.com/doc/openid.html):
 *   the subject. It is read from the user information API, `passport/users/getInfo`.
 * Not checked against Baidu's own pages: the user information API's address
 * (`https://openapi.baidu.com/rest/2.0/passport/users/getInfo`) and answer (`openid`, `username`, `portrait`…, as
 * Baidu integrations read it); that the REST API takes the token as the `access_token` parameter (it is sent so on
 * every call, the user information's too); the refusal of a token it no longer takes (`error_code` 110, invalid,
 * or 111, expired, with `error_msg`, as Baidu SDKs read it; such an answer is handled as a 401); whether the token
 * answer names a `token_type` (none is needed: it is read as Bearer); whether PKCE is taken (none is sent); the
 * authorization code's form of the token request (`grant_type=authorization_code`, `code`, `client_id`,
 * `client_secret` and `redirect_uri`, as the refresh is documented); whether an e-mail is ever given (none is read).
 * No revocation is on the pages as read: disconnect forgets the tokens here.
 */
import { readTokenEndpointBody } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/** Baidu's error codes for an access token it no longer takes: invalid (110) or expired (111). */
const TOKEN_GONE = new Set([110, 111]);

/** The person of `passport/users/getInfo`: its `openid` and `username`; an answer without a string openid names no one, and the sign-in fails. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const openid = user?.openid;
  if (typeof openid !== 'string' || openid.trim() === '') return undefined;
  return { openid, ...textMembers({ name: user!.username }) };
}

/** Whether an API refusal names a token Baidu no longer takes, by its `error_code`: handled as a 401 is. */
async function tokenRejected(response: Response): Promise<boolean> {
  const { fields } = await readTokenEndpointBody(response);
  return TOKEN_GONE.has(Number(fields?.error_code));
}

export const baidu: ProviderPreset = {
  displayName: 'Baidu',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://openapi.baidu.com/oauth/2.0/authorize',
      tokenEndpoint: 'https://openapi.baidu.com/oauth/2.0/token',
      userinfoEndpoint: 'https://openapi.baidu.com/rest/2.0/passport/users/getInfo',
    },
    scope: 'basic',
    apiBaseUrl: 'https://openapi.baidu.com/rest/2.0',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    omitsTokenType: true,
    accessTokenParameter: 'access_token',
    subjectClaim: 'openid',
    hooks: { profileClaims, tokenRejected },
  }),
};
