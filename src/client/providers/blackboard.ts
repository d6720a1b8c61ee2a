/**
 * Anthology Blackboard Learn: its REST API's three-legged OAuth 2.0, served by each Learn install on its own host
 * (`<NAME>_BASE_URL`, e.g. `https://myschool.blackboard.com`). From Anthology's developer pages:
 * - the REST application is registered in the Developer Portal and then on the Learn install, which gives it the
 *   application key and secret; the key, not the Application ID, is the `client_id`
 *   (https://docs.anthology.com/docs/blackboard/rest-apis/getting-started/3lo);
 * - the person is sent to `GET /learn/api/public/v1/oauth2/authorizationcode` with `redirect_uri`,
 *   `response_type=code`, `client_id`, `scope` and `state`, signs in to the install and allows the application; the
 *   scopes are `read`, `write`, `delete` and `offline`, and only `offline` brings a refresh token (the same page), so
 *   `read offline` is asked; an application that writes sets `<NAME>_SCOPE`;
 * - the code is exchanged with a POST to `/learn/api/public/v1/oauth2/token`, the client as HTTP Basic of
 *   `key:secret` (https://docs.anthology.com/docs/blackboard/rest-apis/getting-started/basic-authentication); the
 *   answer has `access_token`, `token_type`, `expires_in` (3599 in the example), `scope`, a `refresh_token` when
 *   `offline` was granted, and `user_id`, the person's UUID
 *   (https://docs.anthology.com/docs/blackboard/rest-apis/demo-code/curl-demo); a refresh is the same POST with
 *   `refresh_token` (the 3LO page);
 * - PKCE with S256 only, since Learn 3700.4 (the 3LO page);
 * - a user's `id` is the database's primary key (`_123_1`), which a migration of the install changes and which
 *   Anthology asks apps not to keep as a lasting id; `uuid` is the user's other unique id, the one LTI launches and
 *   inter-server operations use and the one the token answer names
 *   (https://docs.anthology.com/docs/blackboard/rest-apis/getting-started/3lo, the User object of
 *   https://developer.blackboard.com/portal/displayApi, and Anthology's "Adios PK1 Persistent IDs" post,
 *   https://community.blackboard.com/community/developers/learn/blog?start=30). Learn installs are separate, so the subject is
 *   that UUID qualified by the install's host, `<uuid>@<host>`;
 * - the current person is `GET /learn/api/public/v1/users/me` (`me` as the user id, as the current user's
 *   memberships are `/users/me/courses`:
 *   https://docs.anthology.com/docs/blackboard/rest-apis/advanced/soap-to-rest), with `userName`, `name`
 *   (`given`, `family`) and `contact.email`; the API is under `/learn/api/public` on the
 *   install, each resource with its version (`/v1/…`, `/v3/courses`); an error is a JSON body with `status` and
 *   `message` (the cURL demo).
 * Not checked against Anthology's pages: the token request's parameters in the form body (the pages put `code`,
 * `redirect_uri`, `refresh_token` and `code_verifier` in the URL's query beside a form with `grant_type`; the form
 * body is assumed to be read as well, as integrations of Learn send it), a refresh without `redirect_uri` (the page's
 * example carries it; RFC 6749 §6 names none), whether a refresh answers a new refresh token and ends the old one
 * (the newest is kept), the token endpoint's refusals (RFC 6749 §5.2's are assumed), the answer of `/users/me` to a
 * token it does not take (401 assumed), whether the e-mail is verified (stored unverified), and any revocation (none
 * is documented: a disconnect deletes the tokens here only).
 */
import { hostOf, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * A Learn User (`/users/me`) as claims: `id` the user's `uuid` qualified by the install's host, the given and family
 * names, the userName as preferred_username and the contact e-mail; an answer without a uuid names no one, and the
 * sign-in fails.
 */
export function learnUserClaims(installHost: string): (body: unknown) => Record<string, unknown> | undefined {
  return (body) => {
    const user = objectOf(body);
    const uuid = trimmedText(user?.uuid);
    if (!user || !uuid) return undefined;
    const name = objectOf(user.name);
    return {
      id: `${uuid}@${installHost}`,
      uuid,
      ...textMembers({
        name: joinedName(name?.given, name?.family),
        given_name: name?.given,
        family_name: name?.family,
        preferred_username: user.userName,
        email: objectOf(user.contact)?.email,
      }),
    };
  };
}

export const blackboard: ProviderPreset = {
  displayName: 'Blackboard Learn',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    const install = withoutTrailingSlash(baseUrl ?? '');
    const api = `${install}/learn/api/public`;
    return {
      endpoints: {
        authorizationEndpoint: `${api}/v1/oauth2/authorizationcode`,
        tokenEndpoint: `${api}/v1/oauth2/token`,
        userinfoEndpoint: `${api}/v1/users/me`,
      },
      scope: 'read offline',
      apiBaseUrl: api,
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      subjectClaim: 'id',
      hooks: { profileClaims: learnUserClaims(hostOf(install)) },
    };
  },
};
