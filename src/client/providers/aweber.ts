/**
 * AWeber (the AWeber API, for an app made in an AWeber Labs developer
 * account and connected to an AWeber customer account). Plain OAuth 2.0 with
 * explicit endpoints: no discovery, no ID token. From AWeber's API reference
 * (https://api.aweber.com/, its Authentication Overview, OAuth 2.0 Traces,
 * OAuth 2.0 Reference, Accounts and Troubleshooting sections, published as
 * https://api.aweber.com/swagger.yaml):
 * - `GET https://auth.aweber.com/oauth2/authorize` with
 *   `response_type=code`, `client_id`, `redirect_uri` (the app's OAuth
 *   Redirect URL, exactly), `scope` (space-separated) and `state`; a scope
 *   added later needs every customer to authorize again. `account.read`,
 *   which `/accounts` needs, is asked here;
 * - PKCE is for public clients only: a confidential client "MUST NOT Use
 *   PKCE" (`code_challenge and code_challenge_method are disallowed for
 *   confidential clients`), so none is sent (`pkce: false`);
 * - `POST https://auth.aweber.com/oauth2/token`, a form with `grant_type`,
 *   `code` and `redirect_uri`, the client as HTTP Basic (preferred; the
 *   request body also works). The reference's answer is `access_token`,
 *   `expires_in` (7200: "~2 hours"), `refresh_token` and `token_type:
 *   bearer`, but its traces answer `access_token`, `refresh_token`,
 *   `expires_in` and `state` with no `token_type`: an answer without one is
 *   read as Bearer (RFC 6750, `omitsTokenType`);
 * - a refresh (`grant_type=refresh_token`, the client as at the exchange)
 *   answers a new access token, `expires_in` and a refresh token, which is
 *   kept;
 * - `POST https://auth.aweber.com/oauth2/revoke` revokes an access or a
 *   refresh token, the client as HTTP Basic, answering 200 ("The token has
 *   been deleted"): RFC 7009, the refresh token then the access token;
 * - the API is `https://api.aweber.com/1.0` with `Authorization: Bearer`;
 *   errors are `{ error: { status, message, type, documentation_url } }`,
 *   401 `UnauthorizedError` for a token expired, invalid or disconnected by
 *   the customer;
 * - access tokens are tied to AWeber customer accounts, told apart by the
 *   account ID: `GET /1.0/accounts` holds "a single account entry for the
 *   AWeber Customer Account that has authorized your application",
 *   `entries[0]` with `id` (the subject), `uuid` and `company` (the name);
 *   AWeber gives no person, name or e-mail.
 * Not checked against AWeber's own pages: whether the refresh token answered
 * is a new one and whether the one used then stops working (the one
 * answered is kept either way), whether refresh tokens end unused (no end is
 * assumed), the members of the revocation request (RFC 7009's `token` and
 * `token_type_hint` are sent) and whether revoking the refresh token ends
 * its access token (both are revoked), how the PKCE refusal is answered,
 * and the body of a refused token request (RFC 6749 §5.2's `error`, as its
 * revocation endpoint answers, is assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The account of /1.0/accounts' single entry: `id` as a string, with the
 * `uuid` and `company`. A collection without an entry of a whole-number id
 * names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const entries = objectOf(body)?.entries;
  const account = Array.isArray(entries) ? objectOf(entries[0]) : undefined;
  const id = account?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
  return {
    id: String(id),
    ...textMembers({ uuid: account!.uuid, company: account!.company }),
  };
}

export const aweber: ProviderPreset = {
  displayName: 'AWeber',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://auth.aweber.com/oauth2/authorize',
      tokenEndpoint: 'https://auth.aweber.com/oauth2/token',
      revocationEndpoint: 'https://auth.aweber.com/oauth2/revoke',
      userinfoEndpoint: 'https://api.aweber.com/1.0/accounts',
    },
    scope: 'account.read',
    apiBaseUrl: 'https://api.aweber.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    pkce: false,
    omitsTokenType: true,
    subjectClaim: 'id',
    claimNames: { name: 'company' },
    hooks: { profileClaims },
  }),
};
