/**
 * Epic Games (Epic Account Services, for a product's client in the Epic Developer Portal with an Epic Account
 * Services application whose redirect URL is the callback). OAuth 2.0 with explicit endpoints; no profile call.
 * From Epic's pages:
 * - Epic Online Services authenticate with OAuth 2.0; a web server application takes the person through Epic's
 *   authorization in the browser for a code, exchanges it at the token endpoint with the client's id and secret
 *   as HTTP Basic, and the answer carries the access token, "information about the client and account that were
 *   authenticated" and, when applicable, a refresh token, the access token typically ending within 2 hours
 *   (https://dev.epicgames.com/docs/web-api-ref/authentication). Scopes are space-delimited, `basic_profile`,
 *   `friends_list` and `presence` among them (the same page); `basic_profile` alone is asked;
 * - the token endpoint's answer names the account in `account_id`, the Epic Account ID, Epic's id for the account
 *   (the EOS SDK's `EpicAccountId`): the subject, read from the answer (tokenResponseProfile), so no profile call is
 *   made. The display name (changeable) and no e-mail are known;
 * - the revocation endpoint implements RFC 7009 (the same page): disconnect revokes the refresh token, then the
 *   access token.
 * Not checked against Epic's own pages (the page as read here stops before its endpoint tables): the URLs
 * `https://www.epicgames.com/id/authorize`, `https://api.epicgames.dev/epic/oauth/v2/token` and
 * `https://api.epicgames.dev/epic/oauth/v2/revoke`, as Epic integrations (Arctic among them) use them; the Basic
 * header carrying `id:secret` as they are (as those integrations send it, not RFC 6749 §2.3.1's form-encoding);
 * the answer's other members (`expires_in`, `refresh_expires`, `scope`) and whether a refresh answers a new refresh
 * token (the newest is always kept); the token endpoint's refusals (RFC 6749 §5.2's `error` assumed, beside Epic's
 * own `errorCode`); whether PKCE is taken (none is sent); the accounts API, `GET /epic/id/v2/accounts?accountId=…`
 * under the API base `https://api.epicgames.dev/epic`.
 */
import type { ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/** The account of the code exchange's answer, its `account_id` (the Epic Account ID, 32 hex digits): the person, never the tokens. */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const accountId = trimmedText(answer.account_id);
  return accountId !== undefined && /^[0-9a-f]{32}$/i.test(accountId) ? { account_id: accountId } : undefined;
}

export const epic_games: ProviderPreset = {
  displayName: 'Epic Games',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.epicgames.com/id/authorize',
      tokenEndpoint: 'https://api.epicgames.dev/epic/oauth/v2/token',
      revocationEndpoint: 'https://api.epicgames.dev/epic/oauth/v2/revoke',
    },
    scope: 'basic_profile',
    apiBaseUrl: 'https://api.epicgames.dev/epic',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    pkce: false,
    subjectClaim: 'account_id',
    hooks: { tokenResponseProfile },
  }),
};
