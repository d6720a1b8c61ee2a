/**
 * Mastodon: one instance per provider, so `<NAME>_BASE_URL` is required, the
 * instance's URL (`https://mastodon.social`); several instances are several
 * providers each with `<NAME>_PRESET=mastodon`. The app is registered at that
 * instance (`POST /api/v1/apps`, https://docs.joinmastodon.org/methods/apps/,
 * or its Preferences, Development page) with the callback as its redirect URI
 * and at least the scopes asked. Plain OAuth 2.0 (Doorkeeper) with explicit
 * endpoints under the base URL: no ID token, and no discovery, since RFC 8414
 * metadata at `/.well-known/oauth-authorization-server` came with Mastodon
 * 4.3 and an older instance answers it 404
 * (https://docs.joinmastodon.org/methods/oauth/#authorization-server-metadata),
 * while the endpoints below are the same on every version.
 * - `GET <base>/oauth/authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri` (one the app registered), `state` and `scope`,
 *   space-separated and within the app's registered `scopes`; PKCE with
 *   `S256` only, since Mastodon 4.3 (https://docs.joinmastodon.org/methods/oauth/#authorize,
 *   https://docs.joinmastodon.org/spec/oauth/#pkce). The challenge is always
 *   sent: an older instance's Doorkeeper, which has nowhere to keep it, does
 *   not read it (RFC 7636 §4.5).
 * - `read:accounts` is asked, the scope every version since 2.4.3 gives
 *   `GET /api/v1/accounts/verify_credentials`; on 4.3 and later `profile`
 *   reaches that one method and nothing else
 *   (https://docs.joinmastodon.org/api/oauth-scopes/): `<NAME>_SCOPE=profile`
 *   asks for it, and the scopes the app's calls need (`read:statuses`,
 *   `write:statuses`…) are added the same way.
 * - `POST <base>/oauth/token` with `grant_type=authorization_code`, `code`,
 *   `redirect_uri`, `code_verifier`, and `client_id` and `client_secret` in
 *   the form, as the docs send them (https://docs.joinmastodon.org/methods/oauth/#token).
 *   The answer is `access_token`, `token_type: "Bearer"`, `scope` and
 *   `created_at`: no `expires_in` and no refresh token, since "tokens will
 *   not expire automatically. They will become invalid only when deleted by a
 *   user or revoked by the app" (https://docs.joinmastodon.org/api/oauth-tokens/).
 *   So the token is kept with no end and nothing refreshes; an API that
 *   refuses it (401, the person revoked the app under Preferences, Account,
 *   Authorized apps) asks for a new sign-in. A code that is wrong or used is
 *   400 `invalid_grant`, a wrong client 401 `invalid_client`.
 * - The person is `GET <base>/api/v1/accounts/verify_credentials`
 *   (https://docs.joinmastodon.org/methods/accounts/#verify_credentials): its
 *   `id`, the account's id at this instance, is the subject, never the
 *   `username`/`acct`; the name is `display_name`, or the username when the
 *   person left it empty. Mastodon gives no e-mail to apps, so none is kept.
 *   (`/oauth/userinfo`, since 4.4, names the person by their actor URI
 *   instead; it is not used, so every version signs in the same way.)
 * - The REST API is `<base>/api` (`/api/v1/…`, `/api/v2/…`), the token sent
 *   as Bearer.
 * - Disconnect revokes the access token at `POST <base>/oauth/revoke` with
 *   `client_id`, `client_secret` and `token` in the form (RFC 7009), which
 *   answers 200 `{}`, also for a token already revoked
 *   (https://docs.joinmastodon.org/methods/oauth/#revoke).
 * Not checked against Mastodon's own pages: the status and body of the API's
 * 401 beyond `{ "error": "The access token is invalid" }` (Doorkeeper's
 * `WWW-Authenticate: Bearer … error="invalid_token"` is assumed, which
 * test/interop/doorkeeper-mastodon.test.ts sees Doorkeeper 5.5 send), that an
 * instance before 4.3 ignores `code_challenge` and `code_verifier` (read from
 * Doorkeeper 5.5, which does so without a place for PKCE; older
 * Doorkeepers were not read), and whether an account's `id` is ever renumbered
 * (it is the database key; a moved account is a new account at its new instance).
 */
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** The account of verify_credentials: its `id`, the display name (else the username) and the username; an answer without an id names no one. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const account = objectOf(body);
  const id = account?.id;
  if (typeof id !== 'string' || id === '') return undefined;
  const username = trimmedText(account!.username);
  const name = trimmedText(account!.display_name) ?? username;
  return { id, ...textMembers({ name, preferred_username: username }) };
}

export const mastodon: ProviderPreset = {
  displayName: 'Mastodon',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    const instance = withoutTrailingSlash(baseUrl ?? '');
    return {
      endpoints: {
        authorizationEndpoint: `${instance}/oauth/authorize`,
        tokenEndpoint: `${instance}/oauth/token`,
        userinfoEndpoint: `${instance}/api/v1/accounts/verify_credentials`,
        revocationEndpoint: `${instance}/oauth/revoke`,
      },
      scope: 'read:accounts',
      apiBaseUrl: `${instance}/api`,
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
      hooks: { profileClaims },
    };
  },
};
