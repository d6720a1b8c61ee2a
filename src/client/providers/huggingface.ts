/**
 * Hugging Face (Sign in with HF: an OAuth application created in the
 * person's settings, https://huggingface.co/settings/applications/new, with
 * the scopes it may ask ticked and the callback among its redirect URIs).
 * OpenID Connect with discovery at `https://huggingface.co`. From Hugging
 * Face's pages:
 * - the flow is OAuth / OpenID Connect, every endpoint in the OpenID metadata
 *   at https://huggingface.co/.well-known/openid-configuration; the authorize
 *   URL is `https://huggingface.co/oauth/authorize` with `client_id`,
 *   `redirect_uri`, `scope` and `state` (https://huggingface.co/docs/hub/oauth);
 * - the scopes are `openid` (an ID token beside the access token), `profile`
 *   (username, avatar…), `email`, `read-billing`, `read-repos`,
 *   `write-repos`, `manage-repos`, `inference-api` and `write-discussions`
 *   (https://huggingface.co/docs/hub/oauth). `openid profile email` is
 *   asked; an application without the `email` scope sets
 *   `<NAME>_SCOPE=openid profile`, and one that acts on repos or calls
 *   Inference Providers adds those scopes there;
 * - the code is exchanged at `https://huggingface.co/oauth/token` with
 *   `grant_type=authorization_code`, `code`, `client_id` and `redirect_uri`
 *   in the form and the client as `Authorization: Basic
 *   base64(client_id:client_secret)`, the two as written (not form-encoded
 *   first), answered with an access token and an ID token
 *   (https://huggingface.co/docs/hub/spaces-oauth);
 * - PKCE (S256) is what Hugging Face's own client, huggingface.js's
 *   `oauthLoginUrl`, sends: `code_challenge` at the authorize URL and
 *   `code_verifier` at the exchange
 *   (https://huggingface.co/docs/huggingface.js/hub/README#oauth-login); it
 *   is sent here too;
 * - the person is the user info's `sub`, "unique identifier for the user,
 *   even in case of rename", beside `name`, `preferred_username` (the
 *   username, which can change), `picture`, `profile`, `email` and
 *   `email_verified` with the `email` scope, `isPro` and `orgs`
 *   (https://huggingface.co/docs/huggingface.js/hub/interfaces/UserInfo);
 * - the Hub API is under `https://huggingface.co/api` with the token as
 *   Bearer: `GET /api/whoami-v2` is the person, its `id` "persistent across
 *   renames" (https://huggingface.co/docs/huggingface.js/hub/interfaces/WhoAmIUser,
 *   https://huggingface.co/docs/hub/api);
 * - a Space's OAuth tokens last 8 hours unless set otherwise, 30 days at
 *   most (`hf_oauth_expiration_minutes`, https://huggingface.co/docs/hub/spaces-oauth).
 * Not checked against Hugging Face's pages: that a client with a secret may
 * send PKCE (the OAuth pages name none; its own public client sends it); the
 * issuer string its ID tokens name (`https://huggingface.co`, the metadata's
 * host, assumed); the claims of the ID token beside `sub` (the user info is
 * read for them); the lifetime of an application's tokens outside Spaces (8
 * hours assumed in the tests); whether and when a refresh token is issued,
 * how long it lasts and whether a refresh ends the spent one (the newest
 * answered is kept; no keep-alive); whether the token endpoint also takes the
 * client in the form (Basic is sent, as documented); what an authorization
 * asking for a scope the application was not given answers; the token
 * endpoint's refusals (RFC 6749 §5.2's assumed). No revocation endpoint is
 * documented: disconnect forgets the tokens here.
 */
import type { ProviderPreset } from './preset.js';

export const huggingface: ProviderPreset = {
  displayName: 'Hugging Face',
  settings: () => ({
    discovery: { issuer: 'https://huggingface.co' },
    scope: 'openid profile email',
    apiBaseUrl: 'https://huggingface.co/api',
    tokenEndpointAuthMethod: 'client_secret_basic',
    // `base64(client_id:client_secret)` as Hugging Face writes it, not form-encoded first (which turns each `-` into `%2D`).
    basicCredentials: 'plain',
  }),
};
