/**
 * Jira Data Center (and Server) as an OAuth 2.0 provider, through an
 * incoming link an administrator adds under Administration, Applications,
 * Application links: always self-run, so `<NAME>_BASE_URL` is required, the
 * site's base URL (with its context path if it has one). Plain OAuth 2.0:
 * no discovery, no ID token. From Atlassian's pages:
 * - Jira OAuth 2.0 provider API
 *   (https://confluence.atlassian.com/adminjiraserver101/jira-oauth-2-0-provider-api-1455427907.html):
 *   the authorization code grant, with or without PKCE (the challenge is
 *   sent), at `<base>/rest/oauth2/latest/authorize` with `state`, and the
 *   token endpoint `<base>/rest/oauth2/latest/token`; HTTPS is required of
 *   the base URL and the redirect URI in production.
 * - OAuth 2.0 scopes for incoming links
 *   (https://confluence.atlassian.com/adminjiraserver101/oauth-2-0-scopes-for-incoming-links-1455427906.html):
 *   `READ`, `WRITE`, `ADMIN`, `SYSTEM_ADMIN` (10.3 adds `READ_ALL` and
 *   `MANAGE_SUBSCRIPTIONS`), capped by what the person may do; `READ` (which
 *   includes viewing one's own profile) is asked, add more with
 *   `<NAME>_SCOPE`. The person sees the grant under their profile's
 *   Authorized applications, where they can revoke it.
 * - Access tokens last `atlassian.oauth2.provider.access.token.expiration.seconds`,
 *   3600 seconds by default, as the OAuth 2.0 provider system properties
 *   page of the Atlassian Data Center products sharing this provider says
 *   (https://confluence.atlassian.com/bitbucketserver/oauth-2-0-provider-system-properties-1108483660.html);
 *   authorization codes live at most 600 seconds.
 * - A refresh sends the `redirect_uri` again, as the provider API page's
 *   refresh example does, so `refreshSendsRedirectUri` is set. Each refresh
 *   answers a new refresh token, kept in place of the old.
 * - The person is `GET <base>/rest/api/2/myself`: `key` (`JIRAUSER10000`,
 *   which stays when the username is renamed) is the subject, `displayName`
 *   the name, `name` the username, and `emailAddress`, which an
 *   administrator or a directory sets unconfirmed, is kept as not verified.
 * - The REST API is `<base>/rest` (`/rest/api/2/…`, `/rest/agile/1.0/…`),
 *   taking the access token as Bearer.
 * - No revocation endpoint is documented: the person revokes the grant under
 *   Authorized applications, so disconnect deletes the tokens here and says
 *   they were not revoked at Jira.
 * Not checked against Atlassian's own pages, which were not all at hand:
 * that a refresh without `redirect_uri` is refused (clients of the API say
 * so; it is sent either way), the token answer's exact members (taken as RFC 6749 §5.1's, with
 * `refresh_token`), whether the old refresh token stops working after a
 * refresh, the refresh token's lifetime (no end is assumed, so no
 * keep-alive), the body of a refusal (taken as RFC 6749 §5.2's), and whether
 * the client may authenticate with Basic (the page's examples put
 * `client_id` and `client_secret` among the parameters; they go in the form
 * body, which a servlet reads as it reads the query).
 */
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** The person of /rest/api/2/myself: its `key`, the display name (else the username), the username, and the e-mail, never taken as verified. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const key = trimmedText(user?.key);
  if (!key) return undefined;
  const username = trimmedText(user!.name);
  const email = trimmedText(user!.emailAddress);
  return {
    key,
    ...textMembers({ name: trimmedText(user!.displayName) ?? username, preferred_username: username }),
    ...(email ? { email, email_verified: false } : {}),
  };
}

export const jira_data_center: ProviderPreset = {
  displayName: 'Jira Data Center',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    const site = withoutTrailingSlash(baseUrl ?? '');
    return {
      endpoints: {
        authorizationEndpoint: `${site}/rest/oauth2/latest/authorize`,
        tokenEndpoint: `${site}/rest/oauth2/latest/token`,
        userinfoEndpoint: `${site}/rest/api/2/myself`,
      },
      scope: 'READ',
      apiBaseUrl: `${site}/rest`,
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'key',
      refreshSendsRedirectUri: true,
      hooks: { profileClaims },
    };
  },
};
