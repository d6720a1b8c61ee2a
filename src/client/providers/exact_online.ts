/**
 * Exact Online (an app registered in the Exact Online App Center, the callback as its redirect URI). Plain OAuth 2.0
 * authorization code with explicit endpoints: no discovery, no ID token. Each country's Exact Online is a site of its
 * own, `https://start.exactonline.<country>` (`.nl`, the default, `.be`, `.de`, `.co.uk`, `.com`, `.es`, `.fr`…),
 * with its OAuth and REST API under it: `<NAME>_BASE_URL` names another country's (e.g. `https://start.exactonline.be`),
 * and the app must be registered in that country's App Center. From Exact Online's pages:
 * - the REST API reference (https://start.exactonline.nl/docs/HlpRestAPIResources.aspx): the API is under
 *   `<site>/api/v1`, most resources below a division (`/api/v1/{division}/crm/Accounts`);
 * - a user's `UserID` is an `Edm.Guid`, the user's primary key
 *   (https://start.exactonline.nl/docs/HlpRestAPIResourcesDetails.aspx?name=SystemUsers); `current/Me`, the user the
 *   token is for (https://start.exactonline.nl/docs/HlpRestAPIResourcesDetails.aspx?name=SystemSystemMe, its fields
 *   as Exact's SDKs copy them), has it with `UserName` (the login name), `FullName`, `FirstName`, `LastName`,
 *   `Email`, `LanguageCode`, `PictureUrl` and `CurrentDivision`, the division the API uses unless the URL names
 *   another. The subject is the `UserID` qualified by the site's host
 *   (`<UserID>@start.exactonline.nl`): each country's site keeps its own users, and Exact says nothing of an id
 *   across them. `CurrentDivision` is kept beside it (`division`), for the API paths that need one.
 * Not checked against Exact Online's own pages (its OAuth guides on support.exactonline.com could not be read here;
 * these are as Exact's SDKs and integrations show them): the authorization at `<site>/api/oauth2/auth` with
 * `client_id`, `redirect_uri`, `response_type=code` and `state`, and no scope (an app's rights are set on it in the
 * App Center: none is asked); the token endpoint `<site>/api/oauth2/token`, the client in the form with the code or
 * the refresh token; its answer, `access_token`, `token_type` "bearer", `expires_in` "600" (ten minutes, written as
 * a string) and `refresh_token`; each refresh answering a new refresh token that replaces the spent one (kept here);
 * whether a refresh is refused while the access token still has time left; the JSON answer of `current/Me` when
 * asked with `Accept: application/json` (`{ d: { results: [user] } }`; XML otherwise); the refusals' bodies; PKCE
 * (none is sent); whether the e-mail is verified (kept unverified). Exact documents no revocation endpoint here:
 * disconnect deletes the tokens, and the person removes the app's access in Exact Online.
 */
import { hostOf, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** The Dutch site, where Exact Online began, when no other country's is named. */
const NETHERLANDS = 'https://start.exactonline.nl';

/** A GUID as Exact Online writes its ids. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The user of `current/Me`'s `{ d: { results: [user] } }` on the site at `siteHost`: the `UserID` qualified by that
 * host, the full name (else the first and last names), the user name, the e-mail, the language, the picture and the
 * current division; an answer without a GUID `UserID` names no one, and the sign-in fails.
 */
export function meClaims(siteHost: string): (body: unknown) => Record<string, unknown> | undefined {
  return (body) => {
    const d = objectOf(objectOf(body)?.d);
    const results = Array.isArray(d?.results) ? d.results : [d];
    const user = objectOf(results[0]);
    const userId = user?.UserID;
    if (typeof userId !== 'string' || !GUID.test(userId)) return undefined;
    const division = user!.CurrentDivision;
    return {
      id: `${userId.toLowerCase()}@${siteHost}`,
      user_id: userId,
      ...textMembers({
        name: trimmedText(user!.FullName) ?? joinedName(user!.FirstName, user!.LastName),
        given_name: user!.FirstName,
        family_name: user!.LastName,
        preferred_username: user!.UserName,
        email: user!.Email,
        locale: user!.LanguageCode,
        picture: user!.PictureUrl,
      }),
      ...(typeof division === 'number' && Number.isSafeInteger(division) && division > 0 ? { division: String(division) } : {}),
    };
  };
}

export const exact_online: ProviderPreset = {
  displayName: 'Exact Online',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const site = baseUrl ? withoutTrailingSlash(baseUrl) : NETHERLANDS;
    return {
      endpoints: {
        authorizationEndpoint: `${site}/api/oauth2/auth`,
        tokenEndpoint: `${site}/api/oauth2/token`,
        userinfoEndpoint: `${site}/api/v1/current/Me`,
      },
      // None: an app's rights are set on it in the App Center; the authorization request has no scope parameter.
      scope: '',
      apiBaseUrl: `${site}/api`,
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
      hooks: { profileClaims: meClaims(hostOf(site)) },
    };
  },
};
