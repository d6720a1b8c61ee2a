/**
 * SoundCloud (apps registered for the SoundCloud API). Plain OAuth 2.1
 * without discovery, scopes or an ID token. From SoundCloud's API guide
 * (https://developers.soundcloud.com/docs/api/guide#authentication) and the
 * OAuth 2.1 migration notice (https://developers.soundcloud.com/blog/oauth-migration):
 * - `GET https://secure.soundcloud.com/authorize` with `client_id`,
 *   `redirect_uri` (as registered), `response_type=code` (the only response
 *   type left, https://developers.soundcloud.com/blog/security-updates-api),
 *   `state` and PKCE, which SoundCloud requires since October 1, 2024
 *   (`code_challenge`, `code_challenge_method=S256`). The guide names no
 *   scopes: none is sent, and the token answer's `scope` is empty;
 * - `POST https://secure.soundcloud.com/oauth/token`, a form with
 *   `grant_type`, `client_id`, `client_secret`, `redirect_uri`,
 *   `code_verifier` and `code`, or `refresh_token` for a refresh: the client
 *   in the form, as the guide's authorization-code and refresh examples send
 *   it (its client-credentials example uses Basic, which that grant alone is
 *   shown with). `https://api.soundcloud.com/oauth2/token` is the old
 *   endpoint and is not used;
 * - access tokens last about an hour (`expires_in`), and refresh tokens are
 *   single use: each refresh answers a new one, which is kept
 *   (https://developers.soundcloud.com/docs/llm-context, "Key Facts" of the
 *   guide);
 * - the person is `GET https://api.soundcloud.com/me`, the authenticated
 *   user: `id`, `urn` (`soundcloud:users:{id}`, the form the API's paths now
 *   take, as `/tracks/{track_urn}/streams`), `username`, `full_name`,
 *   `avatar_url`, `permalink_url`… and no e-mail. The subject is the `urn`,
 *   `username` the name;
 * - the API is `https://api.soundcloud.com`. The guide writes the token as
 *   `Authorization: OAuth ACCESS_TOKEN`; SoundCloud's API team takes
 *   RFC 6750's `Bearer` too, added in 2021 and suggested by them since
 *   (https://github.com/soundcloud/api/issues/109,
 *   https://github.com/soundcloud/api/issues/452), so the token is sent as
 *   Bearer like every other preset's;
 * - the guide names no revocation endpoint: disconnect deletes here, and the
 *   person removes the app in their SoundCloud settings.
 * Not checked against SoundCloud's pages: how long a refresh token lasts
 * unused (no idle end is assumed), the refusal of a used refresh token and
 * of a wrong secret (RFC 6749 §5.2's `invalid_grant` and `invalid_client`
 * are assumed), the API's answer to a token it does not take (its 401
 * `{ code, message, link, status, errors, error }` is what SoundCloud's
 * issue tracker shows), and what `https://secure.soundcloud.com/sign-out`,
 * which a third-party client posts `{ access_token }` to, does: SoundCloud
 * documents it nowhere that could be read here, so it is not called.
 */
import type { ProviderPreset } from './preset.js';

export const soundcloud: ProviderPreset = {
  displayName: 'SoundCloud',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://secure.soundcloud.com/authorize',
      tokenEndpoint: 'https://secure.soundcloud.com/oauth/token',
      userinfoEndpoint: 'https://api.soundcloud.com/me',
    },
    scope: '',
    apiBaseUrl: 'https://api.soundcloud.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'urn',
    claimNames: { name: 'username' },
  }),
};
