/**
 * freee (the Japanese accounting and HR suite's public API, for an app
 * created in the freee app store with the callback as its callback URL).
 * Plain OAuth 2.0, RFC 6749's authorization code grant, with explicit
 * endpoints: no discovery, no ID token. From freee's pages:
 * - the person authorizes at `https://accounts.secure.freee.co.jp/public_api/authorize`
 *   with `response_type=code`, `client_id`, `redirect_uri`, `state` and
 *   `prompt=select_company`, which has them pick the company (事業所) the
 *   app is for (https://developer.freee.co.jp/reference/認可コード); the
 *   app's rights are those set on it in the app store, and the authorization
 *   request takes no scope (the same page lists none; the published
 *   spec's `read` and `write` are what the token answer reports,
 *   https://github.com/freee/freee-api-schema), so none is asked;
 * - the code and each refresh go to `https://accounts.secure.freee.co.jp/public_api/token`
 *   as a form with `client_id` and `client_secret` in it (the same page,
 *   https://developer.freee.co.jp/tutorials/getting-access-token); the
 *   answer is JSON with the tokens, `token_type: "bearer"`, `expires_in`
 *   (21600: access tokens last 6 hours), `scope`, and the chosen company's
 *   `company_id` and `external_cid`, which the tokenAnswerClaims hook keeps
 *   with the profile. A refresh token lasts 90 days, serves once, and each
 *   refresh answers a new one to keep
 *   (https://developer.freee.co.jp/reference/faq/token_lifetime);
 * - the API is `https://api.freee.co.jp` with the token as Bearer
 *   (https://developer.freee.co.jp/reference/); a token it no longer takes
 *   is a 401 (`expired_access_token`,
 *   https://developer.freee.co.jp/tips/faq/40x-checkpoint);
 * - the person is `GET /api/1/users/me`, the user the token was issued for,
 *   as `{ user }` (freee's published spec, the `get_users_me` operation and
 *   its `meResponse`): `id`, the user ID (an integer from 1), is the subject,
 *   with `display_name`, `last_name` and `first_name` (each null when unset)
 *   and `email`; freee says nothing of the address's verification, so it is
 *   kept unverified. A freee user is one login across companies, so the
 *   subject is the same whichever company was picked;
 * - a token is revoked at `https://accounts.secure.freee.co.jp/public_api/revoke`
 *   with `token` and an optional `token_type_hint`, as RFC 7009 has it
 *   (freee's published spec, its description's アクセストークンの破棄,
 *   https://github.com/freee/freee-api-schema; the reference page's トークン無効化).
 * Not checked against freee's pages: how the revocation request authenticates
 * the client (the client goes in the form as at the token endpoint) and what
 * it answers; the body of a refused code or refresh token (the token-lifetime
 * FAQ says a spent refresh token is a 401; RFC 6749 §5.2's `invalid_grant`
 * assumed); a declined authorization (`access_denied` assumed); whether PKCE
 * is read (none is sent).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/api/1/users/me`'s `{ user }`: `id` (a positive integer, as text), the display name (else the family
 * and given names, in that order), the names and the e-mail; an answer without a user id names no one, and the
 * sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.user);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  return {
    id: String(id),
    ...textMembers({
      name: trimmedText(user!.display_name) ?? joinedName(user!.last_name, user!.first_name),
      given_name: user!.first_name,
      family_name: user!.last_name,
      email: user!.email,
    }),
  };
}

/** The company the person picked, as the token answer names it: `company_id` (a number or its text) and `external_cid`. */
function tokenAnswerClaims(answer: Record<string, unknown>): Record<string, unknown> {
  const companyId = typeof answer.company_id === 'number' && Number.isSafeInteger(answer.company_id) ? String(answer.company_id) : trimmedText(answer.company_id);
  return textMembers({ company_id: companyId, external_cid: answer.external_cid });
}

export const freee: ProviderPreset = {
  displayName: 'freee',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://accounts.secure.freee.co.jp/public_api/authorize',
      tokenEndpoint: 'https://accounts.secure.freee.co.jp/public_api/token',
      userinfoEndpoint: 'https://api.freee.co.jp/api/1/users/me',
      revocationEndpoint: 'https://accounts.secure.freee.co.jp/public_api/revoke',
    },
    // freee's authorization request takes no scope: the app's rights are set on it in the app store.
    scope: '',
    authorizationParams: { prompt: 'select_company' },
    pkce: false,
    apiBaseUrl: 'https://api.freee.co.jp',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    hooks: { profileClaims, tokenAnswerClaims },
  }),
};
