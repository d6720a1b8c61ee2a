/**
 * Rippling (a partner application whose development package selects the `OIDC_SSO` scope and names the callback as
 * its redirect URL; Rippling issues the client). Its OpenID Connect sign-in, over Rippling's OAuth 2.0 server. From
 * Rippling's developer documentation:
 * - `GET https://app.rippling.com/oidc/v1/authorize` with `response_type=code`, `client_id`, `redirect_uri` (it must
 *   match the development package's), `state`, and the scopes `openid profile email address phone`, all of which the
 *   guide names as required; Rippling asks the person's consent and sends them back with `code` and `state`
 *   (https://developer.rippling.com/docs/rippling-api/docs/Guides/OIDC%20Guide.md, "Authorization Flow");
 * - the code is exchanged with a POST to `/api/o/token/` with `grant_type=authorization_code`, `code` and
 *   `redirect_uri`, the client as HTTP Basic over `<client id>:<client secret>` base64-encoded; the answer holds
 *   `access_token`, `token_type: "Bearer"`, `id_token`, `expires_in` (129600 in the sample: 36 hours),
 *   `refresh_token` and `scope`; refreshes go to the same URL with Basic and `grant_type=refresh_token`
 *   (the same guide, and https://developer.rippling.com/docs/rippling-api/docs/Getting-Started/f-Authorization.md);
 * - the ID token's `sub` is the role id of the person signing in; the same claims come from
 *   `GET https://api.rippling.com/platform/api/userinfo` with the access token as Bearer: `sub`, `name`,
 *   `given_name`, `family_name`, `preferred_username`, `picture`, `email`, `email_verified`, and the birthdate,
 *   gender, address and phone (the guide's "Claims"). The person is read there, and `sub` is the subject: Rippling's
 *   ids are its objects' own (`5fb2f623a2b0ae0029fb60ea`), one platform for every company, so no host qualifies
 *   them. Only the name, the username, the picture and the e-mail with its verification are kept. The ID token is
 *   dropped unread (idTokenUnused): Rippling's pages name no issuer, discovery or signing keys for it;
 * - API calls go to `https://api.rippling.com/platform/api` with the token as Bearer
 *   (https://developer.rippling.com/docs/rippling-api/docs/Getting-Started/f-Authorization.md); a 401 means the
 *   token expired or was revoked, and every token of an employee is revoked when the employee is terminated
 *   (https://developer.rippling.com/docs/rippling-api/docs/Getting-Started/i-Errors.md), after which only a new
 *   sign-in mends the connection.
 * Not checked against Rippling's pages: the production token URL (the guides show the sandbox's,
 * `https://sandbox.rippling.com/api/o/token/`; production's is taken to be the same path on `app.rippling.com`, the
 * host its people sign in on); whether a refresh answers a new refresh token and ends the spent one (the newest is
 * kept); whether PKCE is taken (none is sent; none is documented) or a `nonce` (none is sent, no ID token being
 * read); the token endpoint's refusals (RFC 6749 §5.2's are assumed) and the authorization page's for a person who
 * declines (`access_denied`); the body of the API's 401. Rippling documents no revocation: disconnect forgets the
 * tokens here.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The user info as claims: `sub` (the role id), the name (or the given and family names joined), the username, the
 * picture, the e-mail and whether it is verified; the birthdate, gender, address and phone are left out. An answer
 * without a `sub` names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const sub = trimmedText(user?.sub);
  if (!user || !sub) return undefined;
  return {
    sub,
    ...textMembers({
      name: trimmedText(user.name) ?? joinedName(user.given_name, user.family_name),
      given_name: user.given_name,
      family_name: user.family_name,
      preferred_username: user.preferred_username,
      picture: user.picture,
      email: user.email,
    }),
    ...(typeof user.email_verified === 'boolean' && trimmedText(user.email) ? { email_verified: user.email_verified } : {}),
  };
}

export const rippling: ProviderPreset = {
  displayName: 'Rippling',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.rippling.com/oidc/v1/authorize',
      tokenEndpoint: 'https://app.rippling.com/api/o/token/',
      userinfoEndpoint: 'https://api.rippling.com/platform/api/userinfo',
    },
    // The scopes Rippling's OpenID Connect guide names as required.
    scope: 'openid profile email address phone',
    apiBaseUrl: 'https://api.rippling.com/platform/api',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    pkce: false,
    idTokenUnused: true,
    subjectClaim: 'sub',
    hooks: { profileClaims },
  }),
};
