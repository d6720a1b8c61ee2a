/**
 * Ecwid by Lightspeed (an external application Ecwid registered, with the
 * callback under its registered return URL). Plain OAuth 2.0, the
 * authorization code grant, without discovery, an ID token, refresh tokens or
 * revocation. A token is one application's in one Ecwid store. From Ecwid's
 * pages (https://api-docs.ecwid.com/reference/get-token-manually, its sources
 * at https://github.com/Ecwid/ecwid-api-docs, includes/_authentication.md):
 * - `GET https://my.ecwid.com/api/oauth/authorize` with `client_id`,
 *   `redirect_uri` (under the app's registered return URL), `response_type=code`
 *   and `scope`, space-separated; the person is sent back with `code`, or with
 *   `error=access_denied`. `read_store_profile` is "requested in all cases",
 *   and is the scope asked here; an app adds those its calls need
 *   (`read_catalog`, `read_orders`…) in `<NAME>_SCOPE`. No PKCE is documented,
 *   so none is sent;
 * - `POST https://my.ecwid.com/api/oauth/token` with a form of `client_id`,
 *   `client_secret` (the client in the form), `code`, `redirect_uri` and
 *   `grant_type=authorization_code`, answered with `access_token`,
 *   `token_type: "bearer"`, `scope` and `store_id`, "a unique Ecwid account
 *   identificator", a number: the subject, read from that answer with no
 *   profile call (the tokenResponseProfile hook). A code exchanged a second
 *   time disables the token it gave. The token does not expire and comes
 *   without a refresh token: it lasts until the store uninstalls the app
 *   (https://docs.ecwid.com/develop-apps/app-settings);
 * - the REST API is `https://app.ecwid.com/api/v3/{storeId}/…` with the token
 *   as `Authorization: Bearer` only (a token in the query is refused since
 *   2025, https://docs.ecwid.com/changelog/history/march-20-2025/discontinued-tokens-passing-in-query-params-of-api-calls);
 *   the API base is `https://app.ecwid.com/api/v3`, under which a caller names
 *   the store (`/{store_id}/profile`, https://docs.ecwid.com/api-reference/rest-api/store-profile/get-store-profile);
 * - an invalid token is a 403 `INVALID_API_TOKEN`, where a token short of a
 *   scope is a 403 `INSUFFICIENT_APP_SCOPE`
 *   (https://docs.ecwid.com/api-reference/rest-api/rest-api-error-codes): the
 *   tokenRejected hook reads the first as a refused token, so the connection
 *   needs a new sign-in (there is nothing to refresh with).
 * Not checked against Ecwid's pages: the members of the error body (the code
 * is looked for in `errorCode`, else `errorMessage`); whether a refused code
 * is answered with RFC 6749 §5.2's `error`; an uninstall's effect on the token
 * beyond it stopping to work. Disconnect forgets the token here (Ecwid
 * documents no revocation).
 */
import { readTokenEndpointBody } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** The store of the code exchange's answer, `store_id` (a positive integer), as text: the subject, never the token. */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const storeId = answer.store_id;
  if (typeof storeId !== 'number' || !Number.isSafeInteger(storeId) || storeId <= 0) return undefined;
  return { store_id: String(storeId) };
}

/** A 403 that says the access token itself is invalid (`INVALID_API_TOKEN`), not that it lacks a scope. */
async function tokenRejected(response: Response): Promise<boolean> {
  if (response.status !== 403) return false;
  const { fields } = await readTokenEndpointBody(response);
  return fields?.errorCode === 'INVALID_API_TOKEN' || fields?.errorMessage === 'INVALID_API_TOKEN';
}

export const ecwid: ProviderPreset = {
  displayName: 'Ecwid',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://my.ecwid.com/api/oauth/authorize',
      tokenEndpoint: 'https://my.ecwid.com/api/oauth/token',
    },
    scope: 'read_store_profile',
    apiBaseUrl: 'https://app.ecwid.com/api/v3',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'store_id',
    hooks: { tokenResponseProfile, tokenRejected },
  }),
};
