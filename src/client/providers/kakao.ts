/**
 * Kakao Login (the REST API way: a server that holds the app's REST API key).
 * Plain OAuth 2.0 with explicit endpoints. From Kakao's REST API guide
 * (https://developers.kakao.com/docs/latest/en/kakaologin/rest-api,
 * https://developers.kakao.com/docs/latest/en/kakaologin/common):
 * - `GET https://kauth.kakao.com/oauth/authorize` with `client_id` (the REST
 *   API key), `redirect_uri` (one registered on the app), `response_type=code`
 *   and `state`. Without `scope`, Kakao asks for the consent items set on the
 *   app in its console, so none is sent by default (asking for an item the
 *   console has not set is refused, KOE205); `scope`, when a connection asks
 *   for more, is a comma-separated list of consent item ids
 *   (`profile_nickname,account_email`), which the authorizationScope hook
 *   makes of the space-separated list kept here;
 * - `POST https://kauth.kakao.com/oauth/token` with `grant_type`, `client_id`,
 *   `redirect_uri`, `code` and `client_secret` in the form: the secret is
 *   required only when the app turns Client Secret on (Security settings),
 *   and an app with it off is configured with the `none` method, which sends
 *   the client id alone. The answer is `token_type` `bearer`, `access_token`,
 *   `expires_in` (about 6 hours for a REST API key, 12 for the SDKs'),
 *   `refresh_token`, `refresh_token_expires_in` (about 2 months) and
 *   `scope` (space-separated). Refusals are RFC 6749 §5.2's, with Kakao's
 *   `error_code` beside (`invalid_grant` KOE320 for a code, KOE322 for a
 *   refresh token, `invalid_client` KOE010 for the secret);
 * - a refresh answers a new access token, and a new refresh token only when
 *   the one used has less than a month left (then the one used ends): most
 *   refreshes answer none, and the one held is kept with its end. That end
 *   is the answer's `refresh_token_expires_in`, so the keep-alive sweep
 *   refreshes an unused connection in its last week, within that month, and
 *   gets a new two-month refresh token;
 * - the person is `GET https://kapi.kakao.com/v2/user/me` (Bearer), with
 *   `secure_resource=true` for https image URLs: `id`, the service user ID,
 *   a number Kakao documents as a Long, is the subject; `kakao_account`
 *   holds `profile.nickname`, `profile.profile_image_url`, `email` with
 *   `is_email_valid` and `is_email_verified`, each only when the person
 *   consented to it (https://developers.kakao.com/docs/latest/en/kakaologin/rest-api#req-user-info);
 * - the API is `https://kapi.kakao.com`, answering 401 (`code` -401) to a
 *   token it does not take;
 * - disconnect is `POST https://kapi.kakao.com/v1/user/unlink` with the
 *   access token, which unlinks the app from the person's account and ends
 *   all its tokens (https://developers.kakao.com/docs/latest/en/kakaologin/rest-api#unlink).
 * Why not OpenID Connect: Kakao issues ID tokens only to an app that turns
 * OpenID Connect on in its console (discovery at
 * https://kauth.kakao.com/.well-known/openid-configuration), and only when
 * `openid` is asked for with the consent items; /v2/user/me answers every
 * app, and its `id` is the same service user ID an ID token's `sub` carries
 * (https://developers.kakao.com/docs/latest/en/kakaologin/common#oidc), so
 * the subject is the one either way and the e-mail's validity comes with it.
 * A `<NAME>_SCOPE` with `openid` is not for this preset: an ID token would
 * need `<NAME>_JWKS_URL`, and /v2/user/me carries no `sub` to check.
 * Not checked against Kakao's pages, which were not at hand: whether PKCE
 * is checked (a challenge is sent, which RFC 7636 §4.5 has a server ignore),
 * whether a client secret sent to an app with Client Secret off is refused
 * (the `none` method sends none), and the HTTP status of the token
 * endpoint's refusals (400 and 401 are both read). A service user ID past
 * JavaScript's safe integers (2^53) would be rounded by any JSON reader, so
 * such an answer fails the sign-in rather than naming the wrong person;
 * Kakao's ids are far below it.
 */
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { commaJoinedScope, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The person of /v2/user/me: `id` as its digits, the profile's nickname as
 * the name (else the account's name), its image as the picture, and the
 * e-mail, verified only when Kakao says it is both verified and still valid
 * (`is_email_valid` false: another account took it since). An id that is
 * not a whole number JavaScript holds exactly names no one, and the sign-in
 * fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const person = objectOf(body);
  const id = person?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const account = objectOf(person!.kakao_account);
  const profile = objectOf(account?.profile);
  const properties = objectOf(person!.properties);
  const name = trimmedText(profile?.nickname) ?? trimmedText(properties?.nickname) ?? trimmedText(account?.name);
  const picture = trimmedText(profile?.profile_image_url) ?? trimmedText(properties?.profile_image);
  const email = trimmedText(account?.email);
  return {
    id: String(id),
    ...textMembers({ name, picture }),
    ...(email ? { email, email_verified: account!.is_email_verified === true && account!.is_email_valid === true } : {}),
    ...(typeof person!.connected_at === 'string' ? { connected_at: person!.connected_at } : {}),
  };
}

/** Unlinks the app from the person's Kakao account at /v1/user/unlink with the access token, which ends all its tokens. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('Kakao revocation needs the API base URL');
  return revokeWithBearer(request, `${withoutTrailingSlash(request.apiBaseUrl)}/v1/user/unlink`, { method: 'POST', headers: request.apiHeaders }, { provider: 'Kakao', what: 'the unlink request' });
}

export const kakao: ProviderPreset = {
  displayName: 'Kakao',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://kauth.kakao.com/oauth/authorize',
      tokenEndpoint: 'https://kauth.kakao.com/oauth/token',
      userinfoEndpoint: 'https://kapi.kakao.com/v2/user/me?secure_resource=true',
    },
    scope: '',
    apiBaseUrl: 'https://kapi.kakao.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { authorizationScope: commaJoinedScope, profileClaims, revoke },
  }),
};
