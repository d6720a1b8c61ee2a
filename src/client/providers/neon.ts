/**
 * Neon (an OAuth application Neon registers for a partner). From Neon's
 * OAuth integration guide (https://neon.com/docs/guides/oauth-integration)
 * and its API reference (https://neon.com/docs/reference/api/users/get-current-user-info):
 * - An OpenID Connect server with discovery at
 *   `https://oauth2.neon.tech/.well-known/openid-configuration`, issuer
 *   `https://oauth2.neon.tech/` (with its trailing slash), endpoints
 *   `/oauth2/auth`, `/oauth2/token`, `/userinfo` and `/oauth2/revoke`
 *   (RFC 7009, which disconnect uses), PKCE (S256) as the guide's URL sends
 *   it; the client's id and secret go in the token request's form, as the
 *   guide lists them.
 * - Scopes: `openid`, and "You must add `offline` and `offline_access`
 *   scopes to your request to receive the `refresh_token`", then Neon's own
 *   predefined scopes (`urn:neoncloud:projects:create|read|update|delete|permission`,
 *   `urn:neoncloud:orgs:…`; no others). `openid offline offline_access
 *   urn:neoncloud:projects:read` is asked; add what the app's calls need
 *   with `<NAME>_SCOPE`.
 * - The server's only claim is `sub` (`claims_supported: ["sub"]`), and the
 *   guide points to the API's "Get current user details" for the person:
 *   `GET https://console.neon.tech/api/v2/users/me` is read as the profile,
 *   its `id` the subject, `name` and `last_name` joined the name, and
 *   `email` the address, kept as not verified (Neon says nothing of it).
 *   No ID token is relied on.
 * - The API base is `https://console.neon.tech/api/v2`, the token as Bearer.
 * Not checked against Neon's own pages: the access and refresh tokens'
 * lifetimes (none is stated: no keep-alive), whether a refresh rotates the
 * refresh token (the newest answered is kept), the refusals' bodies
 * (RFC 6749 §5.2's JSON is assumed), and the error a denied consent goes
 * back with (`access_denied` assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers } from './profile-text.js';

/** The user of /users/me: its `id`, `name` and `last_name` joined as the name, and the e-mail; an answer without an id names no one. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const me = objectOf(body);
  const id = me?.id;
  if (typeof id !== 'string' || id.trim() === '') return undefined;
  const name = joinedName(me!.name, me!.last_name);
  return {
    id,
    ...textMembers({ name, email: me!.email, preferred_username: me!.login }),
  };
}

export const neon: ProviderPreset = {
  displayName: 'Neon',
  settings: () => ({
    discovery: { issuer: 'https://oauth2.neon.tech/' },
    metadataOverrides: { userinfoEndpoint: 'https://console.neon.tech/api/v2/users/me' },
    scope: 'openid offline offline_access urn:neoncloud:projects:read',
    apiBaseUrl: 'https://console.neon.tech/api/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    idTokenUnused: true,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
