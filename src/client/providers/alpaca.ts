/**
 * Alpaca (Trading API, for an OAuth app created on the OAuth Apps page of the
 * Alpaca dashboard, the callback among its redirect URIs). Plain OAuth 2.0
 * authorization code with explicit endpoints: no discovery, no ID token, no
 * refresh. From Alpaca's pages:
 * - the person is sent to `https://app.alpaca.markets/oauth/authorize` with
 *   `response_type=code`, `client_id`, `redirect_uri` (one of the app's
 *   whitelisted URIs), `state` and `scope`, a space-delimited list of
 *   `account:write`, `trading` and `data`; with no scope the token is
 *   read-only (https://docs.alpaca.markets/docs/using-oauth2-and-trading-api,
 *   https://alpaca.markets/docs/api-references/oauth-api/). None is asked
 *   here: `<NAME>_SCOPE=account:write trading` lets the app trade;
 * - `env`, `live` or `paper`, picks the one kind of account the person is
 *   asked to authorize; without it one token may reach a live account and a
 *   paper one (the same guide page). `env=live` is sent, so a connection is
 *   one live account (`<NAME>_AUTHORIZATION_PARAMS=env=paper` with
 *   `<NAME>_API_BASE_URL=https://paper-api.alpaca.markets` connects a paper
 *   account instead);
 * - the person comes back with `code` and `state`, which is exchanged with a
 *   form `POST https://api.alpaca.markets/oauth/token` holding `grant_type`,
 *   `code`, `client_id`, `client_secret` and `redirect_uri`, all required;
 *   the answer is `access_token`, `token_type: "bearer"` and `scope`, with no
 *   `expires_in` and no refresh token (the same guide page);
 * - API calls send the token as `Authorization: Bearer` to
 *   `https://api.alpaca.markets` (`https://paper-api.alpaca.markets` for a
 *   paper account) under `/v2` (the same guide page). `GET /v2/account` is
 *   the account the token reaches, whose `id` (a UUID, "Account ID") is the
 *   subject, beside `account_number`, `status`, `currency` and balances
 *   (https://alpaca.markets/docs/api-references/trading-api/account/). The
 *   account has no name or e-mail, so none is kept; the account number is
 *   kept as the preferred username.
 * Not checked against Alpaca's own pages: whether the account `id` is never
 * reused (a UUID per account is assumed); whether PKCE is read (none is
 * sent); the token endpoint's refusals (RFC 6749 §5.2's `error` assumed) and
 * the API's answer to a token it no longer takes (a 401 is assumed, which
 * marks the connection needs re-auth); a revocation endpoint: none is
 * documented for the Trading API's OAuth (the person revokes the app on the
 * dashboard's OAuth Apps page), so disconnect forgets the token here.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The account of `/v2/account`: its `id`, and its `account_number` as the preferred username; an answer without a
 * string id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const account = objectOf(body);
  const id = trimmedText(account?.id);
  if (!id) return undefined;
  return { id, ...textMembers({ preferred_username: account!.account_number, status: account!.status, currency: account!.currency }) };
}

export const alpaca: ProviderPreset = {
  displayName: 'Alpaca',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.alpaca.markets/oauth/authorize',
      tokenEndpoint: 'https://api.alpaca.markets/oauth/token',
      userinfoEndpoint: 'https://api.alpaca.markets/v2/account',
    },
    // None: read-only, Alpaca's default; `account:write`, `trading` and `data` ask for more.
    scope: '',
    apiBaseUrl: 'https://api.alpaca.markets',
    authorizationParams: { env: 'live' },
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
