/**
 * Wikimedia (an OAuth 2.0 client registered on Meta-Wiki, whose tokens act
 * for the person's global account on every Wikimedia wiki). Plain OAuth 2.0
 * with explicit endpoints, served by MediaWiki's OAuth extension under
 * meta.wikimedia.org's REST API: no discovery, no ID token. From
 * Wikimedia's and the extension's docs:
 * - a client is proposed at
 *   `https://meta.wikimedia.org/wiki/Special:OAuthConsumerRegistration/propose/oauth2`
 *   with its callback URL and the grants it may ask for; the person is sent
 *   to `GET https://meta.wikimedia.org/w/rest.php/oauth2/authorize` with
 *   `response_type=code` and `client_id`
 *   (https://www.mediawiki.org/wiki/OAuth/For_Developers,
 *   https://api.wikimedia.org/wiki/Authentication). `scope` names grants;
 *   `basic` is the one every client has. PKCE is taken, and required of a
 *   client that is not confidential
 *   (`$wgOAuth2RequireCodeChallengeForPublicClients`,
 *   https://www.mediawiki.org/wiki/Extension:OAuth);
 * - `POST https://meta.wikimedia.org/w/rest.php/oauth2/access_token` takes
 *   the code, and a refresh token, with `client_id` and `client_secret` in
 *   the form, as Wikimedia's examples send them; the answer holds
 *   `access_token`, `refresh_token` and `expires_in`
 *   (https://api.wikimedia.org/wiki/Authentication). The extension's grant
 *   types are `authorization_code`, `refresh_token` and
 *   `client_credentials`; access tokens last `$wgOAuth2GrantExpirationInterval`
 *   and refresh tokens `$wgOAuth2RefreshTokenTTL`, a month by default
 *   (https://www.mediawiki.org/wiki/Extension:OAuth);
 * - the person is `GET /w/rest.php/oauth2/resource/profile` with the token
 *   as Bearer: `sub`, the central (global) user id, an integer that is never
 *   reassigned, with `username`, `editcount`, `confirmed_email`, `blocked`,
 *   `registered`, `groups`, `rights` and `grants`; `realname` and `email`
 *   only when the grants include `mwoauth-authonlyprivate` or one that gives
 *   `viewmyprivateinfo`. A hidden user's profile is only `sub` and
 *   `blocked: true` (https://www.mediawiki.org/wiki/OAuth/For_Developers,
 *   the extension's UserStatementProvider). `confirmed_email` says whether
 *   that e-mail is confirmed; the username can be renamed, so it is never
 *   the subject;
 * - API calls carry the token as Bearer, on Meta-Wiki's action and REST
 *   APIs under `https://meta.wikimedia.org/w` (`/api.php`, `/rest.php`), or
 *   another wiki's with `<NAME>_API_BASE_URL`;
 * - the extension has no revocation endpoint (its REST routes are
 *   authorize, access_token, resource and the client-management ones): the
 *   person revokes the app at Special:OAuthManageMyGrants, so disconnect
 *   deletes the tokens here and says they were not revoked at Wikimedia.
 * Not checked against Wikimedia's own pages: the values Wikimedia's wikis
 * set for the access token's and refresh token's lifetimes (the answer's
 * `expires_in` is used; no idle end is assumed, so no keep-alive); that a
 * refresh answers a new refresh token and ends the one spent (the
 * extension's OAuth library does so by default; a refresh answering none
 * would keep the one held); the body of a refused token request (RFC 6749
 * §5.2's `error` is assumed).
 * Wikimedia's User-Agent policy asks clients to name themselves with contact
 * details (https://meta.wikimedia.org/wiki/User-Agent_policy):
 * `WIKIMEDIA_USER_AGENT` sets that User-Agent on the profile and API requests
 * (`MyTool/1.0 (https://example.org/contact; me@example.org)`), whatever a
 * caller of the proxies sends; without it, the caller's or Tokenkeeper's own
 * is sent.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The profile of `/oauth2/resource/profile`: `sub` (the central user id, an
 * integer), `username` as the preferred username, the real name as the
 * name (the username when it is empty), and the e-mail with
 * `confirmed_email` as its verification, when the grants show them. An
 * answer without a numeric `sub` names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const profile = objectOf(body);
  const id = profile?.sub;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const username = trimmedText(profile!.username);
  const name = trimmedText(profile!.realname) ?? username;
  const email = trimmedText(profile!.email);
  return {
    sub: id,
    ...textMembers({ username, name }),
    ...(email ? { email, email_verified: profile!.confirmed_email === true } : {}),
    ...(typeof profile!.blocked === 'boolean' ? { blocked: profile!.blocked } : {}),
  };
}

export const wikimedia: ProviderPreset = {
  displayName: 'Wikimedia',
  values: { userAgent: 'optional' },
  settings: ({ userAgent }) => ({
    endpoints: {
      authorizationEndpoint: 'https://meta.wikimedia.org/w/rest.php/oauth2/authorize',
      tokenEndpoint: 'https://meta.wikimedia.org/w/rest.php/oauth2/access_token',
      userinfoEndpoint: 'https://meta.wikimedia.org/w/rest.php/oauth2/resource/profile',
    },
    scope: 'basic',
    apiBaseUrl: 'https://meta.wikimedia.org/w',
    // Fixed: a browser calling the proxies would otherwise send its own.
    ...(userAgent ? { apiHeaders: { 'user-agent': userAgent }, fixedApiHeaders: ['user-agent'] } : {}),
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'sub',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'username' },
    hooks: { profileClaims },
  }),
};
