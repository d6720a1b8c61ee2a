/**
 * An emulator of one Acrobat Sign shard (its API host: OAuth token, refresh
 * and revocation endpoints and the REST API v6), written from Adobe's
 * developer guide
 * (https://developer.adobe.com/acrobat-sign/docs/overview/developer_guide/gstarted,
 * https://developer.adobe.com/acrobat-sign/docs/overview/developer_guide/oauth,
 * https://developer.adobe.com/acrobat-sign/docs/overview/embedpartner/provisioningfaq).
 * The first shard started also serves the authorization page, which is
 * Acrobat Sign's shardless `secure.adobesign.com`; shards started beside it
 * (`otherShards`) issue the codes of their own people.
 * - Authorize: `GET /public/oauth/v2` with `client_id` and `redirect_uri`
 *   (the application's, else an error page, no redirect),
 *   `response_type=code`, `state` and `scope`, space-separated scopes each
 *   with an optional modifier `:self`, `:group` or `:account`. The redirect
 *   back carries `code`, `api_access_point` (the person's shard, with its
 *   trailing slash) and `web_access_point`; a refusal is `error` in capitals:
 *   `ACCESS_DENIED` when the person declines, `INVALID_SCOPE` for a scope
 *   not so written, `INVALID_REQUEST` for another response type. PKCE is not
 *   read (Adobe documents none). A person of a shard not emulated gets a
 *   code unknown here and that shard's `api_access_point`.
 * - Token: `POST /oauth/v2/token`, a form with `grant_type`, `code`,
 *   `client_id`, `client_secret`, `redirect_uri`: 200 with `access_token`,
 *   `refresh_token`, `token_type` `Bearer`, `expires_in` 3600,
 *   `api_access_point` and `web_access_point`. Refresh: `POST
 *   /oauth/v2/refresh`, a form with `grant_type`, `client_id`,
 *   `client_secret`, `refresh_token`: 200 with `access_token`, `token_type`,
 *   `expires_in`, and no refresh token (the one held stays, and ends after
 *   60 days unused; each refresh starts them again). Each endpoint takes its
 *   own grant only (another is refused as `unsupported_grant_type`, not shown
 *   by Adobe). Refusals are RFC 6749 §5.2's (not shown by Adobe): 401
 *   `invalid_client` for the client, 400 `invalid_grant` for a code or
 *   refresh token.
 * - Revoke: `POST /oauth/v2/revoke`, a form with `token` alone: a live
 *   access or refresh token ends its grant, both tokens (200, no body); a
 *   token already revoked is 400 `EXPIRED_TOKEN`, one it does not know 400
 *   `INVALID_TOKEN`, none 400 `INVALID_REQUEST` (Adobe's codes; the body as
 *   its REST errors are shaped, `{ code, message }`).
 * - REST API v6 under `/api/rest/v6`, the token as Bearer: `GET /users/me`
 *   (`id`, `email`, `firstName`, `lastName`, `company`, `accountType`,
 *   `status`, as Adobe's SDK has DetailedUserInfo) and `GET /agreements`
 *   (`{ userAgreementList, page }`), the proxied call; a token it does not
 *   take is 401 `INVALID_ACCESS_TOKEN`
 *   (https://developer.adobe.com/acrobat-sign/docs/overview/developer_guide/webhookapis).
 * The authorization page approves at once for signInAs()'s person.
 */
import { redirectBack } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply } from './kit/emulator-server.js';
import { GrantStore, type CodeRequest } from './kit/grants.js';
import { oauthError, tokenEndpoint, type TokenEndpointOptions } from './kit/token-endpoint.js';

export interface AcrobatSignUser {
  /** Acrobat Sign's user id. */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  /** The API origin of the person's shard, when not the one signing in (another emulator's `origin`, or a real one). */
  shard?: string;
}

export interface AcrobatSignEmulatorOptions extends EmulatorOptions {
  /** Shards emulated beside this one, the same application at each: their people's codes are theirs, and they close with this one. */
  otherShards?: readonly AcrobatSignEmulator[];
}

export interface AcrobatSignEmulator extends EmulatorHandle<AcrobatSignUser> {
  readonly otherShards: readonly AcrobatSignEmulator[];
  /** Issues a code of this shard for an authorization the page approved, with the `api_access_point` and `web_access_point` it is sent back with. */
  issueCode(request: CodeRequest<AcrobatSignUser>): { code: string; api_access_point: string; web_access_point: string };
  /** An admin (or the person) revokes the application's access at Acrobat Sign: none of the person's tokens works. */
  revokeAccess(user: AcrobatSignUser): void;
}

