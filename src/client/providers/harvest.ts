/**
 * Harvest (API v2, for an OAuth2 application made in the Developers section of
 * Harvest ID, id.getharvest.com/developers, with the callback as its Redirect
 * URL). Plain OAuth 2.0 authorization code with explicit endpoints, no
 * discovery, no ID token. A person signs in with their Harvest ID, which may
 * belong to several Harvest and Forecast accounts. From Harvest's pages
 * (https://help.getharvest.com/api-v2/authentication-api/authentication/authentication/,
 * https://help.getharvest.com/api-v2/introduction/overview/general/):
 * - `GET https://id.getharvest.com/oauth2/authorize` with `client_id`,
 *   `response_type=code`, `redirect_uri` and `state`; the accounts a grant
 *   reaches are set by the application's Multi Account and Products settings
 *   and picked by the person on Harvest's page, so no scope is asked (no
 *   PKCE is documented, so none is sent);
 * - `POST https://id.getharvest.com/api/v2/oauth2/token` with the `code` (or
 *   `refresh_token`), `grant_type`, and the client's `client_id` and
 *   `client_secret` in the body; the answer is `access_token`,
 *   `refresh_token`, `token_type: "bearer"` and `expires_in` (about 14 days);
 *   a refresh answers a new access token the same way;
 * - `GET https://id.getharvest.com/api/v2/accounts` answers the Harvest ID
 *   `user` the token is for (`id`, `first_name`, `last_name`, `email`) and
 *   the `accounts` it reaches (`id`, `name`, `product`: `harvest` or
 *   `forecast`). `user.id`, the Harvest ID's own number (one person across
 *   all their accounts), is the subject, not the per-account user id of
 *   `/v2/users/me`; the accounts are kept with the profile as
 *   `harvest_accounts`;
 * - the API is `https://api.harvestapp.com/v2`, the token as Bearer; every
 *   call names the account in the `Harvest-Account-Id` header (or the
 *   `account_id` query parameter), so the proxies pass the caller's
 *   `harvest-account-id` on;
 * - every request must carry a User-Agent with the application's name and a
 *   link or e-mail to reach its makers, and one without is refused with 400:
 *   API and profile calls carry `Tokenkeeper (Harvest OAuth2 application
 *   <client id>)` whatever a caller of the proxies sends, and
 *   `<NAME>_USER_AGENT` gives one with a contact, e.g. `Acme Reports
 *   (support@acme.example)`.
 * Not checked against Harvest's pages: a declined authorization
 * (`error=access_denied` assumed) and the token endpoint's refusals (RFC 6749
 * §5.2's `invalid_grant` and `invalid_client` assumed); whether a refresh
 * answers a new refresh token and ends the old one (the newest is kept
 * either way); the refresh token's lifetime; whether the e-mail is verified
 * (kept unverified); that `user.id` is never reused (it is the only id the
 * accounts endpoint gives the person); the API's answer to a token it no
 * longer takes (a 401 assumed) and to a call without an account (a 403
 * assumed); the scopes (`harvest:{account id}`, `forecast:{account id}`,
 * `harvest:all`, `forecast:all`, `all`), which `<NAME>_SCOPE` may send. Harvest
 * documents no revocation for OAuth2 applications: disconnect deletes the
 * tokens here, and the person removes the application's access in Harvest ID.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** A User-Agent naming the OAuth2 application by its client id, as Harvest asks of every request. */
function harvestUserAgent(clientId: string): string {
  const application = /^[\w.-]+$/.test(clientId) ? ` (Harvest OAuth2 application ${clientId})` : '';
  return `Tokenkeeper${application}`;
}

/** An account of the `accounts` list (`id`, `name`, `product`); undefined when it has no whole-number id. */
function accountOf(value: unknown): Record<string, unknown> | undefined {
  const account = objectOf(value);
  const id = account?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  return { id, ...textMembers({ name: account!.name, product: account!.product }) };
}

/**
 * The Harvest ID of `/api/v2/accounts`: `user.id` as its digits, the first and last names joined as the name, the
 * e-mail (unverified: Harvest does not say), and the accounts the grant reaches as `harvest_accounts` (one without an
 * id left out). An answer without a whole-number user id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const answer = objectOf(body);
  const user = objectOf(answer?.user);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const name = joinedName(user!.first_name, user!.last_name);
  const email = trimmedText(user!.email);
  const accounts = Array.isArray(answer!.accounts) ? answer!.accounts.map(accountOf).filter((account) => account !== undefined) : [];
  return {
    id: String(id),
    ...textMembers({ name, given_name: user!.first_name, family_name: user!.last_name }),
    ...(email ? { email, email_verified: false } : {}),
    harvest_accounts: accounts,
  };
}

export const harvest: ProviderPreset = {
  displayName: 'Harvest',
  values: { userAgent: 'optional' },
  settings: ({ userAgent }, client) => ({
    endpoints: {
      authorizationEndpoint: 'https://id.getharvest.com/oauth2/authorize',
      tokenEndpoint: 'https://id.getharvest.com/api/v2/oauth2/token',
      userinfoEndpoint: 'https://id.getharvest.com/api/v2/accounts',
    },
    // None: the application's Multi Account and Products settings, and the person's choice on Harvest's page, say
    // which accounts a grant reaches.
    scope: '',
    pkce: false,
    apiBaseUrl: 'https://api.harvestapp.com/v2',
    apiHeaders: { 'user-agent': userAgent ?? harvestUserAgent(client?.clientId ?? '') },
    fixedApiHeaders: ['user-agent'],
    proxyHeaders: { request: ['harvest-account-id'], response: [] },
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
