/**
 * Bentley's iTwin Platform (an application registered on My Apps at
 * developer.bentley.com as a Web App, with the callback among its redirect
 * URIs and a client secret). OAuth 2.0 authorization code at Bentley IMS,
 * the person read from the Users API. From Bentley's pages:
 * - the user is sent to `https://ims.bentley.com/connect/authorize` with the
 *   app's `client_id`, its `redirect_uri`, `response_type=code` and the
 *   scopes, and the code is exchanged at `https://ims.bentley.com/connect/token`,
 *   where the web app's `client_secret` is one of the required parameters
 *   (https://developer.bentley.com/tutorials/authorize-webapp/,
 *   https://developer.bentley.com/apis/overview/authorization/web-app): the
 *   client goes in the form. A web app keeps a secret, so no PKCE is sent
 *   (Bentley's pages give PKCE to native apps and SPAs,
 *   https://developer.bentley.com/apis/overview/authorization/native-spa);
 *   a token close to its end is renewed with the refresh token (the web app
 *   tutorial's "Request a new access token with a refresh token");
 * - the iTwin Platform APIs are `https://api.bentley.com` with the token as
 *   Bearer; `GET /users/me` needs the scope `itwin-platform` and answers the
 *   signed-in user's profile as `{ user: { id, displayName, givenName,
 *   surname, email, … } }`, a token it does not take a 401 with
 *   `{ error: { code, message } }`
 *   (https://developer.bentley.com/apis/users/operations/me/); `id` is the
 *   user's id, the one the Users API looks users up by
 *   (https://developer.bentley.com/apis/users/operations/get-user/), and is
 *   the subject; a user belongs to one organization
 *   (https://developer.bentley.com/apis/users/), whose name is kept. The
 *   name is the given name and surname (`displayName` is an e-mail address
 *   in Bentley's example); the e-mail is kept unverified (Bentley does not
 *   say).
 * Not checked against Bentley's pages: the scope that brings a refresh token
 * (`offline_access`, as IdentityServer, which Bentley IMS is built on
 * (https://www.itwinjs.org/learning/common/accesstoken/), names it, is asked
 * beside `itwin-platform`); access and refresh token lifetimes and whether a
 * refresh answers a new refresh token (the newest is kept); the body of a
 * refused token request (RFC 6749 §5.2's `error` assumed); revocation
 * (none is named on the pages read, so disconnect forgets the tokens here);
 * the ID token (`openid` is not asked: the person is the Users API's).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The `user` of `/users/me`: its `id` as the subject, the given name and surname (joined as the name, else
 * `displayName`), the e-mail and the organization's name; an answer without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.user);
  const id = trimmedText(user?.id);
  if (id === undefined) return undefined;
  return {
    id,
    ...textMembers({
      name: joinedName(user!.givenName, user!.surname) ?? trimmedText(user!.displayName),
      given_name: user!.givenName,
      family_name: user!.surname,
      email: user!.email,
      organization_name: user!.organizationName,
    }),
  };
}

export const bentley: ProviderPreset = {
  displayName: 'Bentley iTwin Platform',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://ims.bentley.com/connect/authorize',
      tokenEndpoint: 'https://ims.bentley.com/connect/token',
      userinfoEndpoint: 'https://api.bentley.com/users/me',
    },
    scope: 'itwin-platform offline_access',
    apiBaseUrl: 'https://api.bentley.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
