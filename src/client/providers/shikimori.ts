/**
 * Shikimori (the Shikimori API, for an OAuth application created at https://shikimori.one/oauth/applications).
 * Plain OAuth 2.0 with explicit endpoints: no discovery, no ID token. From Shikimori's OAuth2 guide
 * (https://shikimori.one/oauth) and its API documentation (https://shikimori.one/api/doc), whose source is
 * Shikimori's own repository (https://github.com/shikimori/shikimori):
 * - `GET https://shikimori.one/oauth/authorize` with `client_id`, `redirect_uri`, `response_type=code` and a
 *   space-separated `scope` among the application's (an application is allowed `user_rates`, `comments` and
 *   `topics`, and `user_rates` is the default: app/models/oauth_application.rb). The preset asks for `user_rates`;
 * - `POST https://shikimori.one/oauth/token` with `grant_type=authorization_code`, `client_id`, `client_secret`,
 *   `code` and `redirect_uri` in the body; an access token "is expired in 1 day", and `grant_type=refresh_token` with
 *   the refresh token obtains "new Access Token and Refresh Token": each refresh answers a new pair, kept in place of
 *   the old (the guide). The server is Doorkeeper (config/initializers/doorkeeper.rb: `access_token_expires_in
 *   1.day`, `use_refresh_token`), whose refusals are RFC 6749's (400 `invalid_grant`, 401 `invalid_client`);
 * - every request, the token requests included, names the OAuth application in its `User-Agent`: "Add your Oauth2
 *   Application name to User-Agent requests header… Your IP address may be banned if you use API without properly
 *   set User-Agent header" (https://shikimori.one/api/doc). `<NAME>_USER_AGENT` gives it; without it, one naming
 *   Tokenkeeper and the client id is sent. The tokenRequest hook puts it on the token requests;
 * - the API is `https://shikimori.one/api` with the token as Bearer; an ended token is 401 with
 *   `{"error":"invalid_token","error_description":"The access token is invalid","state":"unauthorized"}` (the
 *   guide). The person is `GET /users/whoami`: `id` (a number, the subject), `nickname` (which a person can change:
 *   kept as the name and `preferred_username`), `avatar`, `url`… and `email` only for a token with the `email`
 *   scope (app/controllers/api/v1/users_controller.rb, app/serializers/user_info_with_email_serializer.rb), whose
 *   verification Shikimori does not say;
 * - revocation is Doorkeeper's RFC 7009 `POST https://shikimori.one/oauth/revoke`, which Shikimori's routes keep
 *   (config/routes.rb: `use_doorkeeper` skips only the applications, token info and authorized applications
 *   controllers); the client authenticates in the form, and revoking the refresh token ends its access token too.
 * Not checked against Shikimori's pages: the revocation (its guide names none; Doorkeeper's is used, and it goes
 * out with Tokenkeeper's own User-Agent, as RFC 7009 requests do here); whether a
 * refresh token is still taken until the new access token is first used (Doorkeeper's
 * `revoke_previous_refresh_token_on_use`; the newest is always kept); whether refresh tokens end unused (no end is
 * assumed, so no keep-alive); and whether PKCE is checked (Doorkeeper takes RFC 7636 where its database has the
 * columns for it; S256 is sent, which a server without them ignores).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** A User-Agent naming Tokenkeeper and the OAuth application by its client id, for a deployment that names none. */
function shikimoriUserAgent(clientId: string): string {
  const app = /^[\w.-]+$/.test(clientId) ? clientId : 'unnamed';
  return `Tokenkeeper (Shikimori OAuth application ${app})`;
}

/** openid-client's token request with the application's User-Agent, as Shikimori's guide sends it. */
function tokenRequestWith(userAgent: string) {
  return (request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } => {
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'user-agent'));
    return { body: request.body.toString(), headers: { ...headers, 'user-agent': userAgent } };
  };
}

/**
 * The person of `/users/whoami`: `id` (a positive whole number), the nickname as the name and `preferred_username`,
 * the avatar as the picture, the profile page, and the e-mail when the token's scope brought one. An answer without
 * an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const nickname = trimmedText(user!.nickname);
  const avatar = trimmedText(user!.avatar);
  const url = trimmedText(user!.url);
  const email = trimmedText(user!.email);
  return {
    id,
    ...(nickname ? { name: nickname, preferred_username: nickname } : {}),
    ...textMembers({ picture: avatar, profile: url, email }),
  };
}

export const shikimori: ProviderPreset = {
  displayName: 'Shikimori',
  values: { userAgent: 'optional' },
  settings: ({ userAgent: configured }, client) => {
    const userAgent = configured ?? shikimoriUserAgent(client?.clientId ?? '');
    return {
      endpoints: {
        authorizationEndpoint: 'https://shikimori.one/oauth/authorize',
        tokenEndpoint: 'https://shikimori.one/oauth/token',
        userinfoEndpoint: 'https://shikimori.one/api/users/whoami',
        revocationEndpoint: 'https://shikimori.one/oauth/revoke',
      },
      scope: 'user_rates',
      apiBaseUrl: 'https://shikimori.one/api',
      apiHeaders: { 'user-agent': userAgent },
      fixedApiHeaders: ['user-agent'],
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
      claimNames: { name: 'name', email: 'email', preferredUsername: 'preferred_username' },
      hooks: { tokenRequest: tokenRequestWith(userAgent), profileClaims },
    };
  },
};
