/**
 * Adobe Acrobat Sign (formerly Adobe Sign and EchoSign; an API application
 * created in Acrobat Sign, its OAuth configured with the callback as a
 * redirect URI and the scopes enabled). Plain OAuth 2.0 with explicit
 * endpoints: no discovery, no ID token. From Adobe's developer guide:
 * - Acrobat Sign keeps each account on one shard, with its own API host
 *   (`api.na1.adobesign.com`, `api.na4.adobesign.com`, `api.eu1.adobesign.com`
 *   …), and a call on the wrong shard is refused
 *   (https://developer.adobe.com/acrobat-sign/docs/overview/developer_guide/bestpractices);
 *   North America's accounts are on NA1 to NA4, Japan's on JP1
 *   (https://developer.adobe.com/acrobat-sign/docs/overview/embedpartner/provisioningfaq),
 *   and Adobe's help names AU1 beside NA1, NA2, EU1 and JP1
 *   (https://helpx.adobe.com/sign/kb/unable-to-authorize-access-because-the-client-configuration-is-invalid-invalid-request-while-running-oauth-process.html);
 * - `GET /public/oauth/v2` with `response_type=code`, `client_id`,
 *   `redirect_uri` (among the application's), `state`, and `scope`,
 *   space-delimited, each a subset of the application's enabled scopes with a
 *   modifier, `:self` (the default), `:group` or `:account` (which only a
 *   group or account admin may grant); a partner application starts at the
 *   host without a shard, `https://secure.adobesign.com`
 *   (https://developer.adobe.com/acrobat-sign/docs/overview/developer_guide/gstarted).
 *   The redirect back carries `code` (valid 5 minutes), `state`,
 *   `api_access_point` (the account's API host, e.g.
 *   `https://api.na1.adobesign.com/`) and `web_access_point`; a refusal is
 *   `error`, in capitals: `ACCESS_DENIED`, `INVALID_SCOPE`, `INVALID_REQUEST`,
 *   `UNAUTHORIZED_CLIENT`, `SERVER_ERROR` (same page): not RFC 6749's
 *   lower-case codes; `ACCESS_DENIED` is read as a cancelled sign-in all the
 *   same (the callback's error is matched in any case). The codeExchangeServer
 *   hook reads `api_access_point`, and a shard among `<NAME>_REGIONAL_SERVERS`
 *   (default every shard's API host above) gets the code, the profile
 *   request, the connection's API calls, refreshes and revocation; any other
 *   is refused with a clear 400 before the code (or the client's secret)
 *   goes anywhere;
 * - `POST /oauth/v2/token`, a form with `grant_type`, `code`, `client_id`,
 *   `client_secret` and `redirect_uri`, answering `access_token`,
 *   `refresh_token`, `token_type` `Bearer`, `expires_in` 3600,
 *   `api_access_point` and `web_access_point` (same page);
 * - `POST <api_access_point>oauth/v2/refresh`, a form with `grant_type`,
 *   `client_id`, `client_secret` and `refresh_token`, answering a new access
 *   token and no refresh token: the one held is kept. It ends after 60 days
 *   unused, each refresh starting the 60 days again, so the keep-alive sweep
 *   refreshes a connection nobody used within them
 *   (https://developer.adobe.com/acrobat-sign/docs/overview/developer_guide/oauth,
 *   https://developer.adobe.com/acrobat-sign/docs/overview/embedpartner/provisioningfaq).
 *   The refresh endpoint's path is taken on the connection's own shard;
 * - `POST <api_access_point>oauth/v2/revoke`, a form with `token` alone:
 *   revoking the refresh token ends every access token issued with it (and
 *   revoking an access token its refresh token); 200 with no body, else 400
 *   with `INVALID_REQUEST`, `EXPIRED_TOKEN` (expired or already revoked) or
 *   `INVALID_TOKEN` (same page): the revoke hook sends the refresh token once;
 * - the REST API is `<api_access_point>api/rest/v6` with the token as Bearer:
 *   each connection's API base is its shard's; a token it does not take is a
 *   401 `INVALID_ACCESS_TOKEN`
 *   (https://developer.adobe.com/acrobat-sign/docs/overview/developer_guide/webhookapis);
 * - the person is `GET /api/rest/v6/users/me`, behind `user_read` ("me" names
 *   the token's owner): `id`, Acrobat Sign's user id, is the subject, with
 *   `firstName`, `lastName` and `email` (Adobe's REST v6 SDK,
 *   https://github.com/adobe/acrobat-sign, `UsersApi.getUserDetail` and
 *   `DetailedUserInfo`).
 * Not checked against Adobe's own pages: the shardless authorization host
 * (`secure.adobesign.com`, where the guide's login link goes; its OAuth
 * examples name the older `secure.echosign.com`: `<NAME>_AUTHORIZE_URL` moves
 * it, e.g. to a customer application's own shard); which shards there are
 * beyond those named (EU2, IN1 and others are not listed: add their API hosts to
 * `<NAME>_REGIONAL_SERVERS` to sign their people in), and whether the older
 * `echosign.com` hosts a callback may still name (the guide's own example has
 * `https://api.na1.echosign.com/`) are to be taken (only NA1's is listed);
 * where the code of an account on another shard is exchanged (the guide sends
 * the exchange to `api.na1.adobesign.com` and later calls to the
 * `api_access_point`; here the callback's shard gets it, as its later calls
 * do); the token endpoint's refusals (RFC 6749 §5.2's `error` assumed, a
 * refused code or refresh token as `invalid_grant`); the unit of `expires_in`
 * (the guide's table says milliseconds, its example and the refresh section
 * an hour as 3600: read as RFC 6749's seconds); the revocation error's body
 * (its code read from `code`, else `error`); whether PKCE is read (the
 * challenge is sent, which RFC 7636 §4.5 has a server ignore); whether the
 * e-mail is verified (stored as not known to be); Acrobat Sign for
 * Government (`adobesign.us`, whose OAuth endpoints differ: set each endpoint
 * variable for it).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** The API host of each shard Adobe's pages name (see above), where its token, refresh, revocation and REST endpoints are. */
