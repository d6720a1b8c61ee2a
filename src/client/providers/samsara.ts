/**
 * Samsara, the connected-operations platform, for an OAuth 2.0 app
 * (https://developers.samsara.com/docs/oauth-20): a Samsara organization
 * installs the app, and its tokens act for that organization.
 *
 * - Authorize at `https://api.samsara.com/oauth2/authorize` with `client_id`,
 *   `response_type=code`, `redirect_uri` and `state`; Samsara's standard
 *   authorization code grant (https://developers.samsara.com/docs/oauth-20).
 *   The app's scopes are the permissions ticked on it in Settings > OAuth 2.0
 *   Apps, which every install gets: the authorization request names none, so
 *   no scope is asked. No PKCE is documented.
 * - Tokens at `https://api.samsara.com/oauth2/token`, the client by HTTP Basic
 *   (App ID and App Secret, joined by `:` and base64-encoded as they are, as
 *   Samsara's samples build the header), a URL-encoded form with `grant_type` and the code
 *   or the refresh token; the answer's `access_token`, `refresh_token` and
 *   `expires_in` are kept (https://developers.samsara.com/docs/oauth-20, and
 *   Samsara's own samples, https://github.com/samsarahq/oauth-samples).
 * - Revocation at `https://api.samsara.com/oauth2/revoke`: a form with `token`,
 *   the client by Basic, as RFC 7009 has it
 *   (https://github.com/samsarahq/oauth-samples, node/server.js).
 * - The API is `https://api.samsara.com` with the token as Bearer. `GET /me`
 *   answers `{ data }`, the organization the token is for: `id` ("ID of the
 *   organization"), `name` and `carrierSettings`
 *   (https://github.com/samsarahq/api-docs, markdown/getorganizationinfo.md).
 *   A connection is an organization's, not a person's, so the organization's
 *   id is the subject and its name the name; there is no e-mail.
 *
 * Not checked against Samsara's pages: how long an access token lasts and
 * whether a refresh ends the spent refresh token (the emulator rotates it, the
 * stricter case); the error bodies of the token, revocation and API
 * endpoints; whether the revocation endpoint takes an access token as well as
 * the refresh token its samples send (RFC 7009 says it should); whether
 * `/me` needs the app to have the Read Org Information permission (it needs
 * it for API tokens; an app without it gets no profile, and no sign-in).
 * An organization on Samsara's EU cloud sets the endpoints and the API base
 * to `https://api.eu.samsara.com`.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

const API = 'https://api.samsara.com';

/** The organization inside /me's `{ data }`: its `id` and `name`; no one without an id. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const organization = objectOf(objectOf(body)?.data);
  const id = trimmedText(organization?.id);
  if (!organization || !id) return undefined;
  return { id, ...textMembers({ name: organization.name }) };
}

export const samsara: ProviderPreset = {
  displayName: 'Samsara',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: `${API}/oauth2/authorize`,
      tokenEndpoint: `${API}/oauth2/token`,
      userinfoEndpoint: `${API}/me`,
      revocationEndpoint: `${API}/oauth2/revoke`,
    },
    // None: the scopes are those ticked on the app, and the authorization request names none.
    scope: '',
    apiBaseUrl: API,
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
