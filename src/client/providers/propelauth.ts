/**
 * PropelAuth as an OAuth 2.0 provider for a project's end users: one environment (test, staging or production) of a
 * PropelAuth project, at that environment's Auth URL (`<NAME>_BASE_URL`: `https://<number>.propelauthtest.com` for
 * the test environment, `https://auth.<your domain>` for staging and production). From PropelAuth's pages:
 * - the Client ID and Client Secret are generated, and the redirect URIs set, in the dashboard's OAuth Config
 *   (Frontend Integration, Advanced Settings); the redirect URI sent must be one of them
 *   (https://docs.propelauth.com/overview/authentication/oauth2);
 * - `GET <auth url>/propelauth/oauth/authorize` takes `redirect_uri`, `client_id`, `response_type=code`, `state`
 *   and, optionally, `prompt`, `org_id` and a PKCE challenge (`S256`); it names no scope parameter, so none is
 *   asked, and the challenge is sent. `POST <auth url>/propelauth/oauth/token` exchanges the code, or a refresh
 *   token, for a new access token and a new refresh token, the client as HTTP Basic
 *   (https://docs.propelauth.com/reference/api/oauth2);
 * - each environment is separate, with its own Auth URL, and users are fetched by their `user_id` in the Backend
 *   API (https://docs.propelauth.com/files/PropelAuth.postman_collection.json): so the subject is `user_id`
 *   qualified by the Auth URL's host, `<user_id>@<host>`, as an id is the user's in one environment only;
 * - ending a refresh token is the Backend API's logout, with the environment's API key (the same collection), which
 *   the preset does not hold: a disconnect deletes the tokens here only.
 * Not checked against PropelAuth's own pages (the stored copy of the reference ends at the token endpoint): the
 * user info at `GET <auth url>/propelauth/oauth/userinfo` with the token as Bearer, and its members (`user_id`,
 * `email`, `first_name`, `last_name`, `username`, `picture_url`), as PropelAuth's own libraries call and read it
 * (the e-mail is kept unverified); the token answer's members (RFC 6749 §5.1's, with `expires_in`); whether the
 * spent refresh token still works after a refresh (the new one is kept either way); the refusals of the token
 * endpoint and the user info (RFC 6749 §5.2's `error`, a 401).
 */
import { hostOf, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The user info as claims: `id` the `user_id` qualified by the environment's host, `user_id` as PropelAuth sends it,
 * the first and last names (joined as the name), the username, the e-mail and the picture; an answer without a
 * `user_id` names no one, and the sign-in fails.
 */
export function userinfoClaims(environmentHost: string): (body: unknown) => Record<string, unknown> | undefined {
  return (body) => {
    const user = objectOf(body);
    const userId = trimmedText(user?.user_id);
    if (!user || !userId) return undefined;
    return {
      id: `${userId}@${environmentHost}`,
      user_id: userId,
      ...textMembers({
        name: joinedName(user.first_name, user.last_name),
        given_name: user.first_name,
        family_name: user.last_name,
        preferred_username: user.username,
        email: user.email,
        picture: user.picture_url,
      }),
    };
  };
}

export const propelauth: ProviderPreset = {
  displayName: 'PropelAuth',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    const authUrl = withoutTrailingSlash(baseUrl ?? '');
    return {
      endpoints: {
        authorizationEndpoint: `${authUrl}/propelauth/oauth/authorize`,
        tokenEndpoint: `${authUrl}/propelauth/oauth/token`,
        userinfoEndpoint: `${authUrl}/propelauth/oauth/userinfo`,
      },
      scope: '',
      apiBaseUrl: `${authUrl}/propelauth/oauth`,
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
      hooks: { profileClaims: userinfoClaims(hostOf(authUrl)) },
    };
  },
};
