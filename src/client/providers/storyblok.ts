/**
 * Storyblok (a Space or Tool plugin made in Storyblok, its client id and secret, the callback as the redirect URI
 * defined in the plugin's settings). OAuth 2.0 authorization code with PKCE
 * for a Management API token tied to the one space the plugin is opened in. From Storyblok's docs:
 * - `GET https://app.storyblok.com/oauth/authorize` with `client_id`, `response_type=code`, `redirect_uri`, `scope`
 *   (space-separated, `read_content` and `write_content`), `state`, and `code_challenge` with
 *   `code_challenge_method` S256 (https://www.storyblok.com/docs/plugins/oauth-authorization-flow); the person is
 *   sent back with `code`, `state` and the `space_id` of the space the grant is for;
 * - an OAuth access token is tied to a single space, has a time-to-live, carries the scopes granted and is sent as
 *   `Authorization: Bearer` to the Management API at `https://mapi.storyblok.com/v1`
 *   (https://www.storyblok.com/docs/api/management/getting-started/authentication);
 * - the person is `GET https://mapi.storyblok.com/v1/user_info` (also served as
 *   `https://api.storyblok.com/oauth/user_info`), answering `{ user: { id, friendly_name }, roles: [{ name }] }`,
 *   the user and their roles in the space (https://www.storyblok.com/docs/api/management/oauth/get-user-info).
 *   The user's numeric `id` is the subject: the same user in every space (the collaborator object calls it the
 *   "User/numeric id of collaborator",
 *   https://github.com/storyblok/storyblok-docs/blob/master/content/management/v1/core-resources/collaborators/the-collaborator-object.md),
 *   so one person is one account here, whatever space they connect from; `friendly_name` names them.
 * Not checked against Storyblok's pages: the token endpoint (`POST https://app.storyblok.com/oauth/token`, the one
 *   Storyblok's own @storyblok/app-extension-auth library uses, with the client in the form as it sends it), the
 *   token request's members and its answer (`access_token`, `refresh_token`, `expires_in`, `token_type`), the access
 *   token's lifetime, whether a refresh ends the spent refresh token (the newest is always kept), and the refusals'
 *   bodies (RFC 6749 §5.2's assumed); whether `user_info` says the e-mail (none is read). Storyblok documents no
 *   revocation: disconnect forgets the tokens here. A space in another region (US, Canada, Australia, China) has
 *   its Management API elsewhere: `<NAME>_API_BASE_URL` names it.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The `user` of `/v1/user_info`: its numeric `id` (as text) and `friendly_name`; an answer without a positive
 * integer id names no one, and the sign-in fails. The space roles are not kept: they are the space's, not the person's.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.user);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  return { id: String(id), ...textMembers({ name: user!.friendly_name }) };
}

export const storyblok: ProviderPreset = {
  displayName: 'Storyblok',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.storyblok.com/oauth/authorize',
      tokenEndpoint: 'https://app.storyblok.com/oauth/token',
      userinfoEndpoint: 'https://mapi.storyblok.com/v1/user_info',
    },
    scope: 'read_content write_content',
    apiBaseUrl: 'https://mapi.storyblok.com/v1',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