const SHARD_API_HOSTS = [
  'https://api.na1.adobesign.com',
  'https://api.na2.adobesign.com',
  'https://api.na3.adobesign.com',
  'https://api.na4.adobesign.com',
  'https://api.eu1.adobesign.com',
  'https://api.jp1.adobesign.com',
  'https://api.au1.adobesign.com',
  'https://api.na1.echosign.com',
];

const HOME = 'https://api.na1.adobesign.com';

/** Sixty days: a refresh token unused that long ends. */
const REFRESH_TOKEN_IDLE = 60 * 86_400;

/** The account's API host the callback names beside the code, `api_access_point` (checked against the shards before any use). */
function codeExchangeServer(parameters: URLSearchParams): string | undefined {
  return parameters.get('api_access_point') ?? undefined;
}

/** The user of /users/me: `id`, with the first and last names joined as the name, and the e-mail; no one without an id. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = trimmedText(user?.id);
  if (!user || !id) return undefined;
  return { id, ...textMembers({ name: joinedName(user.firstName, user.lastName), email: user.email }) };
}

/**
 * Revokes the refresh token (the access token where there is none) at /oauth/v2/revoke, `token` alone in the
 * form: 200 is revoked; `EXPIRED_TOKEN` (expired or already revoked), or `INVALID_TOKEN` for a refresh token
 * Acrobat Sign had refused already, means the grant is gone; anything else is Acrobat Sign's fault.
 */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Acrobat Sign revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ token: request.refreshToken ?? request.accessToken }).toString(),
  });
  const text = await response.text().catch(() => '');
  if (response.status === 200) return 'revoked';
  let body: Record<string, unknown> | undefined;
  try {
    body = objectOf(JSON.parse(text));
  } catch {
    body = undefined;
  }
  const code = trimmedText(body?.code) ?? trimmedText(body?.error);
  if (response.status === 400 && (code === 'EXPIRED_TOKEN' || (code === 'INVALID_TOKEN' && request.refreshTokenRefused))) return 'already_revoked';
  throw new ProviderUnavailableError(
    response.status >= 500 ? 'provider_error' : 'provider_bad_response',
    `Acrobat Sign answered HTTP ${response.status}${code ? ` (${code.slice(0, 40)})` : ''} to the token revocation.`,
  );
}

export const acrobat_sign: ProviderPreset = {
  displayName: 'Acrobat Sign',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://secure.adobesign.com/public/oauth/v2',
      tokenEndpoint: `${HOME}/oauth/v2/token`,
      refreshEndpoint: `${HOME}/oauth/v2/refresh`,
      userinfoEndpoint: `${HOME}/api/rest/v6/users/me`,
      revocationEndpoint: `${HOME}/oauth/v2/revoke`,
    },
    regionalServers: SHARD_API_HOSTS,
    scope: 'user_read:self',
    apiBaseUrl: `${HOME}/api/rest/v6`,
    connectionApiBase: { regionalServerPath: '/api/rest/v6' },
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    refreshTokenIdleSeconds: REFRESH_TOKEN_IDLE,
    hooks: { codeExchangeServer, profileClaims, revoke },
  }),
};
