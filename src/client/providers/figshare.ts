/**
 * figshare (API v2, for an application registered on the person's figshare applications page,
 * https://figshare.com/account/applications, the callback as its redirect URI). Plain OAuth 2.0 authorization code
 * with explicit endpoints: no discovery, no ID token. From figshare's own pages:
 * - the authorization endpoint is `https://figshare.com/account/applications/authorize`, taking `client_id`,
 *   `response_type`, `scope`, `state` and `redirect_uri`, and sending the person back with RFC 6749's `code` and
 *   `state`, or its `error` and `error_description` (https://docs.figshare.com/old_docs/oauth/);
 * - the only scope is `all`, full access to the person's data (the same page), so `all` is asked;
 * - the token endpoint is `POST https://api.figshare.com/v2/token`, taking a URL-encoded form or JSON with
 *   `client_id`, `client_secret` and `grant_type` (`authorization_code`, `refresh_token` or `password`) and the
 *   `code` or `refresh_token`: the client goes in the body. It answers RFC 6749 §5.1's `access_token`,
 *   `token_type`, `expires_in` and `refresh_token`, or §5.2's error; every failure is HTTP 400, a client it does not
 *   know included (no 401) (https://docs.figshare.com/old_docs/oauth/);
 * - the API is `https://api.figshare.com/v2`, the token sent as `Authorization: token <token>` (not Bearer), on the
 *   user's request too; authorization that fails (missing, invalid or unknown, an expired or disabled account) is a
 *   401, other errors a JSON `message` and `code` (https://docs.figshare.com/api/);
 * - the person is `GET /account`, "Private Account information" for the token: `id` ("Account id", an integer: the
 *   subject, as text), `first_name`, `last_name`, `email`, `institution_id`, `active`, quotas…
 *   (https://docs.figshare.com/#private_account). The e-mail is kept unverified: figshare says nothing of it.
 * Not checked against figshare's pages: the answer's `token_type` (RFC 6750's `Bearer` is expected, though the API takes
 * the token under `token`); PKCE (none is documented, so none is sent); whether the exchange reads
 * `redirect_uri` (it is sent); the access token's lifetime (the answer's `expires_in` is kept) and whether a refresh
 * answers a new refresh token and ends the spent one (the newest is always kept); the `error` of a refused code or
 * refresh token (RFC 6749 §5.2's `invalid_grant` is assumed). figshare documents no revocation: disconnect deletes
 * the tokens here, and the person removes the application from their applications page.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers } from './profile-text.js';

/**
 * The account of `GET /account`: `id` (a positive integer, as text), the first and last names (joined as the name)
 * and the e-mail; an answer without such an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const account = objectOf(body);
  const id = account?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  return { id: String(id), ...textMembers({ name: joinedName(account!.first_name, account!.last_name), given_name: account!.first_name, family_name: account!.last_name, email: account!.email }) };
}

export const figshare: ProviderPreset = {
  displayName: 'figshare',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://figshare.com/account/applications/authorize',
      tokenEndpoint: 'https://api.figshare.com/v2/token',
      userinfoEndpoint: 'https://api.figshare.com/v2/account',
    },
    // figshare's one scope: full access to the person's data.
    scope: 'all',
    apiBaseUrl: 'https://api.figshare.com/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    // figshare takes its tokens as `Authorization: token <token>`, on the account request and every API call.
    userinfoTokenScheme: 'token',
    apiTokenScheme: 'token',
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