const SCOPE = /^[a-z]+(?:_[a-z]+)+(?::(?:self|group|account))?$/;
const unauthorized = (): EmulatorReply => json(401, { code: 'INVALID_ACCESS_TOKEN', message: 'Access token provided is invalid or has expired' });

export async function startAcrobatSignEmulator(options: AcrobatSignEmulatorOptions): Promise<AcrobatSignEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<AcrobatSignUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: 3600,
    refreshPolicy: 'static',
    refreshTokenTtl: null,
    refreshTokenIdleTtl: 60 * 86_400,
    codeTtl: 300,
  });
  const controls = emulatorControls<AcrobatSignUser>(server, grants);
  const accessPoints = { api_access_point: `${server.origin}/`, web_access_point: `${server.origin}/` };
  const issueCode = (request: CodeRequest<AcrobatSignUser>) => ({ code: grants.issueCode(request), ...accessPoints });

  server.route('GET', '/public/oauth/v2', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<p>Unable to authorize access because the client configuration is invalid: invalid_request</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'INVALID_REQUEST' });
    const scopes = (query.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0 || !scopes.every((scope) => SCOPE.test(scope))) return reply({ error: 'INVALID_SCOPE' });
    const user = controls.approver();
    if (!user) return reply({ error: 'ACCESS_DENIED' });
    const codeRequest: CodeRequest<AcrobatSignUser> = { clientId: options.clientId, redirectUri: options.redirectUri, scope: scopes.join(' '), codeChallenge: undefined, codeChallengeMethod: undefined, user };
    const home = options.otherShards?.find((other) => other.origin === user.shard);
    if (home) return reply(home.issueCode(codeRequest));
    // A person of a shard not emulated here: the code is that shard's, unknown here.
    if (user.shard && user.shard !== server.origin) return reply({ code: `other-shard-${user.id}`, api_access_point: `${user.shard}/`, web_access_point: `${user.shard}/` });
    return reply(issueCode(codeRequest));
  });

  const oauth: Omit<TokenEndpointOptions<AcrobatSignUser>, 'answer'> = {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure, reply: (status) => json(status, { code: 'MISC_SERVER_ERROR', message: 'Some miscellaneous server error has occurred.' }) },
    authenticates: (request) => formCredentials(request, options),
  };
  const onlyGrant = (grantType: string) => (request: { form(): URLSearchParams }) => (request.form().get('grant_type') === grantType ? undefined : oauthError(400, 'unsupported_grant_type'));

  tokenEndpoint(server, '/oauth/v2/token', {
    ...oauth,
    screen: onlyGrant('authorization_code'),
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, token_type: 'Bearer', expires_in: tokens.expiresIn, ...accessPoints }),
  });

  tokenEndpoint(server, '/oauth/v2/refresh', {
    ...oauth,
    counter: 'refresh_request',
    screen: onlyGrant('refresh_token'),
    answer: ({ tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'Bearer', expires_in: tokens.expiresIn }),
  });

  server.route('POST', '/oauth/v2/revoke', (request) => {
    server.count('revoke');
    const token = request.form().get('token');
    if (!token) return json(400, { code: 'INVALID_REQUEST', message: 'Empty or missing token' });
    const grant = grants.grantOfToken(token);
    if (!grant) return json(400, { code: 'INVALID_TOKEN', message: 'This is not a valid OAuth access or refresh token' });
    if (grant.revoked) return json(400, { code: 'EXPIRED_TOKEN', message: 'The token is expired or already revoked' });
    grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  server.route('GET', '/api/rest/v6/users/me', (request) => {
    server.count('users_me');
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { id: user.id, email: user.email, firstName: user.firstName, lastName: user.lastName, company: 'Analytical Engines', accountType: 'ENTERPRISE', status: 'ACTIVE', isAccountAdmin: false, locale: 'en_GB' });
  });

  server.route('GET', '/api/rest/v6/agreements', (request) => {
    server.count('agreements');
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      userAgreementList: [{ id: 'CBJCHBCAABAAxyz', name: `${user.firstName}'s contract`, status: 'OUT_FOR_SIGNATURE', displayDate: '2026-11-02T09:30:00Z', esign: true, hidden: false }],
      page: {},
    });
  });

  return {
    ...controls.handle,
    close: async () => {
      await controls.handle.close();
      for (const other of options.otherShards ?? []) await other.close();
    },
    otherShards: options.otherShards ?? [],
    issueCode,
    revokeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
