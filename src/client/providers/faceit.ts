/**
 * FACEIT (FACEIT Connect: an OAuth2 client and consent screen made in the
 * App Studio of FACEIT's Developer Portal, the callback as its redirect
 * URL). OAuth 2.0's authorization code flow with PKCE and explicit
 * endpoints. From FACEIT's docs:
 * - FACEIT Connect is its OAuth2 account linking and sign-on; a server app
 *   that keeps a client secret uses the authorization code flow with PKCE;
 *   the client id is a GUID, and generating a new secret ends the old one
 *   at once (https://docs.faceit.com/getting-started/authentication/oauth2);
 *   its endpoints are listed at
 *   https://api.faceit.com/auth/v1/openid_configuration;
 * - the person signs in at `https://accounts.faceit.com/accounts` and is
 *   sent back to the redirect URL with the code in the query; the scopes
 *   `openid`, `profile` and `email` give the guid, nickname, avatar and
 *   e-mail (FACEIT Connect's documentation,
 *   https://cdn.faceit.com/third_party/docs/FACEIT_Connect_3.0.pdf);
 * - `POST https://api.faceit.com/auth/v1/oauth/token` with the client as
 *   HTTP Basic, the base64 of `<client id>:<client secret>` as they are
 *   (basicCredentials `plain`: the id is a GUID, whose hyphens the
 *   form-encoding of RFC 6749 §2.3.1 would escape): a request without it is
 *   a 401 (FACEIT's developer forum,
 *   https://forums.faceit.com/t/faceit-connect-401-during-the-token-request/2100);
 * - `GET https://api.faceit.com/auth/v1/resources/userinfo` with the access
 *   token as Bearer is the person (same thread): `guid`, the FACEIT
 *   account's id (a UUID), is the subject, with the `nickname` (changeable,
 *   so a name only), `picture`, `email`, and the given and family names
 *   where profile gives them.
 * The ID token is not read (idTokenUnused): an integrator reported broken
 * ones in the same thread, and userinfo names the person.
 * Not checked against FACEIT's pages: the contents of the OpenID
 * configuration (the endpoints above are those integrations of FACEIT use);
 * `redirect_popup=true`, which integrations add so that FACEIT redirects in
 * the same window rather than a popup; whether `guid` is the player id of
 * FACEIT's Data API (it is kept as FACEIT's account id either way);
 * the token answer's members beyond the access token (`expires_in`,
 * `refresh_token` assumed as RFC 6749 §5.1 has them, the newest refresh token
 * kept); the members of userinfo (as integrations read them: `guid`,
 * `nickname`, `email`, `picture`; `email_verified` kept where it is a boolean,
 * else the e-mail is stored as not known to be verified); the token
 * endpoint's refusals beyond the client's 401 (RFC 6749 §5.2's assumed).
 * The API base is `https://api.faceit.com`, where userinfo takes the token
 * (which of FACEIT's other APIs take a FACEIT Connect token is not checked).
 * FACEIT documents no revocation: disconnect forgets the tokens here.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** A FACEIT guid: a UUID, in any case (kept as sent). */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The person of userinfo: `guid`, named by the nickname (or the given and family names), with the picture and the
 * e-mail (verified only where userinfo says so with a boolean); no one without a guid.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const guid = trimmedText(user?.guid);
  if (!user || !guid || !GUID.test(guid)) return undefined;
  const nickname = trimmedText(user.nickname);
  const email = trimmedText(user.email);
  return {
    guid,
    ...textMembers({ name: nickname ?? joinedName(user.given_name, user.family_name), preferred_username: nickname, given_name: user.given_name, family_name: user.family_name, picture: user.picture }),
    ...(email ? { email, email_verified: user.email_verified === true } : {}),
  };
}

export const faceit: ProviderPreset = {
  displayName: 'FACEIT',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://accounts.faceit.com/accounts?redirect_popup=true',
      tokenEndpoint: 'https://api.faceit.com/auth/v1/oauth/token',
      userinfoEndpoint: 'https://api.faceit.com/auth/v1/resources/userinfo',
    },
    scope: 'openid profile email',
    apiBaseUrl: 'https://api.faceit.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    idTokenUnused: true,
    subjectClaim: 'guid',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'preferred_username' },
    hooks: { profileClaims },
  }),
};
