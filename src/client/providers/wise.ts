/**
 * Wise (the Wise Platform API, for a partner whose client id and secret come
 * from Wise's Developer Hub and whose redirect URL Wise configured at
 * onboarding). Plain OAuth 2.0 authorization code with explicit endpoints:
 * no discovery, no ID token, no scope parameter. From Wise's pages:
 * - the person is sent to `https://wise.com/oauth/authorize/` with
 *   `client_id`, `redirect_uri` and an optional `state`, logs in, grants the
 *   access and comes back with `code`, the `state` and the `profileId` they
 *   granted (https://docs.wise.com/api-docs/features/authentication-access/linking-accounts,
 *   https://docs.wise.com/api-docs/guides/customer-prefilled-account-wise-kyc/claim-account);
 *   Wise's sandbox is the same at `https://sandbox.transferwise.tech`
 *   (https://docs.wise.com/guides/developer/auth-and-security/personal-token-migration/testing-in-sandbox),
 *   set as `<NAME>_BASE_URL`, whose `api.` host is the API's;
 * - `POST https://api.wise.com/oauth/token` with the client as HTTP Basic
 *   (`curl -u '<client_id>:<client_secret>'`, sent as it is) and a form: `grant_type=refresh_token` and `refresh_token` for a refresh
 *   (https://docs.wise.com/guides/developer/auth-and-security/refresh-tokens);
 *   the answer is `access_token`, `token_type: "bearer"`, `refresh_token`,
 *   `expires_in`, `expires_at`, `refresh_token_expires_in`,
 *   `refresh_token_expires_at`, `scope` ("transfers") and `created_at`
 *   (https://docs.wise.com/api-reference/user-tokens). Access tokens last 12
 *   hours; a refresh token up to 20 years, and a refresh gives a new access
 *   token and ends the previous one at once (the refresh-tokens page); a
 *   refused refresh token is `invalid_grant`, and a new code exchange ends
 *   the earlier refresh token
 *   (https://docs.wise.com/guides/product/account-setup/refreshing-access);
 * - the API is `https://api.wise.com` with the token as Bearer
 *   (https://docs.wise.com/guides/developer/auth-and-security/oauth-2-setup);
 *   the person is the User of `GET /v1/me`, "authenticated user details for
 *   the user's token": `id` (the userId, the subject), `name`, `email`,
 *   `active` and `details` (first and last names, avatar…)
 *   (https://docs.wise.com/api-reference/user). A user has one personal
 *   profile and may have business profiles (`GET /v2/profiles`, each with
 *   the `userId`, https://docs.wise.com/api-reference/legacy/profile/profilelist).
 * Not checked against Wise's own pages: the authorization request's
 * `response_type=code` (sent, as RFC 6749 §4.1.1 has it) and a refusal
 * (`access_denied`); the code exchange's form (`grant_type`, `code`,
 * `redirect_uri`, the client as Basic, as the refresh is shown); whether a
 * refresh answers the same refresh token (the newest is kept either way);
 * the token endpoint's refusals past `invalid_grant` (RFC 6749 §5.2's
 * assumed); the body of a 401 to a token the API does not take (RFC 6750's
 * `invalid_token` assumed); whether the e-mail is verified (stored
 * unverified); whether PKCE is taken (none is sent); a revocation endpoint
 * (none is documented: disconnect forgets the tokens here).
 */
import { hostOf, objectOf, withoutTrailingSlash, type PresetValues, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The User of `/v1/me`: its `id` (a positive integer, as text), the name (else the details' first and last names
 * joined), the first and last names, the e-mail and the avatar; an answer without a user id names no one, and the
 * sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const details = objectOf(user!.details);
  return {
    id: String(id),
    ...textMembers({
      name: trimmedText(user!.name) ?? joinedName(details?.firstName, details?.lastName),
      given_name: details?.firstName,
      family_name: details?.lastName,
      email: user!.email,
      picture: details?.avatar,
    }),
  };
}

export const wise: ProviderPreset = {
  displayName: 'Wise',
  values: { baseUrl: 'optional' },
  settings: (values: PresetValues) => {
    const base = withoutTrailingSlash(values.baseUrl ?? 'https://wise.com');
    const api = `https://api.${hostOf(base)}`;
    return {
      endpoints: {
        authorizationEndpoint: `${base}/oauth/authorize/`,
        tokenEndpoint: `${api}/oauth/token`,
        userinfoEndpoint: `${api}/v1/me`,
      },
      // None: Wise's authorization takes no scope; a token's scope is `transfers`.
      scope: '',
      apiBaseUrl: api,
      tokenEndpointAuthMethod: 'client_secret_basic',
      // As Wise's `curl -u '<client_id>:<client_secret>'` sends them, not form-encoded first.
      basicCredentials: 'plain',
      pkce: false,
      subjectClaim: 'id',
      hooks: { profileClaims },
    };
  },
};
