/**
 * Snyk (Snyk Apps: an app registered with Snyk's Apps API, acting in the
 * Organizations or Group a person connects it to). Plain OAuth 2.0 with
 * explicit endpoints and PKCE: no discovery, no ID token. From Snyk's docs:
 * - `GET https://app.snyk.io/oauth2/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (one of the app's, the first when none is
 *   sent), `state`, and `code_challenge` with `code_challenge_method=S256`,
 *   both required and S256 the only method; there is no `scope` parameter:
 *   the scopes are set on the app when it is created (`org.read` always),
 *   and the person approves them and picks the Organization or Group
 *   (https://docs.snyk.io/snyk-api/using-specific-snyk-apis/snyk-apps-apis/set-up-a-snyk-app-using-the-oauth2-api/set-up-to-authorize-users,
 *   https://docs.snyk.io/snyk-api/using-specific-snyk-apis/snyk-apps-apis/scopes-to-request).
 *   A refusal comes back as `error`, `error_description` and `state`
 *   (https://docs.snyk.io/snyk-api/oauth2-api);
 * - `POST https://api.snyk.io/oauth2/token`, a form with `grant_type`,
 *   `code`, `redirect_uri`, `client_id`, `client_secret` and
 *   `code_verifier`
 *   (https://docs.snyk.io/snyk-api/how-to-use-snyk-apps-apis/set-up-a-snyk-app-using-the-oauth2-api/set-up-the-authorization-code-exchange).
 *   The answer is `access_token`, `expires_in`, `refresh_token`,
 *   `refresh_expires_in`, `token_type: "bearer"`, `scope` (space-separated)
 *   and `bot_id`; refusals are `{ error, error_description }` (the OAuth2
 *   API reference above);
 * - a refresh (`grant_type=refresh_token`, the client in the form) answers a
 *   new access token and a new refresh token: the one used is spent, and
 *   concurrent refreshes with one token may spend it with nothing kept
 *   (https://docs.snyk.io/snyk-api/how-to-use-snyk-apps-apis/set-up-a-snyk-app-using-the-oauth2-api/set-up-the-refresh-token-exchange):
 *   the new one is kept, one refresh at a time;
 * - `POST https://api.snyk.io/oauth2/revoke`, a form with `token` (the
 *   refresh token), `client_id` and `client_secret`, answering 200 whether
 *   the token was revoked or was not valid
 *   (https://docs.snyk.io/snyk-api/using-specific-snyk-apis/snyk-apps-apis/set-up-a-snyk-app-using-the-oauth2-api/revoke-compromised-refresh-tokens,
 *   and the reference): RFC 7009's way with the client in the form;
 * - the REST API is `https://api.snyk.io/rest`, every call with a `version`
 *   date, the token as `Authorization: bearer`
 *   (https://docs.snyk.io/snyk-api/rest-api/authentication-for-api/authenticating),
 *   JSON:API documents; `Accept: application/vnd.api+json`, JSON:API's
 *   media type, is sent unless the caller sends its own;
 * - the person is `GET /rest/self?version=2024-04-22` ("My User Details",
 *   generally available from that version): `{ data: { id, type,
 *   attributes: { name, username, email, avatar_url, default_org_context }
 *   } }`, `id` (a UUID) the subject, `name` the name, the e-mail kept with
 *   its verification unknown, and the default Organization kept.
 * Not checked against Snyk's own pages: the hosts of Snyk's other regions
 * (each endpoint variable can name them), what /self answers for an app
 * created with the `tenant` context, whose connection is tied to no person
 * (its schema allows an `app_instance`, whose id is then the subject),
 * whether revoking the refresh token ends its access token (the access
 * token is sent to /oauth2/revoke too, which answers 200 for a token it
 * does not revoke), the lifetime of refresh tokens (`refresh_expires_in`
 * is not read, so no keep-alive), the body of a refused call to the REST
 * API (its ErrorDocument, `errors[].status` and `detail`, is assumed), and
 * the PKCE and `redirect_uri` refusals' error codes.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The principal of /rest/self's `data`: `id`, `type`, and its attributes'
 * `name`, `username`, `email` and `default_org_context`. An answer without
 * an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const data = objectOf(objectOf(body)?.data);
  if (!data || typeof data.id !== 'string' || data.id === '') return undefined;
  const attributes = objectOf(data.attributes) ?? {};
  return {
    id: data.id,
    ...textMembers({ type: data.type, name: attributes.name, username: attributes.username, email: attributes.email, default_org_context: attributes.default_org_context }),
  };
}

export const snyk: ProviderPreset = {
  displayName: 'Snyk',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.snyk.io/oauth2/authorize',
      tokenEndpoint: 'https://api.snyk.io/oauth2/token',
      revocationEndpoint: 'https://api.snyk.io/oauth2/revoke',
      userinfoEndpoint: 'https://api.snyk.io/rest/self?version=2024-04-22',
    },
    scope: '',
    apiBaseUrl: 'https://api.snyk.io/rest',
    apiHeaders: { accept: 'application/vnd.api+json' },
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'username' },
    hooks: { profileClaims },
  }),
};
