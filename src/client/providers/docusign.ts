/**
 * DocuSign eSignature (Confidential Authorization Code Grant). Plain OAuth 2.0
 * with explicit endpoints: no ID token is asked for. From DocuSign's docs:
 * - the account server is https://account.docusign.com (production), or
 *   https://account-d.docusign.com for the developer (demo) environment:
 *   `<NAME>_BASE_URL=https://account-d.docusign.com`
 *   (https://developers.docusign.com/platform/auth/reference/);
 *   `/oauth/auth` authorizes, with `response_type=code` and a space-separated
 *   `scope` (https://developers.docusign.com/platform/auth/authcode/authcode-get-token/,
 *   https://developers.docusign.com/platform/auth/confidential-authcode-get-token/);
 *   PKCE is an optional layer there, and is sent;
 * - the scopes asked are `signature` (the eSignature API) and `extended`, so
 *   that each refresh answers a refresh token with a full lifetime again
 *   (https://developers.docusign.com/platform/auth/reference/scopes/);
 * - `POST /oauth/token` takes `Authorization: Basic` base64 of
 *   `integration_key:secret_key` as they are, and answers `access_token`,
 *   `token_type` Bearer, `refresh_token` and `expires_in` 28800: access tokens
 *   live 8 hours (https://developers.docusign.com/platform/auth/reference/obtain-access-token/);
 *   a refresh answers a new access token and a new refresh token, kept in
 *   place of the old. Refresh tokens live 30 days
 *   (https://www.docusign.com/blog/developers/authorization-code-grant-refresh-tokens),
 *   with `extended` each new one 30 days again, so the keep-alive sweep
 *   refreshes a connection nobody used in its last 7 of them;
 * - `GET /oauth/userinfo` (https://developers.docusign.com/platform/auth/reference/user-info/)
 *   answers `sub` (the user's id, the subject), `name`, `given_name`,
 *   `family_name`, `email` and `accounts[]`, each with `account_id`,
 *   `is_default`, `account_name` and `base_uri`, the host of that account's
 *   API. A connection calls the eSignature REST API of the person's default
 *   account, `{base_uri}/restapi/v2.1/accounts/{account_id}`, checked to be
 *   https on `docusign.net` before any token goes there; an answer with no
 *   single default account fails the sign-in (502). DocuSign limits userinfo
 *   calls per hour, and it is called once a sign-in;
 * - the API answers a token it does not take with 401
 *   `{"errorCode": "AUTHORIZATION_INVALID_TOKEN", "message": …}`
 *   (https://developers.docusign.com/docs/esign-rest-api/esign101/error-codes/troubleshooting-common-errors/);
 * - there is no revocation endpoint: `/logout` ends a browser session only
 *   (https://developers.docusign.com/platform/auth/reference/logout/); a
 *   person revokes the app in their profile's Connected Apps, so disconnect
 *   deletes the tokens here and says it was not revoked at DocuSign.
 * Not checked against DocuSign's own pages: whether a used refresh token
 * keeps working after the refresh that replaced it (the newest one is always
 * kept), that every base_uri is on docusign.net (the documented examples
 * are), whether the e-mail is verified (kept as not known to be), and the
 * bodies of a refused token request (RFC 6749 §5.2's `error` is assumed) and
 * of a refused userinfo call.
 */
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** The member profileClaims adds for the connection's API base. */
const API_BASE_MEMBER = 'api_base';

/** An account id as DocuSign writes it (a GUID), so it is one path segment and never a dot-segment. */
const ACCOUNT_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * The userinfo answer with the person's default account beside it
 * (`account_id`, `account_name`, `base_uri`) and its eSignature REST API base,
 * which the connection rule checks before any token goes there. No single
 * default account: no API base, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const userinfo = objectOf(body);
  if (!userinfo) return undefined;
  const accounts = Array.isArray(userinfo.accounts) ? userinfo.accounts.map(objectOf).filter((account) => account !== undefined) : [];
  const defaults = accounts.filter((account) => account.is_default === true);
  const account = defaults.length === 1 ? defaults[0]! : undefined;
  const { account_id: accountId, base_uri: baseUri } = account ?? {};
  if (!account || typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId) || typeof baseUri !== 'string') return userinfo;
  return {
    ...userinfo,
    account_id: accountId,
    account_name: account.account_name,
    base_uri: baseUri,
    [API_BASE_MEMBER]: `${baseUri.replace(/\/+$/, '')}/restapi/v2.1/accounts/${accountId}`,
  };
}

export const docusign: ProviderPreset = {
  displayName: 'DocuSign',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const account = baseUrl ? withoutTrailingSlash(baseUrl) : 'https://account.docusign.com';
    return {
      endpoints: {
        authorizationEndpoint: `${account}/oauth/auth`,
        tokenEndpoint: `${account}/oauth/token`,
        userinfoEndpoint: `${account}/oauth/userinfo`,
      },
      scope: 'signature extended',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      connectionApiBase: { profileMember: API_BASE_MEMBER, domains: ['docusign.net'] },
      refreshTokenIdleSeconds: 30 * 86_400,
      subjectClaim: 'sub',
      claimNames: { name: 'name', email: 'email' },
      hooks: { profileClaims },
    };
  },
};
