/**
 * Dialpad (the Dialpad API v2, for an OAuth app registered with Dialpad).
 * Plain OAuth 2.0 with explicit endpoints: no discovery, and the ID token
 * Dialpad's token answer may carry is not relied on. From Dialpad's docs and
 * its published OpenAPI description of API v2 (`dialpad_api_spec.json` in
 * https://github.com/dialpad/dialpad-python-sdk, Dialpad's own SDK):
 * - `GET https://dialpad.com/oauth2/authorize` with `client_id`,
 *   `redirect_uri`, `response_type=code`, `state`, a space-separated `scope`
 *   of additional scopes, and PKCE's `code_challenge` with
 *   `code_challenge_method` `S256` or `plain`
 *   (https://developers.dialpad.com/docs/oauth, and the spec's
 *   `/oauth2/authorize`); PKCE is sent;
 * - `POST https://dialpad.com/oauth2/token` redeems the code (with
 *   `code_verifier`) or a refresh token, the client's id and secret in the
 *   body or as Basic credentials; the spec gives the body as JSON, which the
 *   tokenRequest hook sends. The answer is `access_token`, `token_type`,
 *   `expires_in`, `refresh_token` and `id_token` (the spec's
 *   `AuthorizeTokenResponseBodySchema`), no `scope`. A refresh exchanges the
 *   refresh token "for a short-lived access token and another refresh
 *   token" (the spec's `RefreshTokenGrantBodySchema`): the new one is kept;
 * - the API is `https://dialpad.com/api/v2` with the token as Bearer
 *   (https://developers.dialpad.com/docs/authentication-basics); the person
 *   is `GET /api/v2/users/me` (the spec's `users.get`, whose id may be `me`
 *   for a user's own key): `id` (an int64, written as a string in the
 *   spec's example), `emails`, `first_name`, `last_name`, `display_name`,
 *   `company_id`; whether the e-mails are verified Dialpad does not say;
 * - `POST https://dialpad.com/oauth2/deauthorize` with the access token
 *   "revokes oauth2 tokens for a given oauth app", answering 204 (the spec's
 *   `oauth2.deauthorize.post`; Dialpad's SDK sends it with the token as
 *   Bearer); the revoke hook calls it on disconnect.
 * The default scope is `offline_access`, which Alter's Dialpad page
 * (https://docs-staging.alterauth.dev/reference/oauth-providers/dialpad/)
 * names as what a refresh token needs. Not checked against Dialpad's own
 * pages: that scope; the access token's lifetime (`expires_in` is read);
 * whether a used refresh token is still taken for a while (the newest is
 * kept); the token endpoint's refusals (RFC 6749's are assumed); whether it
 * takes a form as well as JSON (JSON is sent); whether the deauthorization
 * also ends the refresh token (a 401 for a live token, or once Dialpad
 * refused the refresh token, is taken as revoked already).
 */
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** openid-client's form as the JSON body Dialpad's API description gives /oauth2/token, the client's id and secret in it. */
const tokenRequest = jsonTokenRequest();

/** A Dialpad id: a string of digits (as the spec's examples write int64s) or a safe integer, as a string. */
function dialpadId(value: unknown): string | undefined {
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return undefined;
}

/**
 * The user of `/api/v2/users/me`: `id` as a string, the display name (or
 * the first and last names joined) as the name, the first e-mail, and the
 * company's id; an answer without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = dialpadId(user?.id);
  if (!id) return undefined;
  const given = trimmedText(user!.first_name);
  const family = trimmedText(user!.last_name);
  const name = trimmedText(user!.display_name) ?? joinedName(given, family);
  const email = Array.isArray(user!.emails) ? user!.emails.map(trimmedText).find(Boolean) : undefined;
  const company = dialpadId(user!.company_id);
  return {
    id,
    ...textMembers({ name, given_name: given, family_name: family }),
    ...(email ? { email } : {}),
    ...(company ? { company_id: company } : {}),
  };
}

/** Revokes the app's tokens with `POST /oauth2/deauthorize`, the access token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Dialpad revocation needs the deauthorize endpoint');
  return revokeWithBearer(request, request.revocationEndpoint, { method: 'POST', headers: { accept: 'application/json' } }, { provider: 'Dialpad', what: 'the deauthorization' });
}

export const dialpad: ProviderPreset = {
  displayName: 'Dialpad',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://dialpad.com/oauth2/authorize',
      tokenEndpoint: 'https://dialpad.com/oauth2/token',
      userinfoEndpoint: 'https://dialpad.com/api/v2/users/me',
      revocationEndpoint: 'https://dialpad.com/oauth2/deauthorize',
    },
    scope: 'offline_access',
    apiBaseUrl: 'https://dialpad.com/api/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: true,
    idTokenUnused: true,
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { tokenRequest, profileClaims, revoke },
  }),
};
