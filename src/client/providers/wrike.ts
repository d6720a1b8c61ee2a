/**
 * Wrike (an API app registered in Wrike's App Console, its redirect URI the
 * callback). Plain OAuth 2.0 with explicit endpoints: no discovery, no ID
 * token. From Wrike's docs:
 * - only the authorization code flow: `GET https://login.wrike.com/oauth2/authorize/v4`
 *   with `client_id` and `response_type=code`, and optionally `redirect_uri`,
 *   `state` and `scope` (https://developers.wrike.com/oauth-20-authorization);
 *   the scopes are `Default`, `wsReadOnly`, `wsReadWrite`,
 *   `amReadOnlyWorkflow`, `amReadWriteWorkflow`, `amReadOnlyInvitation`,
 *   `amReadWriteInvitation`, `amReadOnlyGroup`, `amReadWriteGroup`,
 *   `amReadOnlyUser` and `amReadWriteUser`, and a call needs a token with one
 *   of the scopes its method names (https://developers.wrike.com/overview);
 *   the authorizationScope hook joins them with commas;
 * - `POST https://login.wrike.com/oauth2/token` exchanges the code, and
 *   spends a refresh token, with `client_id` and `client_secret` in the form;
 *   the answer carries `access_token`, `refresh_token`, `token_type`,
 *   `expires_in` and `host`, the person's data centre (`www.wrike.com`,
 *   `app-eu.wrike.com`…), where all their API calls go
 *   (https://developers.wrike.com/oauth-20-authorization): the connection's
 *   API base is `https://{host}/api/v4`, on wrike.com only, replaced when a
 *   refresh names another;
 * - every API request carries the token in the `Authorization` header, and
 *   answers JSON with the entity type in `kind` and the entities in `data`
 *   (https://developers.wrike.com/overview); the person is
 *   `GET /contacts?me=true`, the requesting user's contact alone
 *   (https://developers.wrike.com/reference/getcontactsempty): its `id` is
 *   the subject, named by `firstName` and `lastName`, the e-mail the first of
 *   its `profiles` (one per Wrike account), whose verification Wrike does not
 *   say.
 * Wrike documents no token revocation: a disconnect deletes the tokens here,
 * and the person removes the app in their Wrike profile settings.
 * Not checked against Wrike's own pages: the access token's life (an hour
 * is read from `expires_in`, whatever it says); whether a refresh answers a
 * new refresh token and the used one stops working (integrations say so; the
 * newest is always kept); how long a refresh token lasts unused (none
 * assumed, so no keep-alive); that `scope` is comma-separated (as
 * integrations send it); the token endpoint's refusals (RFC 6749 §5.2's
 * `error` assumed); whether PKCE is taken (none is sent).
 */
import { commaJoinedScope, objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The contact of `/contacts?me=true`: the `id` of the first (and only) entry
 * of `data`, the first and last names as `given_name` and `family_name`, and
 * the e-mail of its first profile; an answer without a contact id names no
 * one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const data = objectOf(body)?.data;
  const contact = objectOf(Array.isArray(data) ? data[0] : undefined);
  const id = contact?.id;
  if (typeof id !== 'string' || id === '') return undefined;
  const given = trimmedText(contact!.firstName);
  const family = trimmedText(contact!.lastName);
  const profiles = contact!.profiles;
  const email = trimmedText(objectOf(Array.isArray(profiles) ? profiles[0] : undefined)?.email);
  return { id, ...textMembers({ given_name: given, family_name: family, email }) };
}

export const wrike: ProviderPreset = {
  displayName: 'Wrike',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://login.wrike.com/oauth2/authorize/v4',
      tokenEndpoint: 'https://login.wrike.com/oauth2/token',
    },
    scope: 'wsReadOnly',
    connectionApiBase: { member: 'host', domains: ['wrike.com'], hostPath: '/api/v4', userinfoPath: '/contacts?me=true' },
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { authorizationScope: commaJoinedScope, profileClaims },
  }),
};
