/**
 * Basecamp (an integration registered at launchpad.37signals.com/integrations,
 * signing in with a 37signals ID at Launchpad). Plain OAuth 2.0 without
 * discovery, an ID token or scopes. From Basecamp's API docs
 * (https://github.com/basecamp/bc3-api/blob/master/sections/authentication.md,
 * https://github.com/basecamp/bc3-api/blob/master/README.md):
 * - `GET https://launchpad.37signals.com/authorization/new` with
 *   `response_type=code`, `client_id`, `redirect_uri` and `state`; there are
 *   no scopes (the grant reaches every account the person has), and no PKCE
 *   is documented, so none is sent;
 * - `POST https://launchpad.37signals.com/authorization/token` with RFC 6749's
 *   `grant_type` (`authorization_code` with `code` and `redirect_uri`,
 *   `refresh_token` with `refresh_token`), the client's id and secret in the
 *   form. Launchpad still takes its older `type=web_server` and
 *   `type=refresh` in place of `grant_type`, but documents the standard
 *   parameters as the ones to send, so no rewrite of openid-client's form is
 *   needed. The answer is `access_token`, `token_type: "Bearer"`,
 *   `expires_in` (1209600: access tokens live two weeks) and
 *   `refresh_token`; Launchpad first implemented draft 5 of OAuth 2.0, whose
 *   answers had no `token_type`, so a token answer without one is read as
 *   Bearer rather than refused (omitsTokenType). A refresh answers
 *   the same shape; the refresh token does not rotate, and whichever one
 *   comes back is kept;
 * - the person is `GET https://launchpad.37signals.com/authorization.json`:
 *   `identity.id` (the 37signals ID's number) is the subject, `first_name`
 *   and `last_name` the name, `email_address` the e-mail, kept unverified:
 *   the docs say Launchpad does not verify e-mail addresses. Its `accounts`
 *   list (each with `product`, `id`, `name`, `href`, the account's API base,
 *   and `app_href`) is kept with the profile as `basecamp_accounts`, since
 *   every Basecamp 4 call names the account in its path;
 * - API calls go to https://3.basecampapi.com (the `href` of a `bc3` account
 *   is `https://3.basecampapi.com/{account_id}`, so a call names the account
 *   first: `/{account_id}/projects.json`) with `Authorization: Bearer`;
 * - every request must carry a User-Agent naming the app and a way to reach
 *   its makers, and one without is refused with 400
 *   (https://github.com/basecamp/bc3-api/blob/master/README.md#identifying-your-application):
 *   the API and the profile requests carry `Tokenkeeper (Basecamp integration
 *   <client id>)`, the integration named by its client id, under which
 *   Launchpad holds the contact it was registered with, whatever User-Agent a
 *   caller of the proxies sends (a browser's own would not name the app);
 *   `<NAME>_USER_AGENT` gives one with the contact Basecamp asks for, e.g.
 *   `Acme Reports (https://acme.example/contact)`;
 * - Basecamp documents no revocation: disconnect deletes the tokens here, and
 *   the person removes the integration on their 37signals ID's Apps page.
 * Not checked against Basecamp's pages: the refresh token's lifetime (none
 * is documented; it is assumed to last until the person removes the
 * integration), the error codes of a refused code or refresh token (RFC 6749
 * §5.2's `invalid_grant` is assumed) and of a wrong client secret, whether
 * Launchpad still answers a token without `token_type`, and whether
 * `DELETE https://launchpad.37signals.com/authorization.json`, which some
 * clients send, revokes the grant (it is not sent, as it is not documented).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** A User-Agent naming the integration by its client id, as Basecamp asks of every request. */
function basecampUserAgent(clientId: string): string {
  const integration = /^[\w.-]+$/.test(clientId) ? ` (Basecamp integration ${clientId})` : '';
  return `Tokenkeeper${integration}`;
}

/** An account of the `accounts` list, with the members a caller needs to reach it; undefined when it has no id or API base. */
function accountOf(value: unknown): Record<string, unknown> | undefined {
  const account = objectOf(value);
  const id = account?.id;
  const href = trimmedText(account?.href);
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || !href) return undefined;
  const product = trimmedText(account!.product);
  const name = trimmedText(account!.name);
  const appHref = trimmedText(account!.app_href);
  return { id, href, ...textMembers({ product, name, app_href: appHref }) };
}

/**
 * The person of authorization.json: `identity.id` as its digits, the first and
 * last names joined as the name, the e-mail (never verified by Launchpad), and
 * the accounts the grant reaches as `basecamp_accounts` (one without an id or
 * API base left out). An identity without a whole-number id names no
 * one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const answer = objectOf(body);
  const identity = objectOf(answer?.identity);
  const id = identity?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const name = joinedName(identity!.first_name, identity!.last_name);
  const email = trimmedText(identity!.email_address);
  const accounts = Array.isArray(answer!.accounts) ? answer!.accounts.map(accountOf).filter((account) => account !== undefined) : [];
  return {
    id: String(id),
    ...(name ? { name } : {}),
    ...(email ? { email, email_verified: false } : {}),
    basecamp_accounts: accounts,
  };
}

export const basecamp: ProviderPreset = {
  displayName: 'Basecamp',
  values: { userAgent: 'optional' },
  settings: ({ userAgent }, client) => ({
    endpoints: {
      authorizationEndpoint: 'https://launchpad.37signals.com/authorization/new',
      tokenEndpoint: 'https://launchpad.37signals.com/authorization/token',
      userinfoEndpoint: 'https://launchpad.37signals.com/authorization.json',
    },
    scope: '',
    pkce: false,
    apiBaseUrl: 'https://3.basecampapi.com',
    apiHeaders: { 'user-agent': userAgent ?? basecampUserAgent(client?.clientId ?? '') },
    fixedApiHeaders: ['user-agent'],
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    omitsTokenType: true,
    hooks: { profileClaims },
  }),
};
