/**
 * Zoho (Zoho Accounts' OAuth 2.0, for the APIs of Zoho CRM, Books, Desk and
 * the rest). Plain OAuth 2.0 with explicit endpoints: no ID token is relied
 * on. From Zoho's docs:
 * - Zoho keeps each account in one data centre, with its own accounts
 *   server: https://accounts.zoho.com (US), `.eu`, `.in`, `.com.au`, `.jp`,
 *   `.sa`, `.uk`, `https://accounts.zohocloud.ca`, `https://accounts.zoho.com.cn`
 *   (https://www.zoho.com/accounts/protocol/oauth/multi-dc.html).
 *   `<NAME>_BASE_URL` names the one this site's client is registered at
 *   (default the US server), where every sign-in starts; the authorization,
 *   token, profile and revocation endpoints are all on it, and on each of
 *   the others at the same paths;
 * - `GET /oauth/v2/auth` with `response_type=code`, `client_id`,
 *   `redirect_uri`, `scope` (comma-separated: the authorizationScope hook joins
 *   RFC 6749's list so), `access_type=offline` for a refresh token, and
 *   `prompt=consent`, without which Zoho issues a refresh token only at the
 *   person's first consent: it is asked for when the connection has no live
 *   refresh token, and only then
 *   (https://www.zoho.com/accounts/protocol/oauth/web-apps/authorization.html);
 * - the authorization response names the person's data centre beside the
 *   code, `location` and `accounts-server`, where the code must be
 *   exchanged and that person's tokens refreshed, for a client with Multi DC
 *   turned on (https://www.zoho.com/accounts/protocol/oauth/multi-dc/client-authorization.html):
 *   the codeExchangeServer hook reads `accounts-server`, and a server among
 *   `<NAME>_REGIONAL_SERVERS` (default every data centre's above) gets the
 *   code, the profile request, and that connection's refreshes and
 *   revocation; any other is refused with a clear 400 before the code (or
 *   the client's secret) goes anywhere. The client id and secret are the
 *   same at every data centre: Zoho's API console offers that under Multi DC
 *   ("use the same OAuth credentials for all data centers"), and a secret
 *   per data centre is not supported here;
 * - `POST /oauth/v2/token` with `client_id` and `client_secret` in the form
 *   beside the code; the answer is `access_token`, `refresh_token`,
 *   `api_domain`, `token_type` `Bearer` and `expires_in` 3600: access tokens
 *   live an hour. A refresh answers a new access token and `api_domain`, and
 *   no refresh token: the one held never expires and is not rotated, until it
 *   is revoked, or until the person's 21st refresh token replaces it (Zoho
 *   keeps 20, the oldest going first). A refresh token makes at most ten access
 *   tokens in ten minutes
 *   (https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token.html,
 *   https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token-expiry.html);
 * - `api_domain` is where that person's API calls go
 *   (`https://www.zohoapis.com`, `.eu`, `.in`, …,
 *   https://www.zoho.com/crm/developer/docs/api/v8/multi-dc.html): it is each
 *   connection's API base, on Zoho's API domains only, replaced when a
 *   refresh names another;
 * - the person is `GET /oauth/user/info` on the accounts server, behind
 *   `AaaServer.profile.READ`, with the token as `Authorization: Bearer` (or
 *   `Zoho-oauthtoken`) (https://www.zoho.com/accounts/protocol/oauth/use-access-token.html):
 *   `ZUID`, the Zoho user id, is the subject, with `First_Name`,
 *   `Last_Name`, `Display_Name` and `Email`;
 * - `POST /oauth/v2/token/revoke?token=…` revokes a refresh token and every
 *   access token made with it, answering `{"status":"success"}`, and 400 for
 *   a token it does not know
 *   (https://www.zoho.com/accounts/protocol/oauth/revoke-refresh-token.html).
 * Not checked against Zoho's own pages: the members of the /oauth/user/info
 * answer (as integrations read them; Zoho does not say whether the e-mail is
 * verified: kept as not known to be), the token endpoint's refusals (as
 * integrations report them: `{"error": "invalid_code"}` with HTTP 200 for a
 * code or refresh token it does not take, read as RFC 6749's `invalid_grant`,
 * and `invalid_client` or `invalid_client_secret` for the client, read as
 * `invalid_client`), an older answer's `expires_in_sec` (read as
 * `expires_in` where both are sent, as the older `expires_in` was in
 * milliseconds), whether PKCE is taken (the challenge is sent, which
 * RFC 7636 §4.5 has a server ignore), the lifetime of a code, the UK data
 * centre's API domain (`zohoapis.uk`, by the others' pattern), and which of
 * Zoho's two revocation pages holds today: the accounts protocol's
 * `/oauth/v2/token/revoke?token=…` is used, where
 * https://www.zoho.com/developer/oauth/revoke-oauth-token.html names
 * `/oauth/v2/revoke/token` with Basic credentials and a `token_type`
 * (`<NAME>_REVOCATION_URL` moves it; the request stays the first's).
 */
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { ProviderUnavailableError } from '../errors.js';
import { commaJoinedScope, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** Each data centre's accounts server (https://www.zoho.com/accounts/protocol/oauth/multi-dc.html). */
const ACCOUNTS_SERVERS = [
  'https://accounts.zoho.com',
  'https://accounts.zoho.eu',
  'https://accounts.zoho.in',
  'https://accounts.zoho.com.au',
  'https://accounts.zoho.jp',
  'https://accounts.zohocloud.ca',
  'https://accounts.zoho.sa',
  'https://accounts.zoho.uk',
  'https://accounts.zoho.com.cn',
];

/** The domains Zoho serves its APIs from, one per data centre; `api_domain` must be on one of them. */
const API_DOMAINS = ['zohoapis.com', 'zohoapis.eu', 'zohoapis.in', 'zohoapis.com.au', 'zohoapis.jp', 'zohoapis.ca', 'zohoapis.sa', 'zohoapis.uk', 'zohoapis.com.cn'];

/** Zoho's refusals as RFC 6749 §5.2 names them; any other is kept as it came. */
const ERROR_CODES: Readonly<Record<string, string>> = { invalid_code: 'invalid_grant', invalid_client_secret: 'invalid_client' };

/** The server the callback names for the code's exchange, `accounts-server`. */
function codeExchangeServer(parameters: URLSearchParams): string | undefined {
  return parameters.get('accounts-server') ?? undefined;
}

/**
 * A token answer in RFC 6749 §5's shape: a refusal sent with HTTP 200 (an
 * `error` and no access token) as a 400, or a 401 for the client, with
 * Zoho's error named as RFC 6749 names it; `expires_in_sec`, where an answer
 * has it, as `expires_in`. Anything else as it came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields) return rebuiltAnswer(response, response.status, text);
  if (typeof fields.error === 'string' && typeof fields.access_token !== 'string') {
    if (response.status !== 200) return rebuiltAnswer(response, response.status, text);
    const error = ERROR_CODES[fields.error] ?? fields.error;
    return rebuiltAnswer(response, error === 'invalid_client' ? 401 : 400, JSON.stringify({ error, error_description: `Zoho answered ${fields.error}.`, zoho_error: fields.error }), 'application/json');
  }
  if (typeof fields.expires_in_sec !== 'number') return rebuiltAnswer(response, response.status, text);
  return rebuiltAnswer(response, response.status, JSON.stringify({ ...fields, expires_in: fields.expires_in_sec }), 'application/json');
}

/**
 * The person of /oauth/user/info: `ZUID` as a string, the first and last
 * names joined as the name (else `Display_Name`), and the e-mail. An answer
 * without a ZUID names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const info = objectOf(body);
  const zuid = info?.ZUID;
  if ((typeof zuid !== 'number' || !Number.isSafeInteger(zuid)) && (typeof zuid !== 'string' || !/^[0-9]{1,20}$/.test(zuid))) return undefined;
  const name = joinedName(info!.First_Name, info!.Last_Name) ?? trimmedText(info!.Display_Name);
  return {
    zuid: String(zuid),
    ...textMembers({ name, display_name: info!.Display_Name, email: info!.Email }),
  };
}

/** Revokes the refresh token (the access token where there is none) at /oauth/v2/token/revoke, the token in the query as Zoho documents it. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Zoho revocation needs the revocation endpoint');
  const url = new URL(request.revocationEndpoint);
  url.searchParams.set('token', request.refreshToken ?? request.accessToken);
  const response = await request.send(url.href, { method: 'POST', headers: { accept: 'application/json' } });
  const body = objectOf(await response.json().catch(() => undefined));
  if (response.status === 200 && body?.status === 'success') return 'revoked';
  // A refresh token Zoho had refused already (revoked there, or replaced by the person's 21st): the grant is gone.
  if (response.status === 400 && request.refreshTokenRefused) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Zoho answered HTTP ${response.status} to the token revocation.`);
}

export const zoho: ProviderPreset = {
  displayName: 'Zoho',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const accounts = baseUrl ? withoutTrailingSlash(baseUrl) : 'https://accounts.zoho.com';
    return {
      endpoints: {
        authorizationEndpoint: `${accounts}/oauth/v2/auth`,
        tokenEndpoint: `${accounts}/oauth/v2/token`,
        userinfoEndpoint: `${accounts}/oauth/user/info`,
        revocationEndpoint: `${accounts}/oauth/v2/token/revoke`,
      },
      regionalServers: ACCOUNTS_SERVERS,
      scope: 'AaaServer.profile.READ',
      authorizationParams: { access_type: 'offline' },
      refreshTokenNeedsConsent: true,
      tokenEndpointAuthMethod: 'client_secret_post',
      connectionApiBase: { member: 'api_domain', domains: API_DOMAINS },
      subjectClaim: 'zuid',
      claimNames: { name: 'name', email: 'email' },
      hooks: { authorizationScope: commaJoinedScope, codeExchangeServer, tokenResponse, profileClaims, revoke },
    };
  },
};
