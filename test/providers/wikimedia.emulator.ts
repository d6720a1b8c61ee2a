/**
 * An emulator of Wikimedia's OAuth 2.0 (MediaWiki's OAuth extension under
 * meta.wikimedia.org's `/w/rest.php/oauth2/`) and of the part of Meta-Wiki's
 * APIs a connection touches, written from Wikimedia's and the extension's
 * documentation (https://www.mediawiki.org/wiki/OAuth/For_Developers,
 * https://api.wikimedia.org/wiki/Authentication,
 * https://www.mediawiki.org/wiki/Extension:OAuth):
 * - Authorize: `GET /w/rest.php/oauth2/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (the registered callback), `state`, `scope`
 *   (grant names: `basic`, `mwoauth-authonlyprivate`, and the grants the
 *   client was registered with here) and, when sent, a PKCE challenge
 *   checked at the exchange. A grant the client does not have is sent back
 *   as `invalid_scope`, a person who declines as `access_denied`.
 * - Token: `POST /w/rest.php/oauth2/access_token`, the client in the form
 *   (or Basic); the grant types are `authorization_code` and
 *   `refresh_token`. The answer is `token_type: "Bearer"`, `expires_in`,
 *   `access_token` and `refresh_token`, with no `scope`. Access tokens last
 *   4 hours and refresh tokens a year here (Wikimedia's values are not on
 *   its pages; the extension's defaults are an hour and a month); each
 *   refresh answers a new refresh token and ends the one spent, as the
 *   extension's OAuth library does by default. Refusals are the library's
 *   JSON (`error`, `error_description`, `hint`, `message`): a client that
 *   does not authenticate 401 `invalid_client`, a code that is spent,
 *   expired or unknown, and a refresh token spent or revoked, 400
 *   `invalid_grant` (RFC 6749 §5.2; not shown on Wikimedia's pages).
 * - `GET /w/rest.php/oauth2/resource/profile` answers `sub` (the central
 *   user id), `username`, `editcount`, `confirmed_email`, `blocked`,
 *   `registered`, `groups`, `rights` and `grants`, and `realname` and
 *   `email` only with `mwoauth-authonlyprivate` or `privateinfo`;
 *   `/resource/scopes` the client's grants. A token they do not take is
 *   401 `access_denied`.
 * - `GET /w/api.php?action=query&meta=userinfo&format=json`, the action
 *   API, answers the person's local id and name; a token it does not take
 *   is a 401 `mwoauth-invalid-authorization` error here (not shown on
 *   Wikimedia's pages).
 * - There is no revocation endpoint: removeApp() is the person revoking the
 *   app at Special:OAuthManageMyGrants, which ends its tokens.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { RFC_6749_DESCRIPTIONS, tokenEndpoint } from './kit/token-endpoint.js';

export interface WikimediaUser {
  /** The central (global) user id, `sub`. */
  centralId: number;
  /** The user id on Meta-Wiki, which the action API answers. */
  localId: number;
  username: string;
  realname: string;
  email: string;
  emailConfirmed: boolean;
}

export interface WikimediaEmulatorOptions extends EmulatorOptions {
  /** The grants the client was registered with, beside `basic` (default: `editpage` and `mwoauth-authonlyprivate`). */
  grants?: readonly string[];
}

export interface WikimediaEmulator extends EmulatorHandle<WikimediaUser> {
  /** The person revokes the app at Special:OAuthManageMyGrants: none of its tokens works. */
  removeApp(user: WikimediaUser): void;
  /** The next profile request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

export const WIKIMEDIA_ACCESS_TOKEN_TTL = 4 * 3600;

const GRANT_REFUSED = RFC_6749_DESCRIPTIONS.invalid_grant;

/** The extension's OAuth library's error body. */
function libraryError(status: number, error: string, description: string, hint?: string): EmulatorReply {
  return json(status, { error, error_description: description, ...(hint ? { hint } : {}), message: description });
}

export async function startWikimediaEmulator(options: WikimediaEmulatorOptions): Promise<WikimediaEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<WikimediaUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: WIKIMEDIA_ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: 365 * 86_400,
    codeTtl: 600,
  });
  const controls = emulatorControls<WikimediaUser>(server, grants);
  const clientGrants = ['basic', ...(options.grants ?? ['editpage', 'mwoauth-authonlyprivate'])];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/w/rest.php/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'Client authentication failed', redirectUri: 'The redirect URI does not match the registered callback' },
    refuse: (query) => (requestedScopes(query).some((scope) => !clientGrants.includes(scope)) ? { error: 'invalid_scope' } : undefined),
  });

  tokenEndpoint(server, '/w/rest.php/oauth2/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    errors: {
      client: () => libraryError(401, 'invalid_client', 'Client authentication failed'),
      grantType: () => libraryError(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.'),
      code: (reason) => libraryError(400, 'invalid_grant', GRANT_REFUSED, reason === 'expired_code' ? 'Authorization code has expired' : 'Authorization code has been revoked'),
      refreshToken: () => libraryError(400, 'invalid_grant', 'The refresh token is invalid.', 'Token has been revoked'),
    },
    answer: ({ tokens }) => json(200, { token_type: 'Bearer', expires_in: tokens.expiresIn, access_token: tokens.accessToken, ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}) }),
  });

  const restGrant = (request: EmulatorRequest): Grant<WikimediaUser> | EmulatorReply =>
    grants.grantOfAccessToken(request.bearer() ?? '') ??
    libraryError(401, 'access_denied', 'The resource owner or authorization server denied the request.', 'Access token could not be verified');

  server.route('GET', '/w/rest.php/oauth2/resource/profile', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { httpCode: status, httpReason: 'Internal Server Error' });
    const grant = restGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    const granted = grant.scope.split(' ');
    const privateInfo = granted.includes('mwoauth-authonlyprivate') || granted.includes('privateinfo');
    return json(200, {
      sub: user.centralId,
      username: user.username,
      editcount: 1207,
      confirmed_email: user.emailConfirmed,
      blocked: false,
      registered: '20151123103516',
      groups: ['*', 'user', 'autoconfirmed'],
      rights: ['read', 'edit', 'createpage'],
      grants: granted,
      ...(privateInfo ? { realname: user.realname, email: user.email } : {}),
    });
  });

  server.route('GET', '/w/rest.php/oauth2/resource/scopes', (request) => {
    server.count('scopes');
    const grant = restGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { scopes: clientGrants });
  });

  server.route('GET', '/w/api.php', (request) => {
    server.count('action_api');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: { code: 'mwoauth-invalid-authorization', info: 'The authorization headers in your request are not valid: Invalid access token' } });
    const query = request.url.searchParams;
    if (query.get('action') !== 'query' || query.get('meta') !== 'userinfo') return json(200, { error: { code: 'badvalue', info: 'Unrecognized value.' } });
    return json(200, { batchcomplete: '', query: { userinfo: { id: grant.user.localId, name: grant.user.username } } });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.centralId === user.centralId),
    failNextProfile: profileFailure.queue,
  };
}
