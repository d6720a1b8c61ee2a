/**
 * Brex (the Brex API for Brex developer partners: an app connecting Brex
 * customers' accounts). OpenID Connect with discovery, the person read from
 * the Team API. From Brex's docs:
 * - the authorization server is
 *   `https://accounts-api.brex.com/oauth2/default`, its endpoints read from
 *   its `/.well-known/openid-configuration`, "the source of truth for the
 *   base URL" (https://developer.brex.com/docs/partner_authentication/);
 * - partners use the authorization code grant, "a web-based redirection flow
 *   to request permission from the Brex client to access their account";
 *   `openid` is "required to make an OpenID Connect request" and
 *   `offline_access` "required to obtain an OAuth 2.0 Refresh Token" (same
 *   page); `users.readonly` is what `GET /v2/users/me` needs
 *   (https://developer.brex.com/openapi/team_api/users/): the three are
 *   asked here;
 * - "the OAuth token lasts for one hour and then must be refreshed"
 *   (https://developer.brex.com/docs/faq);
 * - the API is `https://api.brex.com` (`platform.brexapis.com` before 2026,
 *   still served) with `Authorization: Bearer`
 *   (https://developer.brex.com/guides/partner_authentication.md);
 * - the person is `GET /v2/users/me`, "the user associated with the OAuth2
 *   access token": `{ id, first_name, last_name, email, status, manager_id,
 *   department_id, location_id, title_id, metadata, remote_display_id }`
 *   (https://developer.brex.com/openapi/team_api/users/). Its `id` is the
 *   subject, as the Team API names users by it, with the first and last
 *   names joined as the name, the e-mail (verification unknown) and the
 *   status. The ID token is left
 *   unread (idTokenUnused): Brex does not say how its `sub` relates to that
 *   id.
 * Not checked against Brex's own pages: how the client authenticates at the
 * token endpoint (HTTP Basic is sent, which RFC 6749 §2.3.1 has every server
 * take), whether a refresh answers a new refresh token and whether the old
 * one then stops working (the one answered, if any, is kept), whether
 * refresh tokens end unused, whether PKCE is taken (the challenge is sent),
 * the revocation of tokens (Brex documents none: disconnect deletes the
 * tokens here, and the customer removes the app in Brex; an endpoint the
 * discovery document names is used, as for any discovered provider), and the
 * body of a refused token request (RFC 6749 §5.2's `error` is assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers } from './profile-text.js';

/**
 * The user of /v2/users/me: its `id` as the subject, `first_name` and
 * `last_name` joined as the name, the e-mail, and the Brex status kept with
 * the profile. An answer without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const me = objectOf(body);
  const id = me?.id;
  if (typeof id !== 'string' || id.trim() === '') return undefined;
  const name = joinedName(me!.first_name, me!.last_name);
  return {
    id,
    ...textMembers({ name, email: me!.email, status: me!.status }),
  };
}

export const brex: ProviderPreset = {
  displayName: 'Brex',
  settings: () => ({
    discovery: { issuer: 'https://accounts-api.brex.com/oauth2/default' },
    metadataOverrides: { userinfoEndpoint: 'https://api.brex.com/v2/users/me' },
    scope: 'openid offline_access users.readonly',
    apiBaseUrl: 'https://api.brex.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    idTokenUnused: true,
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { profileClaims },
  }),
};
