/**
 * Zooniverse (Panoptes, its API; an OAuth application created at
 * https://signin.zooniverse.org/oauth/applications/new with the scopes it
 * needs ticked, the callback among its redirect URIs). OAuth 2.0 from the
 * Doorkeeper library, no discovery, no ID token. From the Panoptes API
 * reference (https://zooniverse.github.io/panoptes/, its sources under
 * https://github.com/zooniverse/panoptes/tree/master/docs/source/includes):
 * - OAuth runs on signin.zooniverse.org, `POST /oauth/token`; the routes are
 *   those of Doorkeeper, the OAuth library Panoptes uses
 *   (`_authentication_routes.md`), so the authorization page is
 *   `GET /oauth/authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri` and `scope`. Scopes are lower-case and space-separated,
 *   among `user project group collection classification subject medium
 *   organization translation public`, and must be among those ticked on the
 *   application; the guide's application with `user` ticked asks
 *   `user public` (#authentication), which is asked here (`<NAME>_SCOPE`
 *   asks others, e.g. `user public classification`);
 * - the token answer is `access_token` (a JWT), `token_type: "Bearer"`,
 *   `expires_in: 7200`, `refresh_token`, `scope` and `created_at`
 *   (`_authentication_routes.md`): 2-hour tokens refreshed with the
 *   refresh token;
 * - every API request carries `Accept: application/vnd.api+json; version=1`,
 *   without which the API answers 404 (#headers); so does the profile read
 *   here. `GET /api/me` answers `{ users: [ … ] }`, one user: `id` (digits,
 *   sent as a string; an integer key, #users: the subject), `login`,
 *   `display_name`, `credited_name`, `email` (given only for the person
 *   themselves), `confirmed_at`, … The API base is
 *   `https://signin.zooniverse.org/api`, where the guide sends `/api/me`.
 * Not checked against Zooniverse's pages: the authorization request and the
 * code exchange (Zooniverse documents only the client-credentials and
 * password grants, and says other flows are available on request; the
 * request is Doorkeeper's, the client in the form body as the documented
 * grants send it); whether an application that is not vetted may use the
 * authorization code grant; whether a refresh ends the spent refresh token
 * (Doorkeeper's way, a new one each time and the old one ended, is assumed;
 * the newest is always kept); whether PKCE is taken (none is sent); the
 * host, as Zooniverse's own clients reach the same routes at
 * panoptes.zooniverse.org (the endpoint variables point there if need be);
 * that `confirmed_at` means a confirmed e-mail (it is read so: the e-mail is
 * verified when it is set, unknown otherwise); and revocation: Doorkeeper
 * serves `/oauth/revoke`, which Zooniverse does not list, so disconnect
 * deletes the tokens here.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/** What every Panoptes API request carries, without which it answers 404. */
const PANOPTES_ACCEPT = 'application/vnd.api+json; version=1';

/**
 * The one user of `/api/me`'s `users`: the `id` as its digits (sent as a string, or a number), the `display_name`
 * (else the `login`), the `login`, the `credited_name` and the e-mail, verified when `confirmed_at` is set; an answer
 * without one user with such an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const users = objectOf(body)?.users;
  if (!Array.isArray(users) || users.length !== 1) return undefined;
  const user = objectOf(users[0]);
  const raw = user?.id;
  const id = typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0 ? String(raw) : typeof raw === 'string' && /^[1-9][0-9]*$/.test(raw) ? raw : undefined;
  if (id === undefined) return undefined;
  const { display_name: displayName, login } = textMembers({ display_name: user!.display_name, login: user!.login });
  const claims: Record<string, unknown> = { id, ...textMembers({ name: displayName ?? login, preferred_username: login, credited_name: user!.credited_name, email: user!.email }) };
  if (claims.email !== undefined && textMembers({ confirmed: user!.confirmed_at }).confirmed !== undefined) claims.email_verified = true;
  return claims;
}

export const zooniverse: ProviderPreset = {
  displayName: 'Zooniverse',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://signin.zooniverse.org/oauth/authorize',
      tokenEndpoint: 'https://signin.zooniverse.org/oauth/token',
      userinfoEndpoint: 'https://signin.zooniverse.org/api/me',
    },
    scope: 'user public',
    apiBaseUrl: 'https://signin.zooniverse.org/api',
    apiHeaders: { accept: PANOPTES_ACCEPT },
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
