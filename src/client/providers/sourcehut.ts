/**
 * SourceHut (the hosted sr.ht, whose accounts and OAuth 2.0 live at meta.sr.ht), through an OAuth 2.0 client
 * registered at https://meta.sr.ht/oauth2. Plain OAuth 2.0 with explicit endpoints: no discovery, no ID token, no
 * refresh token; the APIs are GraphQL, one per service. From SourceHut's pages:
 * - OAuth 2.0 via meta.sr.ht (https://man.sr.ht/meta.sr.ht/oauth.md): only confidential clients and the
 *   authorization code grant; the scope is a space-separated list of grants, each `service/SCOPE:ACCESS` (e.g.
 *   `meta.sr.ht/PROFILE:RO`), which a client must ask for explicitly; the only redirect URI is the one registered with
 *   the client; the code is 16 hexadecimal characters, good for 5 minutes; the token endpoint is
 *   `https://meta.sr.ht/oauth2/access-token`, HTTP Basic client authentication is recommended, and the answer's
 *   token type is always "bearer". `meta.sr.ht/PROFILE:RO` is asked: add grants with `<NAME>_SCOPE`
 *   (e.g. `git.sr.ht/REPOSITORIES:RO`);
 * - the authorization server metadata meta.sr.ht publishes (RFC 8414,
 *   https://meta.sr.ht/.well-known/oauth-authorization-server) names `authorization_code` as its only grant type,
 *   and no revocation endpoint: there is no refresh token, and an ended token needs a new sign-in;
 * - GraphQL on SourceHut (https://man.sr.ht/graphql.md): every service takes queries at `/query` (a JSON
 *   `{ query }` POSTed) with the token as Bearer, within the grants of its scope. The API base is meta.sr.ht, and
 *   any one-label host under sr.ht (`https://git.sr.ht`, `https://todo.sr.ht`…) takes the token beside it;
 * - meta.sr.ht's schema (https://docs.sourcehut.org/meta.sr.ht/): `me` is the authenticated user, under
 *   `PROFILE:RO`, its `id` (an Int) the subject, `username` (which `canonicalName` repeats as `~username`) the
 *   name, `email` its e-mail, kept with its verification unknown (SourceHut confirms a changed address before using
 *   it, https://man.sr.ht/meta.sr.ht/user-api.md, but says nothing of the `me` answer);
 * - the person revokes a client's access on meta.sr.ht's OAuth page (https://man.sr.ht/meta.sr.ht/): disconnect
 *   deletes the token here.
 * Not checked against SourceHut's own pages, which do not say them; these come from meta.sr.ht's code
 * (https://git.sr.ht/~sircmpwn/meta.sr.ht, `metasrht/blueprints/oauth2.py` and `api/graph/schema.resolvers.go`) and
 * its shared API code (https://git.sr.ht/~sircmpwn/core-go, `auth/middleware.go`):
 * - the token endpoint takes the content type `application/x-www-form-urlencoded` only as that exact string, so the
 *   tokenRequest hook sends it without openid-client's `;charset=UTF-8`;
 * - a grant lasts 366 days, but the answer's `expires_in` is the seconds part of the time left without its days
 *   (under a day): the tokenResponse hook drops it, and the token is kept without an expiry until SourceHut
 *   refuses it, when the connection needs a new sign-in;
 * - a wrong client secret is answered 400 `invalid_grant`, as a spent code is, so the sign-in page says SourceHut
 *   did not accept it rather than pointing at the configuration;
 * - an ended or revoked token is answered HTTP 403 with `{ errors: [{ message: "Authentication error: Invalid or
 *   expired OAuth 2.0 bearer token" }] }`, which the tokenRejected hook reads as the 401 it means;
 * - PKCE: no challenge is read, so none is sent.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** The form openid-client made, sent with the bare content type meta.sr.ht compares the header with. */
function tokenRequest(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const kept = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'content-type'));
  return { body: request.body.toString(), headers: { ...kept, 'content-type': 'application/x-www-form-urlencoded' } };
}

/** A successful answer without its `expires_in`, which says less than the grant's life; any other answer is passed on as it was. */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status !== 200) return response;
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields || fields.expires_in === undefined) return rebuiltAnswer(response, response.status, text);
  const { expires_in: _dropped, ...kept } = fields;
  return rebuiltAnswer(response, 200, JSON.stringify(kept), 'application/json');
}

/** `me` of the GraphQL answer `{ data: { me } }`: its `id` (a whole number), the username as the name, the e-mail, the profile's URL and location. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const me = objectOf(objectOf(objectOf(body)?.data)?.me);
  const id = me?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const username = trimmedText(me!.username);
  return { id, ...textMembers({ name: username, preferred_username: username, email: me!.email, website: me!.url, location: me!.location }) };
}

/** A 403 whose GraphQL `errors` say the bearer token is invalid or expired: SourceHut's way of refusing a token. */
async function tokenRejected(response: Response): Promise<boolean> {
  if (response.status !== 403) return false;
  const { fields } = await readTokenEndpointBody(response);
  const errors = fields?.errors;
  return Array.isArray(errors) && errors.some((error) => /invalid or expired oauth 2\.0 bearer token/i.test(trimmedText(objectOf(error)?.message) ?? ''));
}

export const sourcehut: ProviderPreset = {
  displayName: 'SourceHut',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://meta.sr.ht/oauth2/authorize',
      tokenEndpoint: 'https://meta.sr.ht/oauth2/access-token',
      userinfoEndpoint: 'https://meta.sr.ht/query',
    },
    scope: 'meta.sr.ht/PROFILE:RO',
    apiBaseUrl: 'https://meta.sr.ht',
    extraApiBaseUrls: ['https://*.sr.ht'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    pkce: false,
    userinfoPostJson: { query: '{ me { id username email url location } }' },
    subjectClaim: 'id',
    hooks: { tokenRequest, tokenResponse, profileClaims, tokenRejected },
  }),
};
