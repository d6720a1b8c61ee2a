/**
 * Sage Accounting (Sage Business Cloud Accounting, API v3.1, for an app
 * registered on Sage's developer portal with its callback URL). Plain OAuth
 * 2.0 with explicit endpoints: no discovery, no ID token. From Sage's docs
 * (https://developer.sage.com/accounting/guides/authenticating/authentication):
 * - `GET https://www.sageone.com/oauth2/auth/central?filter=apiv3.1` with
 *   `client_id`, `response_type=code`, `redirect_uri` (one registered for the
 *   app), `scope` (`readonly` or `full_access`), `state`, and optionally a
 *   PKCE `code_challenge` (S256, or plain for a client that cannot hash);
 *   `filter=apiv3.1` lists only the countries API v3.1 serves. The code comes
 *   back with the person's `country`; it is single-use and lasts 60 seconds.
 *   Refusals are RFC 6749's `access_denied`, `invalid_request`,
 *   `invalid_scope`, `unauthorized_client`, `unsupported_response_type`…;
 * - `POST https://oauth.accounting.sage.com/token`, a form with `client_id`
 *   and `client_secret` in it, exchanges the code (with `redirect_uri`, and
 *   `code_verifier` when a challenge was sent) and spends a refresh token;
 *   the answer is `access_token` (5 minutes: `expires_in` 300), `scope`,
 *   `token_type: "bearer"`, `refresh_token`, `refresh_token_expires_in`
 *   (2678400: 31 days, after which the person authorizes again unless the
 *   app refreshed) and `requested_by_id`, the user who authorized. Each
 *   refresh answers a new access token and a new refresh token, the new one
 *   kept; the keep-alive sweep goes by the stated 31 days. A refresh token
 *   expired or revoked is `invalid_grant`, a wrong client `invalid_client`;
 * - revocation is `POST https://oauth.accounting.sage.com/revoke`, a form of
 *   `client_id`, `client_secret` and `token`, the refresh token, answering
 *   200 `{"success":"ok"}`; access tokens cannot be revoked and work out
 *   their five minutes. The revoke hook sends the refresh token alone;
 * - an access token is one user's, and reaches every business that user may
 *   use; a call names one in the `X-Business` header, else it is the user's
 *   lead business (the same page). `GET /user` is the user, `GET /businesses`
 *   every business the user has access to
 *   (https://developer.sage.com/accounting/guides/migrating/migrate-from-v2-to-v3-1,
 *   "Core endpoints"), as a page whose `$items` are each `id`, `displayed_as`
 *   and `$path`; no sign-in answer says whether there are several
 *   (https://developer.sage.com/accounting/guides/concepts/best_practices,
 *   https://developer.sage.com/accounting/guides/concepts/multi_business/).
 *   The person is the `id` of `/user`; the businesses are read at each
 *   sign-in and kept with the profile as `sage_businesses`, and the proxies
 *   pass the caller's `X-Business` on. The API is
 *   `https://api.accounting.sage.com/v3.1`, JSON only.
 * Not checked against Sage's own pages: the members of `/user` other than
 * its `id` (`first_name`, `last_name` and `email`, as the API reference's
 * User is read by Laravel Socialite's Sage provider), whose e-mail's
 * verification Sage does not say (stored unverified); that `/businesses`
 * pages as the other collections do (`items_per_page` up to 200, `page`, and
 * `$next` naming the next page's path:
 * https://developer.sage.com/accounting/guides/efficiencies/pagination); what the revocation endpoint answers for a
 * refresh token it no longer knows (it is not asked once Sage refused the
 * refresh token: the grant is gone); the HTTP status of each token endpoint
 * refusal (RFC 6749 §5.2's are assumed).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { ProfileReader, RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/user`: `id` (the subject), `first_name` and `last_name` (joined as the name) and `email`; an
 * answer without an `id` names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = trimmedText(user?.id);
  if (!user || !id) return undefined;
  const given = trimmedText(user.first_name);
  const family = trimmedText(user.last_name);
  const email = trimmedText(user.email);
  const name = joinedName(given, family);
  return { id, ...textMembers({ given_name: given, family_name: family, name, email }) };
}

/** One business the token reaches, as kept with the profile: its `id`, for the `X-Business` header, and its name. */
interface SageBusiness {
  id: string;
  name: string | null;
}

function businessOf(entry: unknown): SageBusiness | undefined {
  const business = objectOf(entry);
  const id = trimmedText(business?.id);
  return id ? { id, name: trimmedText(business!.displayed_as) ?? null } : undefined;
}

/** Pages of `/businesses` read at most: 2,000 businesses at 200 a page. */
const MAX_BUSINESS_PAGES = 10;

/**
 * The businesses of `GET {api}/businesses` as the `sage_businesses` claim: 200 a page (the most Sage gives), and the
 * next page its `$next` names while it names one under `/businesses?`, up to MAX_BUSINESS_PAGES pages.
 */
async function readMoreClaims(reader: ProfileReader): Promise<Record<string, unknown>> {
  if (!reader.apiBaseUrl) return {};
  const api = withoutTrailingSlash(reader.apiBaseUrl);
  const businesses: Array<SageBusiness | undefined> = [];
  let next: string | undefined = '/businesses?items_per_page=200';
  for (let pages = 0; next !== undefined && pages < MAX_BUSINESS_PAGES; pages += 1) {
    const body = await reader.getJson(`${api}${next}`);
    // Not visible to this token (403 or 404).
    if (body === undefined && pages === 0) return {};
    const answer = objectOf(body);
    const items = answer?.$items;
    businesses.push(...(Array.isArray(items) ? items.map(businessOf) : [undefined]));
    const named = answer?.$next;
    next = typeof named === 'string' && named.startsWith('/businesses?') ? named : undefined;
  }
  if (businesses.some((business) => business === undefined)) {
    throw new ProviderUnavailableError('provider_bad_response', 'Sage did not answer GET /businesses with a list of businesses.');
  }
  return { sage_businesses: businesses };
}

/** Revokes the refresh token at the revocation endpoint, the client in the form; Sage revokes no access token. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  // Sage refused the refresh token (expired or revoked): nothing is left to revoke, and the access token cannot be.
  if (request.refreshTokenRefused) return 'already_revoked';
  if (!request.refreshToken) throw new Error('Sage revokes refresh tokens only, and this connection has none');
  if (!request.revocationEndpoint) throw new Error('Sage revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ client_id: request.clientId, client_secret: request.clientSecret, token: request.refreshToken }).toString(),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status === 200) return 'revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Sage answered HTTP ${response.status} to the token revocation.`);
}

export const sage: ProviderPreset = {
  displayName: 'Sage Accounting',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.sageone.com/oauth2/auth/central?filter=apiv3.1',
      tokenEndpoint: 'https://oauth.accounting.sage.com/token',
      userinfoEndpoint: 'https://api.accounting.sage.com/v3.1/user',
      revocationEndpoint: 'https://oauth.accounting.sage.com/revoke',
    },
    scope: 'full_access',
    apiBaseUrl: 'https://api.accounting.sage.com/v3.1',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    proxyHeaders: { request: ['x-business'], response: [] },
    hooks: { profileClaims, readMoreClaims, revoke },
  }),
};
