/**
 * SumUp (an OAuth 2.0 application registered under the merchant's For
 * Developers settings, with the callback among its authorized redirect URLs).
 * Plain OAuth 2.0, RFC 6749's authorization code grant, without discovery or
 * an ID token. A token acts for one SumUp merchant account. From SumUp's
 * pages:
 * - authorization at `https://api.sumup.com/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri`, space-separated `scope` and `state`; a denial
 *   is sent back to the redirect URI as an error; the code is exchanged at
 *   `https://api.sumup.com/token` with a form carrying `grant_type`, `code`, the
 *   same `redirect_uri`, `client_id` and `client_secret` (the client in the
 *   form), answered with `access_token`, `token_type: "Bearer"`, `expires_in`
 *   (3599), `refresh_token` and the granted `scope`; a refresh is the same form
 *   with `refresh_token`, and its answer may carry a new refresh token, to be
 *   kept in place of the old (else the old one stays); a refusal such as
 *   `invalid_grant` means signing in again
 *   (https://developer.sumup.com/tools/authorization/oauth). No PKCE is
 *   documented, so none is sent;
 * - scopes: `user.profile_readonly` (the profile, a default) and
 *   `transactions.history` (the transaction history, a default) are asked
 *   (the same page's scope table);
 * - the account is the merchant account: `GET https://api.sumup.com/v0.1/me`
 *   (scope `user.profile_readonly`, marked deprecated in favour of the
 *   Merchants API but still served) answers `account` (`username`, `type`
 *   `normal` or `operator`), `personal_profile` (first and last names) and
 *   `merchant_profile`, whose `merchant_code` ("unique identifying code of the
 *   merchant profile", read-only, e.g. `MH4H92C7`) is the subject
 *   (https://developer.sumup.com/api/merchant/get,
 *   https://developer.sumup.com/api/merchants). An `operator` is an employee's
 *   sub-account of that merchant, whose answer names the merchant's code: it
 *   would sign in as the merchant, so its sign-in fails;
 * - API calls go under `https://api.sumup.com` with the token as Bearer; a
 *   token SumUp does not take is a 401 `{ "error_message": "invalid access
 *   token", "error_code": "NOT_AUTHORIZED" }` (the same reference).
 * Not checked against SumUp's pages: that a merchant code is never given to
 * another merchant once closed; whether `account.username` is the e-mail
 * (it is kept as the username only, and no e-mail is kept); the refresh
 * token's lifetime and whether a refresh ends the one spent (the newest is
 * kept either way); a revocation endpoint (none is documented: disconnect
 * forgets the tokens here); the token endpoint's refusal body (RFC 6749
 * §5.2's JSON assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The merchant account of `/v0.1/me`: the merchant profile's `merchant_code`, the person's names (else the company's
 * name) and the username; an answer without a merchant code, or an operator's (an employee sub-account of someone
 * else's merchant), names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const me = objectOf(body);
  const merchant = objectOf(me?.merchant_profile);
  const merchantCode = trimmedText(merchant?.merchant_code);
  const account = objectOf(me?.account);
  if (!merchantCode || account?.type === 'operator') return undefined;
  const person = objectOf(me!.personal_profile);
  return {
    merchant_code: merchantCode,
    ...textMembers({
      name: joinedName(person?.first_name, person?.last_name) ?? trimmedText(merchant!.company_name),
      given_name: person?.first_name,
      family_name: person?.last_name,
      preferred_username: account?.username,
    }),
  };
}

export const sumup: ProviderPreset = {
  displayName: 'SumUp',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.sumup.com/authorize',
      tokenEndpoint: 'https://api.sumup.com/token',
      userinfoEndpoint: 'https://api.sumup.com/v0.1/me',
    },
    scope: 'user.profile_readonly transactions.history',
    apiBaseUrl: 'https://api.sumup.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'merchant_code',
    hooks: { profileClaims },
  }),
};
