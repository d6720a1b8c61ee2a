/**
 * AniList (API v2, for an application created in AniList's developer settings). Plain OAuth 2.0 with explicit
 * endpoints: no discovery, no ID token, no scopes, no refresh tokens; the API is GraphQL. From AniList's docs
 * (https://docs.anilist.co, also published at https://anilist.gitbook.io/anilist-apiv2-docs):
 * - AniList supports the Authorization Code Grant; it has no scopes (a token reaches almost all of the person's
 *   data), its access tokens are long-lived, valid for a year from when they are issued, and refresh tokens are not
 *   supported: once a token expires the person signs in again (https://docs.anilist.co/guide/auth). So the preset
 *   asks for no scope, and an ended token marks the connection needs_reauth;
 * - `GET https://anilist.co/api/v2/oauth/authorize` with `client_id`, `redirect_uri` and `response_type=code`; the
 *   person approves and is sent back with `code` (https://docs.anilist.co/guide/auth/authorization-code);
 * - `POST https://anilist.co/api/v2/oauth/token` with a JSON body (`Content-Type` and `Accept: application/json`) of
 *   `grant_type=authorization_code`, `client_id`, `client_secret`, `redirect_uri` and `code`, answering JSON with the
 *   JWT `access_token` (same page): the tokenRequest hook sends openid-client's form as that JSON body;
 * - the API is `POST https://graphql.anilist.co` with the token as Bearer, and the person is the query
 *   `{ Viewer { id name } }` (https://docs.anilist.co/guide/auth/authenticated-requests), answered as GraphQL's
 *   `{ data: { Viewer } }`: `id` (a number) is the subject, `name` (the username, which AniList lets people change)
 *   only the name; AniList gives no e-mail. Errors are in the answer's `errors`, each with a `message` and a `status`
 *   (https://docs.anilist.co/guide/graphql/errors);
 * - AniList documents no revocation: disconnect deletes the token here, and the person removes the app in their
 *   AniList settings (Apps).
 * Not checked against AniList's pages: the members of the token answer beyond `access_token` (`token_type`,
 * `expires_in` of a year are assumed as the guide says; a refresh token, if one came, would be refused at its first
 * use and the connection then need a new sign-in); whether PKCE is taken (none is sent); the token endpoint's
 * refusals (those of the Laravel Passport server it appears to be: 400 `invalid_grant`, 401 `invalid_client`); and
 * how the API refuses an ended or revoked token: issue threads of AniList clients show HTTP 400 with
 * `{ "errors": [{ "message": "Invalid token", "status": 400 }] }` (https://github.com/z411/trackma/issues/555), which
 * the tokenRejected hook reads as a 401, as it does a 401 itself.
 */
import { readTokenEndpointBody } from '../provider-hooks.js';
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The Viewer of the GraphQL answer `{ data: { Viewer } }`: its `id` (a whole number), the name, the profile page and
 * the avatar as the picture. An answer without a Viewer (GraphQL errors, `data: null`) names no one.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const viewer = objectOf(objectOf(objectOf(body)?.data)?.Viewer);
  const id = viewer?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const name = trimmedText(viewer!.name);
  const siteUrl = trimmedText(viewer!.siteUrl);
  const avatar = trimmedText(objectOf(viewer!.avatar)?.large) ?? trimmedText(objectOf(viewer!.avatar)?.medium);
  return { id, ...(name ? { name, preferred_username: name } : {}), ...textMembers({ profile: siteUrl, picture: avatar }) };
}

/** A 400 whose GraphQL `errors` say "Invalid token": the token ended or was revoked, as a 401 would say. */
async function tokenRejected(response: Response): Promise<boolean> {
  if (response.status !== 400) return false;
  const { fields } = await readTokenEndpointBody(response);
  const errors = fields?.errors;
  return Array.isArray(errors) && errors.some((error) => /^invalid token$/i.test(trimmedText(objectOf(error)?.message) ?? ''));
}

export const anilist: ProviderPreset = {
  displayName: 'AniList',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://anilist.co/api/v2/oauth/authorize',
      tokenEndpoint: 'https://anilist.co/api/v2/oauth/token',
      userinfoEndpoint: 'https://graphql.anilist.co',
    },
    scope: '',
    apiBaseUrl: 'https://graphql.anilist.co',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    userinfoPostJson: { query: '{ Viewer { id name siteUrl avatar { large medium } } }' },
    subjectClaim: 'id',
    hooks: { tokenRequest: jsonTokenRequest(), profileClaims, tokenRejected },
  }),
};
