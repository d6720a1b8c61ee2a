/**
 * Misskey: one server per provider, so `<NAME>_BASE_URL` is required, the
 * server's URL (`https://misskey.io`); several servers are several providers
 * each with `<NAME>_PRESET=misskey`. Misskey's OAuth 2.0, since 2023.9.0, needs
 * no app registered at the server: it follows IndieAuth, so the client id is
 * the URL of a page about the app, served over HTTPS, whose
 * `<link rel="redirect_uri" href="…">` names the callback, and there is no
 * client secret (https://misskey-hub.net/en/docs/for-developers/api/token/oauth/).
 * `<NAME>_CLIENT_ID` is that page's URL; `<NAME>_CLIENT_SECRET` is not set.
 * - The endpoints are the server's RFC 8414 metadata's
 *   (`/.well-known/oauth-authorization-server`, same page, step 3), whose
 *   example names `<base>/oauth/authorize`; the token endpoint is taken as
 *   `<base>/oauth/token`.
 * - `GET <base>/oauth/authorize` with `client_id`, `response_type=code`,
 *   `redirect_uri` (the page's), `scope` (permissions separated by spaces,
 *   https://misskey-hub.net/en/docs/for-developers/api/permission/), `state`,
 *   and PKCE with `code_challenge_method=S256`, which the docs fix (step 4).
 *   `read:account` is asked, the permission to read the account.
 * - `POST <base>/oauth/token` with `grant_type=authorization_code`,
 *   `client_id`, `redirect_uri`, `scope` (the one asked: Misskey lists it
 *   among the exchange's parameters, so tokenRequestsSendScope), `code` and
 *   `code_verifier`, as JSON or a form (step 6); the answer is JSON with the
 *   `access_token`.
 * - The API is `<base>/api`: every call is a POST of JSON, the token either as
 *   the body's `i` or as `Authorization: Bearer`
 *   (https://misskey-hub.net/en/docs/for-developers/api/token/); the token is
 *   sent as Bearer, so a proxied body is passed as it came. The person is
 *   `POST <base>/api/i`, sent an empty JSON object (userinfoPostJson): its
 *   `id` is the user's id at that server, so the subject is `<id>@<host>` (the
 *   same id at another server is another person), named by `name`, or the
 *   `username` when the person set no name. No e-mail is given to apps.
 * - Misskey documents neither an expiry nor a refresh token nor a revocation
 *   endpoint: the token is kept with no end, an API call refused with 401
 *   asks for a new sign-in, and disconnect forgets the token here.
 * Not checked against Misskey's pages: the token endpoint's path (the docs
 * name only the metadata's `token_endpoint`), the token answer's other
 * members (`token_type`, `scope`; no `expires_in`, no `refresh_token`
 * assumed), that `/api/i` answers a token of `read:account` alone and that
 * its `id` is never changed or reused (it is the server's key for the user),
 * the API's 401 body for a token it does not know
 * (`{ "error": { "code": "AUTHENTICATION_FAILED", … } }` assumed, in the shape
 * of the docs' CREDENTIAL_REQUIRED error), and whether a code exchange
 * without `scope` is refused (it is sent always).
 */
import { hostOf, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** The user of `/api/i` as claims: `id` the user's id qualified by the server's host, the name (else the username) and the username; an answer without an id names no one. */
export function meClaims(serverHost: string): (body: unknown) => Record<string, unknown> | undefined {
  return (body) => {
    const me = objectOf(body);
    const id = trimmedText(me?.id);
    if (!me || !id) return undefined;
    const username = trimmedText(me.username);
    return { id: `${id}@${serverHost}`, user_id: id, ...textMembers({ name: trimmedText(me.name) ?? username, preferred_username: username }) };
  };
}

export const misskey: ProviderPreset = {
  displayName: 'Misskey',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    const server = withoutTrailingSlash(baseUrl ?? '');
    return {
      endpoints: {
        authorizationEndpoint: `${server}/oauth/authorize`,
        tokenEndpoint: `${server}/oauth/token`,
        userinfoEndpoint: `${server}/api/i`,
      },
      scope: 'read:account',
      apiBaseUrl: `${server}/api`,
      tokenEndpointAuthMethod: 'none',
      tokenRequestsSendScope: true,
      userinfoPostJson: {},
      subjectClaim: 'id',
      hooks: { profileClaims: meClaims(hostOf(server)) },
    };
  },
};
