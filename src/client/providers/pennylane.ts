/**
 * Pennylane (an OAuth application Pennylane registers for an integration
 * partner, on request, with the callback among its redirect URLs). Plain
 * OAuth 2.0 authorization code with explicit endpoints on app.pennylane.com:
 * no discovery, no ID token. A token is one user's for one company. From
 * Pennylane's pages:
 * - the person is sent to `https://app.pennylane.com/oauth/authorize` with
 *   `client_id`, `redirect_uri`, `response_type=code`, an optional `state` and
 *   a required `scope`, picks one of the companies they reach, and comes back
 *   with a `code` and the state; the token is linked to that user and that
 *   company (https://pennylane.readme.io/docs/oauth-20-walkthrough,
 *   https://pennylane.readme.io/docs/how-oauth-works). The application is
 *   issued a client id and secret there; the flow is authorization code, a
 *   code exchanged for an access and a refresh token, refreshed when it ends
 *   and revoked when no longer needed (the same pages);
 * - scopes are `<resource>:readonly` or `<resource>:all`, one is required,
 *   and a call outside the token's scopes is a 403
 *   (https://pennylane.readme.io/docs/v2-scopes): `customers:readonly` is
 *   asked, the least that makes the proxy useful (`<NAME>_SCOPE` asks others);
 * - the API is `https://app.pennylane.com/api/external/v2` with the token as
 *   Bearer (https://pennylane.readme.io/docs/getting-started); the person is
 *   `GET /api/external/v2/me`, which any valid token may call whatever its
 *   scopes and answers `{ user: { id, first_name, last_name, email, locale },
 *   company: { id, name, reg_no } }`
 *   (https://pennylane.readme.io/changelog/v2-new-user-profile-endpoint,
 *   https://pennylane.readme.io/reference/connection-test-1): the user's
 *   numeric `id` is the subject, the company the token is for is kept with
 *   the profile (`company_id`, `company_name`). A person who grants for two
 *   companies is one account here, holding the newest grant.
 * Not checked against Pennylane's pages: the token request (`POST
 * https://app.pennylane.com/oauth/token`, the URL Pennylane's authorization
 * server metadata gives as copied by API catalogues, with RFC 6749's form and
 * the client's id and secret in it) and its answer (`access_token`,
 * `refresh_token`, `expires_in`, about a day as integrators describe it); that
 * a refresh answers a new refresh token and ends the spent one (integrators'
 * word; the newest is kept either way); whether PKCE is read (none is sent);
 * the revocation endpoint, `https://app.pennylane.com/oauth/revoke` with RFC
 * 7009's form and the client in it (the walkthrough says tokens are revoked
 * but its text past the authorization step was not read here); that the user
 * id is never reused (it is Pennylane's numeric user id, the only id /me
 * gives, never the e-mail); whether the e-mail is verified (stored
 * unverified); the token endpoint's and API's error bodies (RFC 6749 §5.2's
 * and RFC 6750's are assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers } from './profile-text.js';

/**
 * `/api/external/v2/me`'s `{ user, company }`: the user's `id` (a positive integer, as text), names and e-mail, and the
 * company's id and name; an answer without a user id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const answer = objectOf(body);
  const user = objectOf(answer?.user);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const company = objectOf(answer!.company);
  const companyId = company?.id;
  return {
    id: String(id),
    ...textMembers({ name: joinedName(user!.first_name, user!.last_name), given_name: user!.first_name, family_name: user!.last_name, email: user!.email, locale: user!.locale }),
    ...(typeof companyId === 'number' && Number.isSafeInteger(companyId) && companyId > 0 ? { company_id: String(companyId) } : {}),
    ...textMembers({ company_name: company?.name }),
  };
}

export const pennylane: ProviderPreset = {
  displayName: 'Pennylane',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.pennylane.com/oauth/authorize',
      tokenEndpoint: 'https://app.pennylane.com/oauth/token',
      userinfoEndpoint: 'https://app.pennylane.com/api/external/v2/me',
      revocationEndpoint: 'https://app.pennylane.com/oauth/revoke',
    },
    scope: 'customers:readonly',
    apiBaseUrl: 'https://app.pennylane.com/api/external/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
