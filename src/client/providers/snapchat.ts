/**
 * Snapchat Login Kit (an app made in the Snap Kit developer portal with Login Kit on, its confidential OAuth2 client
 * for the web, the callback among its redirect URIs). Login Kit is Snap's OAuth 2.0 service: explicit endpoints, no
 * discovery, no ID token here. From Snap's pages:
 * - Login Kit is used straight through OAuth2 now that its SDKs are deprecated; it has an authorization code flow
 *   with PKCE and a server-side authorization code flow for apps that keep a client secret
 *   (https://developers.snap.com/snap-kit/login-kit/overview): both are used, the secret and the PKCE challenge;
 * - the scopes are full URLs: `https://auth.snapchat.com/oauth2/api/user.display_name` (the display name),
 *   `https://auth.snapchat.com/oauth2/api/user.external_id` (the user's external id, meant for onboarding the user
 *   into the app) and `https://auth.snapchat.com/oauth2/api/user.bitmoji.avatar` (the one the user may untick)
 *   (https://developers.snap.com/snap-kit/login-kit/Tutorials/web). The external id and the display name are asked;
 *   the Bitmoji is not, so the query never asks for what the user could refuse;
 * - the implicit flow's token lasts one hour, and continual access is the server-side flow's, with its refresh token
 *   (the same page);
 * - the person is the `externalId` of the Login Kit user query `{ me { externalId displayName } }`, which the SDKs
 *   send as `withExternalId()` and `withDisplayName()`
 *   (https://developers.snap.com/reference/LoginKit/android/com/snap/loginkit/UserDataQuery.Builder.html): the
 *   external id is the subject, the display name (which the user can change) only the name.
 * Not checked against Snap's own pages (the server-side section of the web page could not be read here): the
 * endpoints `https://accounts.snapchat.com/accounts/oauth2/auth` and `https://accounts.snapchat.com/accounts/oauth2/token`
 * and the user query's `https://kit.snapchat.com/v1/me`, a POST of a JSON `{ query }` with the token as Bearer,
 * answered `{ data: { me } }`, all as Snapchat integrations use them; the client as HTTP Basic at the token endpoint,
 * `id:secret` base64-encoded as they are (as those integrations send it); the token answer's members (RFC 6749 §5.1's, `expires_in` 3600) and whether a
 * refresh answers a new refresh token (the newest is always kept); the token endpoint's refusals (RFC 6749 §5.2's
 * assumed) and how `/v1/me` refuses a token (a 401 assumed); that the external id is one per Snapchat user for the
 * app and never given to another (Snap calls it the id to onboard the user by, and nothing else it answers is an id).
 * Login Kit documents no revocation for a server: disconnect forgets the tokens, and the user removes the app in
 * Snapchat's settings (Connected Apps).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/** The Login Kit scopes asked: the external id (the subject) and the display name. */
const SNAPCHAT_SCOPES = ['https://auth.snapchat.com/oauth2/api/user.external_id', 'https://auth.snapchat.com/oauth2/api/user.display_name'];

/**
 * The user of the GraphQL answer `{ data: { me } }`: its `externalId` and the display name. An answer without `me`
 * (GraphQL `errors`, `data: null`) or without an external id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const me = objectOf(objectOf(objectOf(body)?.data)?.me);
  const externalId = me?.externalId;
  if (typeof externalId !== 'string' || externalId.trim() === '') return undefined;
  return { externalId, ...textMembers({ name: me!.displayName }) };
}

export const snapchat: ProviderPreset = {
  displayName: 'Snapchat',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://accounts.snapchat.com/accounts/oauth2/auth',
      tokenEndpoint: 'https://accounts.snapchat.com/accounts/oauth2/token',
      userinfoEndpoint: 'https://kit.snapchat.com/v1/me',
    },
    scope: SNAPCHAT_SCOPES.join(' '),
    apiBaseUrl: 'https://kit.snapchat.com/v1',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    userinfoPostJson: { query: '{ me { externalId displayName } }' },
    subjectClaim: 'externalId',
    hooks: { profileClaims },
  }),
};
