/**
 * Mollie Connect (Mollie's OAuth API, for an app registered in the Mollie
 * Dashboard under Developers > Your apps). Plain OAuth 2.0 with explicit
 * endpoints: no discovery, no ID token. A Mollie grant is an organization's
 * (the merchant's), not a person's. From Mollie's docs:
 * - `GET https://my.mollie.com/oauth2/authorize` with `client_id` (`app_…`),
 *   `redirect_uri` (if given, the one registered with the app), `state`
 *   (required), a space-separated `scope` (required) and
 *   `response_type=code` (https://docs.mollie.com/reference/authorize);
 * - `POST https://api.mollie.com/oauth2/tokens` with the client as HTTP Basic
 *   and `grant_type`, `code` or `refresh_token`, and `redirect_uri`, which
 *   a refresh must send again whenever the code exchange sent it; the
 *   answer is `access_token`, `refresh_token` ("The refresh token does not
 *   expire"), `expires_in`, `token_type: "bearer"` and a space-separated
 *   `scope` (https://docs.mollie.com/reference/generate-tokens): each
 *   refresh sends the redirect URI the code exchange sent
 *   (refreshSendsRedirectUri);
 * - the API is `https://api.mollie.com` with the token as Bearer; the
 *   organization is `GET /v2/organizations/me`, behind `organizations.read`:
 *   `resource: "organization"`, `id` (`org_…`, the subject), `name`,
 *   `email`, `locale`, `address`, `registrationNumber`, `vatNumber` and
 *   `_links` (https://docs.mollie.com/reference/get-current-organization.md,
 *   https://docs.mollie.com/reference/get-organization.md);
 * - `DELETE https://api.mollie.com/oauth2/tokens` with the client as Basic
 *   and `token_type_hint` and `token` revokes a token, answering 204; a
 *   refresh token revoked takes every access token of its authorization
 *   with it (https://docs.mollie.com/reference/revoke-tokens): the revoke
 *   hook revokes the refresh token (the access token when there is none).
 * Not checked against Mollie's own pages: whether a refresh answers a new
 * refresh token (the answer's is kept when it names one); whether PKCE is
 * taken (none is sent); how the revocation answers a token Mollie no longer
 * knows (a 400 `invalid_grant` is taken as revoked already); whether the
 * organization's e-mail is verified (kept as not known to be); the body of a
 * refused token request (RFC 6749 §5.2's `error`, as the revocation's example
 * shows it).
 */
import { ProviderUnavailableError } from '../errors.js';
import { plainBasicAuthorization, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The organization of `/v2/organizations/me`: `id` (`org_…`), its `name` and `email`, and its `locale`; an answer
 * that is not an organization with an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const organization = objectOf(body);
  const id = organization?.id;
  if (organization?.resource !== 'organization' || typeof id !== 'string' || !id.startsWith('org_')) return undefined;
  const name = trimmedText(organization.name);
  const email = trimmedText(organization.email);
  const locale = trimmedText(organization.locale);
  return { id, ...textMembers({ name, email, locale }) };
}

/** Revokes the refresh token (or, without one, the access token) with `DELETE /oauth2/tokens`, the client as Basic. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Mollie revocation needs the revocation endpoint');
  const [hint, token] = request.refreshToken ? ['refresh_token', request.refreshToken] : ['access_token', request.accessToken];
  const response = await request.send(request.revocationEndpoint, {
    method: 'DELETE',
    headers: { authorization: plainBasicAuthorization(request.clientId, request.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token_type_hint: hint, token }).toString(),
  });
  const text = await response.text().catch(() => '');
  if (response.status >= 200 && response.status < 300) return 'revoked';
  // A token Mollie no longer knows: the merchant disconnected the app, or it was revoked already.
  if (response.status === 400 && objectOf(safeJson(text))?.error === 'invalid_grant') return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Mollie refused the token revocation (HTTP ${response.status}).`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const mollie: ProviderPreset = {
  displayName: 'Mollie',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://my.mollie.com/oauth2/authorize',
      tokenEndpoint: 'https://api.mollie.com/oauth2/tokens',
      userinfoEndpoint: 'https://api.mollie.com/v2/organizations/me',
      revocationEndpoint: 'https://api.mollie.com/oauth2/tokens',
    },
    scope: 'organizations.read profiles.read',
    apiBaseUrl: 'https://api.mollie.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    pkce: false,
    subjectClaim: 'id',
    refreshSendsRedirectUri: true,
    hooks: { profileClaims, revoke },
  }),
};
