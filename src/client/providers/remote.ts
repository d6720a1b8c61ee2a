/**
 * Remote (Remote.com's API for partners: a client id and secret Remote issues to an API Partner, the callback among
 * the redirect URIs given at its Client Registration). Plain OAuth 2.0 authorization code with explicit endpoints on
 * Remote's gateway: no discovery, no ID token. A Company Admin grants the partner access to their company, and the
 * token acts on the company for that admin. From Remote's developer docs:
 * - `GET https://gateway.remote.com/auth/oauth2/authorize` with `client_id` (in plain text, the secret never) and
 *   `redirect_uri`, which must match one registered exactly, both required; the admin is sent back to it with a
 *   `code` (https://developer.remote.com/docs/authorization-code-flow). The sandbox is the same path on
 *   `https://gateway.remote-sandbox.com` (the `<NAME>_*_URL` variables and `<NAME>_API_BASE_URL` point there);
 * - the token endpoint is `POST https://gateway.remote.com/auth/oauth2/token`, a form, the client as HTTP Basic of
 *   `<client_id>:<client_secret>` base64-encoded as they are (basicCredentials `plain`)
 *   (https://developer.remote.com/docs/client-credentials-flow-for-partners); an access token lasts 3600 seconds,
 *   after which the Refresh Token Flow gives a new one
 *   (https://developer.remote.com/docs/authentication-for-partners): `grant_type=refresh_token` and the refresh
 *   token, the client as Basic again, answered `access_token`, `refresh_token` (the same one, in Remote's example),
 *   `expires_in: 3600` and `token_type: "Bearer"` (https://developer.remote.com/docs/refresh-token-flow);
 * - the token only manages the company that granted it, on behalf of the Company Admin who authorized the
 *   integration, and goes in the `Authorization` header
 *   (https://developer.remote.com/docs/authorization-code-flow); API calls go to `https://gateway.remote.com/v1`
 *   (`GET /v1/employments`, https://developer.remote.com/docs/authorization-for-customers).
 * Not checked against Remote's pages: the token identity, `GET /v1/identity/current` ("the entities that can be
 *   controlled by the current auth token"), and its answer's shape, `data.user` (`id`, a UUID: the subject;
 *   `name`, `email`, `status`) and `data.company` (`id`, `name`), taken from Remote's own public SDKs and
 *   remote-flows, not a page read here; that the user there is the admin who authorized (the docs say the token
 *   acts on their behalf); the code exchange's form (`grant_type`, `code`, `redirect_uri`, as RFC 6749 §4.1.3 has
 *   it, with the client as Basic as on the other grants); scopes (none is asked: the authorization page's list of
 *   parameters, as stored, names `client_id` and `redirect_uri`); PKCE (none is sent); whether the e-mail is
 *   verified (stored unverified); the bodies of the token endpoint's and the API's refusals (RFC 6749 §5.2's and a
 *   401 assumed); whether a refresh token ends (none assumed). Remote documents no revocation for partners:
 *   disconnect forgets the tokens here.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The token identity of `/v1/identity/current`: its `data.user`'s `id` (the subject), name and e-mail, and the
 * company the token manages; an answer without a user id names no one (a partner's own token, say), and the
 * sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const identity = objectOf(objectOf(body)?.data);
  const user = objectOf(identity?.user);
  const id = trimmedText(user?.id);
  if (!id) return undefined;
  const company = objectOf(identity!.company);
  return { user_id: id, ...textMembers({ name: user!.name, email: user!.email, company_id: company?.id, company_name: company?.name }) };
}

export const remote: ProviderPreset = {
  displayName: 'Remote',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://gateway.remote.com/auth/oauth2/authorize',
      tokenEndpoint: 'https://gateway.remote.com/auth/oauth2/token',
      userinfoEndpoint: 'https://gateway.remote.com/v1/identity/current',
    },
    // None: the authorization page takes the client and the redirect URI; the token manages the granting company.
    scope: '',
    apiBaseUrl: 'https://gateway.remote.com/v1',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    pkce: false,
    subjectClaim: 'user_id',
    hooks: { profileClaims },
  }),
};
