/**
 * Confluence Data Center (and Server) as an OAuth 2.0 provider, through an
 * incoming link an administrator adds under General Configuration,
 * Application links: always self-run, so `<NAME>_BASE_URL` is required, the
 * site's base URL (with its context path, often `/confluence`). Plain
 * OAuth 2.0: no discovery, no ID token. From Atlassian's pages:
 * - Confluence OAuth 2.0 provider API
 *   (https://developer.atlassian.com/server/confluence/confluence-oauth2-provider-api/,
 *   Confluence 7.17 or later): the authorization code grant, with or without
 *   PKCE (the challenge is sent), at `<base>/rest/oauth2/latest/authorize`
 *   with `state`, and the token endpoint `<base>/rest/oauth2/latest/token`;
 *   HTTPS is required of the base URL and the redirect URI in production.
 * - OAuth 2.0 scopes for incoming links
 *   (https://confluence.atlassian.com/display/CONF81/OAuth+2.0+scopes+for+incoming+links):
 *   `READ`, `WRITE`, `ADMIN`, `SYSTEM_ADMIN`, capped by what the person may
 *   do; `READ` (which includes viewing one's own profile) is asked, add more
 *   with `<NAME>_SCOPE`. The person sees the grant under their profile's
 *   Authorized applications, where they can revoke it.
 * - Access tokens last `atlassian.oauth2.provider.access.token.expiration.seconds`,
 *   3600 seconds by default, as the OAuth 2.0 provider system properties
 *   page of the Atlassian Data Center products sharing this provider says
 *   (https://confluence.atlassian.com/bitbucketserver/oauth-2-0-provider-system-properties-1108483660.html);
 *   authorization codes live at most 600 seconds.
 * - The person is `GET <base>/rest/api/user/current`
 *   (https://developer.atlassian.com/server/confluence/rest/v1000/api-group-user):
 *   a user whose `userKey` is the subject, `displayName` the name and
 *   `username` the username; no e-mail. The user key is "a case-sensitive
 *   UUID string" that "will never change for a given user", where the
 *   username may be renamed
 *   (https://developer.atlassian.com/server/confluence/renamable-users-in-confluence-5-2/,
 *   and ConfluenceUser.getKey(), "the immutable and unique key for the user",
 *   https://docs.atlassian.com/ConfluenceServer/javadoc/8.9.3/com/atlassian/confluence/user/ConfluenceUser.html).
 *   It is unique within the site only, so the subject is it qualified by the
 *   site's host, `<userKey>@<host>`. An answer without a `userKey` (the
 *   anonymous user's) names no one, and the sign-in fails.
 * - The REST API is `<base>/rest` (`/rest/api/space`, `/rest/api/content`…),
 *   taking the access token as Bearer.
 * - No revocation endpoint is documented: the person revokes the grant under
 *   Authorized applications, so disconnect deletes the tokens here and says
 *   they were not revoked at Confluence.
 * Not checked against Atlassian's own Confluence pages, which were not all
 * at hand: that a refresh sends the `redirect_uri` again (Jira's page on the
 * same provider shows it in its refresh example, so `refreshSendsRedirectUri`
 * is set) and is refused without it, that each refresh answers a new refresh
 * token and the old one stops working, the refresh token's lifetime (no end
 * is assumed, so no keep-alive), the token answer's exact members (taken as
 * RFC 6749 §5.1's, with `refresh_token`) and the body of a refusal (RFC 6749
 * §5.2's), whether the client may authenticate with Basic (it goes in the
 * form body, as the page's parameters list `client_id` and `client_secret`),
 * that the user's JSON names its key `userKey` (the REST model's
 * `getUserKey()`; the v1000 page's example shows only the display name and
 * picture), and the answer to a token the site does not take (401 assumed).
 */
import { hostOf, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The user of /rest/api/user/current as claims: `id` the `userKey` qualified by the site's host, the key itself, the
 * display name (else the username) and the username; an answer without a `userKey` (the anonymous user) names no one.
 */
function currentUserClaims(siteHost: string): (body: unknown) => Record<string, unknown> | undefined {
  return (body) => {
    const user = objectOf(body);
    const userKey = trimmedText(user?.userKey);
    if (!userKey) return undefined;
    const username = trimmedText(user!.username);
    return {
      id: `${userKey}@${siteHost}`,
      user_key: userKey,
      ...textMembers({ name: trimmedText(user!.displayName) ?? username, preferred_username: username }),
    };
  };
}

export const confluence_data_center: ProviderPreset = {
  displayName: 'Confluence Data Center',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    const site = withoutTrailingSlash(baseUrl ?? '');
    return {
      endpoints: {
        authorizationEndpoint: `${site}/rest/oauth2/latest/authorize`,
        tokenEndpoint: `${site}/rest/oauth2/latest/token`,
        userinfoEndpoint: `${site}/rest/api/user/current`,
      },
      scope: 'READ',
      apiBaseUrl: `${site}/rest`,
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
      refreshSendsRedirectUri: true,
      hooks: { profileClaims: currentUserClaims(hostOf(site)) },
    };
  },
};
