/**
 * An emulator of DocuSign's account server (account.docusign.com, or
 * account-d.docusign.com) and of the part of an account's eSignature REST
 * API ({base_uri}/restapi/v2.1/accounts/{account_id}) a connection touches,
 * written from DocuSign's documentation:
 * - Authorization (https://developers.docusign.com/platform/auth/confidential-authcode-get-token/):
 *   `GET /oauth/auth` with `response_type=code`, `scope` (space-separated),
 *   `client_id`, `redirect_uri` (registered) and `state`, and the optional
 *   PKCE challenge. A declined consent goes back with `error=access_denied`.
 * - `POST /oauth/token` (https://developers.docusign.com/platform/auth/reference/obtain-access-token/)
 *   with `Authorization: Basic` base64(integration_key:secret_key) and a form
 *   body (`grant_type=authorization_code&code=…`, or `refresh_token`);
 *   answers `access_token`, `token_type` Bearer, `refresh_token`, `expires_in`
 *   28800. Each refresh answers a new refresh token, 30 days from then
 *   (https://www.docusign.com/blog/developers/authorization-code-grant-refresh-tokens,
 *   with `extended`); the one used stops working here, which DocuSign does not
 *   say either way. Refused token requests answer RFC 6749 §5.2's `error`.
 * - `GET /oauth/userinfo` (https://developers.docusign.com/platform/auth/reference/user-info/)
 *   answers `sub`, `name`, `given_name`, `family_name`, `created`, `email`
 *   and `accounts[]` (`account_id`, `is_default`, `account_name`,
 *   `base_uri`); the default account's base_uri is this emulator's origin
 *   unless a test names another.
 * - The eSignature API: `GET /restapi/v2.1/accounts/{accountId}/brands`
 *   (https://developers.docusign.com/docs/esign-rest-api/reference/accounts/accountbrands/list/)
 *   and `GET …/envelopes` (https://developers.docusign.com/docs/esign-rest-api/how-to/list-envelope-status-changes/)
 *   with the token as Bearer; a token it does not take is 401
 *   `{"errorCode": "AUTHORIZATION_INVALID_TOKEN", "message": …}`
 *   (https://developers.docusign.com/docs/esign-rest-api/esign101/error-codes/troubleshooting-common-errors/).
 * - No revocation endpoint; revokeApp() is the person revoking the app in
 *   Connected Apps, which ends every token of the grant.
 * The consent page approves at once for signInAs()'s user.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface DocusignUser {
  sub: string;
  givenName: string;
  familyName: string;
  email: string;
  /** The default account's id; the person is also in one other account, not the default. */
  accountId: string;
  accountName: string;
}

export interface DocusignEmulator extends EmulatorHandle<DocusignUser> {
  /** What userinfo says the default account's `base_uri` is (default: the emulator's origin). */
  setDefaultBaseUri(url: string): void;
  /** The person revokes the app at DocuSign: the grant's tokens are taken nowhere any more. */
  revokeApp(token: string): void;
}

const ACCESS_TOKEN_TTL = 28_800;
const REFRESH_TOKEN_TTL = 30 * 86_400;
const OTHER_ACCOUNT_ID = '0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f';

export async function startDocusignEmulator(options: EmulatorOptions): Promise<DocusignEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<DocusignUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
  });
  const controls = emulatorControls<DocusignUser>(server, grants);
  let defaultBaseUri = server.origin;

  server.route('GET', '/oauth/auth', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('response_type') !== 'code' || query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<h1>The redirect URI is not registered properly with DocuSign</h1>');
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  /** Basic with `integration_key:secret_key` as they are, as DocuSign documents the header. */
  const isClient = (request: EmulatorRequest): boolean => basicAsSent(request, options);

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: isClient,
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'Bearer', refresh_token: tokens.refreshToken, expires_in: ACCESS_TOKEN_TTL }),
  });

  server.route('GET', '/oauth/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token' });
    const { user } = grant;
    return json(200, {
      sub: user.sub,
      name: `${user.givenName} ${user.familyName}`,
      given_name: user.givenName,
      family_name: user.familyName,
      created: '2015-08-13T22:03:03.45',
      email: user.email,
      accounts: [
        { account_id: OTHER_ACCOUNT_ID, is_default: false, account_name: `${user.accountName} (archive)`, base_uri: 'https://na3.docusign.net' },
        { account_id: user.accountId, is_default: true, account_name: user.accountName, base_uri: defaultBaseUri },
      ],
    });
  });

  const invalidToken = (): EmulatorReply => json(401, { errorCode: 'AUTHORIZATION_INVALID_TOKEN', message: 'The access token provided is expired, revoked or malformed.' });
  /** The grant of the request's token when the path's account is the person's default one; a reply otherwise. */
  const accountGrant = (request: EmulatorRequest, accountId: string): Grant<DocusignUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return invalidToken();
    if (grant.user.accountId !== accountId) return json(404, { errorCode: 'ACCOUNT_NOT_FOUND', message: 'This account is not one of the user’s here.' });
    return grant;
  };
  server.route('GET', '/restapi/v2.1/accounts/:accountId/brands', (request) => {
    server.count('brands');
    const grant = accountGrant(request, request.params.accountId!);
    if (!('user' in grant)) return grant;
    return json(200, { recipientBrandIdDefault: '', senderBrandIdDefault: '', brands: [{ brandId: '6c3b1e8a-2f4d-4e5a-9b7c-0d1e2f3a4b5c', brandName: grant.user.accountName, isSendingDefault: true }] });
  });

  server.route('GET', '/restapi/v2.1/accounts/:accountId/envelopes', (request) => {
    server.count('envelopes');
    const grant = accountGrant(request, request.params.accountId!);
    if (!('user' in grant)) return grant;
    return json(200, { resultSetSize: '1', totalSetSize: '1', envelopes: [{ envelopeId: '4280f274-1ba0-4fba-a6ec-2cb4a0e4e8f5', status: 'sent', emailSubject: `Please sign: ${grant.user.accountName} NDA` }] });
  });

  return {
    ...controls.handle,
    setDefaultBaseUri: (url) => {
      defaultBaseUri = url;
    },
    revokeApp: (token) => {
      const grant = grants.grantOfToken(token);
      if (grant) grants.revokeGrant(grant.id);
    },
  };
}
