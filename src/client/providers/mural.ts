/**
 * Mural (an app registered in My apps of a Mural account, for the Mural
 * public API). Plain OAuth 2.0 with explicit endpoints; the person is read
 * from the API's `/users/me`. From Mural's own pages and its own sample
 * clients:
 * - the person is sent to `https://app.mural.co/api/public/v1/authorization/oauth2/`
 *   (the Authorization URL), the code exchanged at `…/oauth2/token` (the
 *   Access Token URL); the grant is the authorization code, with PKCE
 *   supported; when the access token expires, a POST to the Refresh Token
 *   URL answers a new access token and a new refresh token
 *   (https://developers.mural.co/public/docs/oauth). The Refresh Token URL is
 *   `…/oauth2/refresh`, as Mural's own OAuth sample spends refresh tokens
 *   there (https://github.com/muralco/api-oauth, `server.js`), and the
 *   general refreshEndpoint sends them there; the new refresh token is kept
 *   in place of the spent one;
 * - scopes are granular and must be among those ticked on the app, else
 *   Mural shows its "Uh-oh" page rather than sending the person back
 *   (https://developers.mural.co/public/docs/basic-information-page); the
 *   redirect URL must be one listed on the app's Access page
 *   (https://developers.mural.co/public/docs/access-page). `identity:read`
 *   is what `GET /users/me` needs and is the default here; an app adds the
 *   ones its calls need (`workspaces:read`, `murals:read`…) in
 *   `<NAME>_SCOPE`;
 * - the API is `https://app.mural.co/api/public/v1`, the token as Bearer;
 *   `GET /users/me` (scope `identity:read`) "returns information for the
 *   currently authenticated user"
 *   (https://developers.mural.co/public/reference/getcurrentmember); the
 *   user's id is Mural's "unique ID of the user", the one its company
 *   reports name each user by
 *   (https://developers.mural.co/enterprise/reference/getallmuralmemberships),
 *   and is the subject;
 * - the API refuses with `{ "code", "message" }`; a 401 is `UNAUTHORIZED` or
 *   `TOKEN_EXPIRED` ("you need to refresh your OAuth token")
 *   (https://developers.mural.co/public/docs/error-codes): a plain 401, which
 *   the core answers by refreshing once.
 * Taken from Mural's own clients, not its pages: the answers of the API come
 * in an envelope, `{ "value": … }`, and the user in it has `id`,
 * `firstName`, `lastName`, `email`, `avatar`, `type`, `createdOn` and
 * `lastActiveWorkspace` (Mural's integrations SDK,
 * https://github.com/MuralDevKit/mural-integrations-sdk,
 * `packages/mural-client`); the client may authenticate as HTTP Basic of
 * its id and secret as they are at both endpoints (that SDK's code exchange
 * and the api-oauth sample's refresh both send it).
 * Not checked against Mural's own pages: the members of the token answer
 * (`access_token`, `refresh_token`, `token_type`, `expires_in`, read as RFC
 * 6749 §5.1's) and the lifetime of an access token (15 minutes, as Mural's
 * clients report); whether the spent refresh token still works; the status
 * and body of a refused token request (RFC 6749 §5.2's is assumed); what a
 * person who declines is sent back with (`error=access_denied` is assumed);
 * whether the e-mail was verified (kept as not known to be). Mural documents
 * no revocation endpoint: disconnect deletes the tokens here, and the person
 * removes the app in their Mural account.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The person of `/users/me`'s `{ value }`: the `id` as the subject, `firstName` and `lastName` joined as the name,
 * the e-mail and the avatar; an answer without an id names no one.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.value);
  const id = trimmedText(user?.id);
  if (!user || id === undefined) return undefined;
  return {
    id,
    ...textMembers({ name: joinedName(user.firstName, user.lastName), given_name: user.firstName, family_name: user.lastName, email: user.email, picture: user.avatar }),
  };
}

export const mural: ProviderPreset = {
  displayName: 'Mural',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.mural.co/api/public/v1/authorization/oauth2/',
      tokenEndpoint: 'https://app.mural.co/api/public/v1/authorization/oauth2/token',
      refreshEndpoint: 'https://app.mural.co/api/public/v1/authorization/oauth2/refresh',
      userinfoEndpoint: 'https://app.mural.co/api/public/v1/users/me',
    },
    scope: 'identity:read',
    apiBaseUrl: 'https://app.mural.co/api/public/v1',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
