/**
 * An emulator of Etsy's Open API v3 OAuth (www.etsy.com/oauth/connect,
 * api.etsy.com/v3/public/oauth/token) and of the part of its API
 * (api.etsy.com/v3/application) a connection touches, written from Etsy's
 * documentation (https://developers.etsy.com/documentation/essentials/authentication/,
 * https://developers.etsy.com/documentation/essentials/requests/,
 * https://developers.etsy.com/documentation/reference):
 * - Connect: `GET /oauth/connect` with `response_type=code`, `client_id`
 *   (the keystring), `redirect_uri` (matched exactly), a non-empty `state`,
 *   `scope` space-separated from Etsy's list, and a PKCE challenge, which
 *   Etsy requires, with `code_challenge_method=S256` only. An unknown
 *   client or redirect URI is an error page, not a redirect; a refusal or a
 *   bad parameter goes back with RFC 6749's `error` and an English
 *   `error_description`.
 * - Token: `POST /v3/public/oauth/token`, a form with `grant_type`,
 *   `client_id` and, for a code, `redirect_uri`, `code` and `code_verifier`,
 *   for a refresh `refresh_token`: no client secret (one sent is counted,
 *   `client_secret_sent`, as Etsy's pages name none). The answer is
 *   `access_token`, `token_type: "Bearer"`, `expires_in: 3600` and
 *   `refresh_token`, both tokens prefixed with the person's numeric user id
 *   and a period, which is how they are taken back. A refresh answers a new
 *   refresh token, each for 90 days; the one used stops working (Etsy does
 *   not say whether it does: this is the stricter reading). A used code is
 *   `{ error: "invalid_grant", error_description: "code has been used
 *   previously" }` as Etsy's quickstart shows; the other refusals are
 *   RFC 6749 §5.2's (not documented by Etsy).
 * - API: every call needs `x-api-key: {keystring}:{shared secret}`; a call
 *   without it, or with another secret, is refused with 403 before the token
 *   is looked at (the status and words are not documented; 403 "Shared
 *   secret is required in x-api-key header" is what integrations report),
 *   and a call whose Bearer token Etsy does not take with 401. Errors are
 *   `{ "error": "…" }`. `GET /v3/application/users/me` (getMe, `shops_r`)
 *   answers `{ user_id, shop_id }`; `GET /v3/application/users/{user_id}`
 *   (getUser, `email_r`, the person's own profile only) answers `user_id`,
 *   `primary_email` (null unless Etsy granted the app access to it),
 *   `first_name`, `last_name` and `image_url_75x75`; a scope the token
 *   lacks is a 403. `GET /v3/application/shops/{shop_id}` (getShop) answers
 *   the shop.
 * There is no revocation endpoint. The authorization page approves at once
 * for signInAs()'s user.
 */
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { html, isForm, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface EtsyUser {
  user_id: number;
  /** The person's shop, when they have one. */
  shop_id?: number;
  first_name: string;
  last_name: string;
  /** Null where Etsy does not give this app the e-mail. */
  primary_email: string | null;
}

export interface EtsyEmulatorOptions {
  /** The app's keystring. */
  clientId: string;
  /** The app's shared secret, which only the API's x-api-key carries. */
  sharedSecret: string;
  redirectUri: string;
  now?: () => number;
}

export interface EtsyEmulator extends EmulatorHandle<EtsyUser> {
  /** The person removes the app in their Etsy account: every grant they gave it ends. */
  removeApp(userId: number): void;
}

const ACCESS_TOKEN_TTL = 3600;
const REFRESH_TOKEN_TTL = 90 * 86_400;
const SCOPES = ['address_r', 'address_w', 'billing_r', 'cart_r', 'cart_w', 'email_r', 'favorites_r', 'favorites_w', 'feedback_r', 'listings_d', 'listings_r', 'listings_w', 'profile_r', 'profile_w', 'recommend_r', 'recommend_w', 'shops_r', 'shops_w', 'transactions_r', 'transactions_w'];

export async function startEtsyEmulator(options: EtsyEmulatorOptions): Promise<EtsyEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<EtsyUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
  });

  /** `{user_id}.{token}` → the store's token, when the prefix is the user id of the token's grant. */
  const unprefixed = (token: string, grantOf: (inner: string) => Grant<EtsyUser> | undefined): string | undefined => {
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const inner = token.slice(dot + 1);
    const grant = grantOf(inner);
    return grant && String(grant.user.user_id) === token.slice(0, dot) ? inner : undefined;
  };
  const grantOfAccessToken = (token: string) => {
    const inner = unprefixed(token, (value) => grants.grantOfToken(value));
    return inner === undefined ? undefined : grants.grantOfAccessToken(inner);
  };
  const controls = emulatorControls<EtsyUser>(server, { grantOfAccessToken });

  server.route('GET', '/oauth/connect', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Invalid API key</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>The redirect_uri is not registered for this application</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type', error_description: 'response_type must be code' });
    if (!query.get('state')) return reply({ error: 'invalid_request', error_description: 'state is required' });
    const challenge = query.get('code_challenge');
    if (!challenge || query.get('code_challenge_method') !== 'S256') return reply({ error: 'invalid_request', error_description: 'code_challenge and code_challenge_method=S256 are required' });
    const asked = requestedScopes(query);
    if (asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope))) return reply({ error: 'invalid_scope', error_description: 'Invalid scope' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied the request' });
    const code = grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: asked.join(' '), codeChallenge: challenge, codeChallengeMethod: 'S256', user });
    return reply({ code });
  });

  tokenEndpoint(server, '/v3/public/oauth/token', {
    client: { clientId: options.clientId },
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      if (!isForm(request)) return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
      if (request.form().has('client_secret')) server.count('client_secret_sent');
      return request.form().get('client_id') === options.clientId;
    },
    // The refresh token comes back prefixed as it was issued; any other is one Etsy does not know.
    parameters: (request) => {
      const form = request.form();
      const presented = form.get('refresh_token');
      if (presented !== null) form.set('refresh_token', unprefixed(presented, (inner) => grants.grantOfToken(inner)) ?? `unknown:${presented}`);
      return form;
    },
    errors: { code: (reason) => (reason === 'code_reused' ? oauthError(400, 'invalid_grant', 'code has been used previously') : oauthError(400, 'invalid_grant')) },
    answer: ({ grant, tokens }) => {
      const prefix = `${grant.user.user_id}.`;
      return json(200, { access_token: prefix + tokens.accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL, refresh_token: prefix + tokens.refreshToken });
    },
  });

  /** The API's checks in Etsy's order: the app's x-api-key, then the person's token and the scope the call needs. */
  const authorized = (request: EmulatorRequest, scope: string | undefined): { grant: Grant<EtsyUser> } | EmulatorReply => {
    const apiKey = request.headers['x-api-key'];
    if (apiKey !== `${options.clientId}:${options.sharedSecret}`) {
      server.count('api_key_refused');
      return json(403, { error: 'Shared secret is required in x-api-key header' });
    }
    const grant = grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token' });
    if (scope && !grant.scope.split(' ').includes(scope)) return json(403, { error: `Insufficient scope: this endpoint needs ${scope}` });
    return { grant };
  };

  server.route('GET', '/v3/application/users/me', (request) => {
    server.count('get_me');
    const checked = authorized(request, 'shops_r');
    if (!('grant' in checked)) return checked;
    const { user_id: userId, shop_id: shopId } = checked.grant.user;
    return json(200, { user_id: userId, ...(shopId === undefined ? {} : { shop_id: shopId }) });
  });

  server.route('GET', '/v3/application/users/:userId', (request) => {
    server.count('get_user');
    const checked = authorized(request, 'email_r');
    if (!('grant' in checked)) return checked;
    const user = checked.grant.user;
    if (request.params.userId !== String(user.user_id)) return json(403, { error: 'You may only read your own user profile' });
    return json(200, { user_id: user.user_id, primary_email: user.primary_email, first_name: user.first_name, last_name: user.last_name, image_url_75x75: null });
  });

  server.route('GET', '/v3/application/shops/:shopId', (request) => {
    server.count('get_shop');
    const checked = authorized(request, undefined);
    if (!('grant' in checked)) return checked;
    const shopId = Number(request.params.shopId);
    if (!Number.isSafeInteger(shopId) || shopId <= 0) return json(400, { error: 'Expected int value for shop_id' });
    return json(200, { shop_id: shopId, shop_name: `Shop${shopId}`, user_id: checked.grant.user.user_id, currency_code: 'USD' });
  });

  return {
    ...controls.handle,
    removeApp: (userId) => grants.revokeGrantsOf((someone) => someone.user_id === userId),
  };
}
