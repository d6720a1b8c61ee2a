/**
 * D2L Brightspace: plain OAuth 2.0 at D2L's one authentication service for every Brightspace instance, and the
 * Brightspace APIs on each instance's own host (`<NAME>_BASE_URL`, e.g. `https://myschool.brightspace.com`). From D2L's
 * pages:
 * - the app is registered in the instance (Admin Tools, Manage Extensibility, OAuth 2.0) with its redirect URI and the
 *   scopes it may ask; the Authorization Code Grant goes to `https://auth.brightspace.com/oauth2/auth` and
 *   `https://auth.brightspace.com/core/connect/token`, and each API call carries the access token as Bearer
 *   (https://docs.valence.desire2learn.com/basic/oauth2.html);
 * - scopes are `<resource-group>:<resource>:<action>` (the same page); `core:*:*` is asked, as D2L's example
 *   registration has it; an app registered for narrower scopes sets `<NAME>_SCOPE`;
 * - refresh tokens are one-time: each refresh answers a new access token and a new refresh token
 *   (https://community.d2l.com/brightspace/kb/articles/1196-how-to-obtain-an-oauth-2-0-refresh-token);
 * - the person is `GET /d2l/api/lp/(version)/users/whoami` on the instance, `Identifier` (a D2LID, the user's id
 *   within that instance), `FirstName`, `LastName`, `UniqueName` (the username) and `ProfileIdentifier`, and no
 *   e-mail (https://docs.valence.desire2learn.com/res/user.html#User.WhoAmIUser). The authentication service is the
 *   same for every instance, so the `Identifier` alone could name two people: the subject is it qualified by the
 *   instance's host, `<Identifier>@<host>`, which is unique across Brightspace;
 * - the APIs are under `/d2l/api` on the instance.
 * Not checked against D2L's own pages: the token answer's members (`access_token`, `token_type`, `expires_in` with an
 * hour by default, `refresh_token`, `scope`, as RFC 6749 §5.1 has them) and its refusals (RFC 6749 §5.2's), that the
 * client authenticates with HTTP Basic of its id and secret as they are (D2L's developers' examples do), that a PKCE
 * challenge is taken, the LP API version of whoami (1.0, the first; `<NAME>_USERINFO_URL` names another), whoami's
 * answer to a token it does not take (401 assumed), and any revocation (none is documented: a disconnect deletes
 * the tokens here only).
 */
import { hostOf, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** The Learning Platform API version whose whoami the profile is read from. */
const LP_VERSION = '1.0';

/**
 * The WhoAmIUser answer as claims: `id` the Identifier qualified by the instance's host, the names, the username as
 * preferred_username; an answer without an Identifier names no one, and the sign-in fails.
 */
export function whoamiClaims(instanceHost: string): (body: unknown) => Record<string, unknown> | undefined {
  return (body) => {
    const whoami = objectOf(body);
    const identifier = whoami ? trimmedText(typeof whoami.Identifier === 'number' ? String(whoami.Identifier) : whoami.Identifier) : undefined;
    if (!whoami || !identifier) return undefined;
    return {
      id: `${identifier}@${instanceHost}`,
      identifier,
      ...textMembers({
        name: joinedName(whoami.FirstName, whoami.LastName),
        given_name: whoami.FirstName,
        family_name: whoami.LastName,
        preferred_username: whoami.UniqueName,
        profile_identifier: whoami.ProfileIdentifier,
      }),
    };
  };
}

export const brightspace: ProviderPreset = {
  displayName: 'D2L Brightspace',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    const instance = withoutTrailingSlash(baseUrl ?? '');
    const host = hostOf(instance);
    return {
      endpoints: {
        authorizationEndpoint: 'https://auth.brightspace.com/oauth2/auth',
        tokenEndpoint: 'https://auth.brightspace.com/core/connect/token',
        userinfoEndpoint: `${instance}/d2l/api/lp/${LP_VERSION}/users/whoami`,
      },
      scope: 'core:*:*',
      apiBaseUrl: `${instance}/d2l/api`,
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      subjectClaim: 'id',
      hooks: { profileClaims: whoamiClaims(host) },
    };
  },
};
