/**
 * An emulator of eBay's OAuth for User access tokens (auth.ebay.com's
 * /oauth2/authorize, api.ebay.com's /identity/v1/oauth2/token), of the
 * Identity API's user (apiz.ebay.com) and of one Account API route, on one
 * origin, written from eBay's documentation:
 * - Authorize (https://developer.ebay.com/support/kb-article?KBid=5075,
 *   https://developer.ebay.com/api-docs/static/oauth-redirect-uri.html):
 *   `GET /oauth2/authorize` with `client_id`, `redirect_uri` (the app's
 *   RuName, not a URL), `response_type=code`, `scope` (space-separated scope
 *   URLs) and an optional `state`; eBay sends the person to the "auth
 *   accepted URL" registered under that RuName with `code` and `state`. An
 *   unknown client or RuName is a page; a declined consent goes to the
 *   callback with `error=access_denied` (not documented: assumed).
 * - Token (https://developer.ebay.com/api-docs/static/oauth-auth-code-grant-request.html,
 *   https://developer.ebay.com/api-docs/static/oauth-refresh-token-request.html):
 *   `POST /identity/v1/oauth2/token`, the client by HTTP Basic only, a form
 *   with `grant_type=authorization_code`, `code` and `redirect_uri` (the
 *   RuName: the callback URL is refused), or `grant_type=refresh_token` and
 *   `refresh_token`; no PKCE read. The answer is `access_token`,
 *   `expires_in: 7200`, `token_type: "User Access Token"`, and at the code
 *   exchange `refresh_token` with `refresh_token_expires_in: 47304000` (18
 *   months); a refresh answers a new access token only, the refresh token
 *   staying the same (the samples of these answers were not at hand: as the
 *   preset's head comment says). Refusals are RFC 6749 §5.2's (not
 *   documented: assumed).
 * - API: the token as Bearer. `GET /commerce/identity/v1/user/`
 *   (https://developer.ebay.com/develop/api/spec/identity_api.json)
 *   the user: `userId`, `username`, `accountType`,
 *   `registrationMarketplaceId`, `status`, and `individualAccount` with
 *   `firstName` and `lastName` (and `email` only with the
 *   `commerce.identity.email.readonly` scope). `GET
 *   /sell/account/v1/privilege` the seller's selling limit. A token it does
 *   not take is 401 with eBay's `{ errors: [{ errorId: 1001, domain:
 *   "OAuth", category: "REQUEST", message: "Invalid access token", … }] }`.
 * There is no revocation endpoint for User access tokens. The authorization
 * page approves at once for signInAs()'s user.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface EbayUser {
  /** eBay's immutable user id. */
  userId: string;
  /** The username, which the person may change. */
  username: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface EbayEmulatorOptions {
  clientId: string;
  clientSecret: string;
  /** The app's RuName, the only redirect_uri it takes. */
  ruName: string;
  /** The "auth accepted URL" registered under the RuName: where the person is sent. */
  acceptedUrl: string;
}

export interface EbayEmulator extends EmulatorHandle<EbayUser> {
  /** The person ends the app's access in My eBay: its tokens, the refresh token too, stop working. */
  endAccess(userId: string): void;
}

const SCOPE_BASE = 'https://api.ebay.com/oauth/api_scope';
const ACCESS_TOKEN_TTL = 7200;
const REFRESH_TOKEN_TTL = 47_304_000;
const EMAIL_SCOPE = `${SCOPE_BASE}/commerce.identity.email.readonly`;

export async function startEbayEmulator(options: EbayEmulatorOptions): Promise<EbayEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<EbayUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'static', refreshTokenTtl: REFRESH_TOKEN_TTL });
  const controls = emulatorControls<EbayUser>(server, grants);
  const client = { clientId: options.clientId, redirectUri: options.ruName };

  // Its own route: the redirect_uri is the RuName, and the person goes to the URL registered under it.
  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>The client id is invalid</h1>');
    if (query.get('redirect_uri') !== options.ruName) return html(400, '<h1>The redirect_uri is not a RuName of this application</h1>');
    const reply = redirectBack(options.acceptedUrl, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode({ ...codeRequest(query, client, user), codeChallenge: undefined, codeChallengeMethod: undefined }) });
  });

  tokenEndpoint(server, '/identity/v1/oauth2/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options),
    errors: { client: () => oauthError(401, 'invalid_client', 'client authentication failed') },
    answer: ({ grantType, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        expires_in: ACCESS_TOKEN_TTL,
        ...(grantType === 'authorization_code' ? { refresh_token: tokens.refreshToken, refresh_token_expires_in: REFRESH_TOKEN_TTL } : {}),
        token_type: 'User Access Token',
      }),
  });

  /** The grant of the request's Bearer token; eBay's 401 otherwise. */
  const authorized = (request: EmulatorRequest) =>
    bearerGrant(grants, request, () =>
      json(401, { errors: [{ errorId: 1001, domain: 'OAuth', category: 'REQUEST', message: 'Invalid access token', longMessage: 'Invalid access token. Check the value of the Authorization HTTP request header.' }] }),
    );

  server.route('GET', '/commerce/identity/v1/user/', (request) => {
    server.count('user');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    const { userId, username, firstName, lastName, email } = grant.user;
    const withEmail = grant.scope.split(' ').includes(EMAIL_SCOPE);
    return json(200, { userId, username, accountType: 'INDIVIDUAL', registrationMarketplaceId: 'EBAY_US', status: 'CONFIRMED', individualAccount: { firstName, lastName, ...(withEmail ? { email } : {}) } });
  });

  server.route('GET', '/sell/account/v1/privilege', (request) => {
    server.count('privilege');
    const grant = authorized(request);
    if (!isGrant(grant)) return grant;
    return json(200, { sellingLimit: { amount: { currency: 'USD', value: '5000.0' }, quantity: 100 }, sellerRegistrationCompleted: true });
  });

  return {
    ...controls.handle,
    endAccess: (userId) => grants.revokeGrantsOf((someone) => someone.userId === userId),
  };
}
