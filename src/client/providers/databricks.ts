/**
 * Databricks, one workspace (`<NAME>_BASE_URL`, its URL, e.g. `https://dbc-a1b2345c-d6e7.cloud.databricks.com`
 * or `https://adb-1234567890123456.7.azuredatabricks.net`), signed in to with OAuth user-to-machine (U2M) through a
 * custom OAuth app connection the account admin made (Settings, App connections) with the callback among its redirect
 * URLs and a client secret. From Databricks' pages:
 * - the workspace's OAuth endpoints are `<workspace>/oidc/v1/authorize` and `<workspace>/oidc/v1/token`
 *   (https://databrickslabs.github.io/partner-architecture/isv-partners/lakehouse-patterns/access-auth/oauth-reference,
 *   https://docs.databricks.com/aws/en/dev-tools/auth/oauth-authorization-details); the authorization code flow
 *   takes a PKCE code challenge (S256) with the code and its verifier at the exchange
 *   (https://docs.databricks.com/aws/en/dev-tools/auth/oauth-u2m);
 * - the scopes are the app connection's: `all-apis` for the REST APIs and `offline_access` for a refresh token
 *   (https://docs.databricks.com/aws/en/integrations/single-use-tokens, whose example app asks both); an app limited
 *   to `sql` sets `<NAME>_SCOPE`;
 * - an access token lasts an hour (https://docs.databricks.com/aws/en/dev-tools/auth/oauth-u2m); refresh tokens
 *   are single-use for custom app connections where the account turned that on: each refresh answers a new one and
 *   ends the one spent (https://docs.databricks.com/aws/en/integrations/single-use-tokens); the newest is kept;
 * - the person is the workspace's Current User, `GET /api/2.0/preview/scim/v2/Me`
 *   (https://docs.databricks.com/api/workspace/currentuser): `id` ("Databricks user ID"), `userName`, `displayName`,
 *   `name.givenName`, `name.familyName` and `emails` (`value`, `primary`). The id is the user's within the account
 *   that holds the workspace, and this client signs in at one workspace, so the subject is it qualified by the
 *   workspace's host, `<id>@<host>`; the user name (an e-mail address, changeable) is never the subject;
 * - the REST APIs are under `<workspace>/api` with the token as Bearer.
 * Not checked against Databricks' pages: how the client authenticates at the token endpoint (HTTP Basic of the id
 * and secret is sent, as Databricks documents for its service principals' tokens), the token answer's members
 * beyond RFC 6749 §5.1's and its refusals (RFC 6749 §5.2's assumed), the lifetime of refresh tokens that are not
 * single-use, whether the e-mails are verified (stored unverified), what the APIs answer a token they do not take
 * (a 401 assumed), and any revocation for U2M tokens (none is documented: a disconnect deletes the tokens here).
 */
import { hostOf, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** The primary address of SCIM's `emails`, else the first one that has a value. */
function primaryEmail(emails: unknown): string | undefined {
  if (!Array.isArray(emails)) return undefined;
  const entries = emails.map(objectOf).filter((entry) => entry !== undefined && trimmedText(entry.value) !== undefined);
  return trimmedText((entries.find((entry) => entry!.primary === true) ?? entries[0])?.value);
}

/**
 * The Current User of `/api/2.0/preview/scim/v2/Me` as claims: `id` the Databricks user ID qualified by the
 * workspace's host, the display name (or the given and family names), the user name and the primary e-mail; an
 * answer without an id names no one, and the sign-in fails.
 */
export function currentUserClaims(workspaceHost: string): (body: unknown) => Record<string, unknown> | undefined {
  return (body) => {
    const user = objectOf(body);
    const id = trimmedText(user?.id);
    if (!user || !id) return undefined;
    const name = objectOf(user.name);
    return {
      id: `${id}@${workspaceHost}`,
      user_id: id,
      ...textMembers({
        name: trimmedText(user.displayName) ?? joinedName(name?.givenName, name?.familyName),
        given_name: name?.givenName,
        family_name: name?.familyName,
        preferred_username: user.userName,
        email: primaryEmail(user.emails),
      }),
    };
  };
}

export const databricks: ProviderPreset = {
  displayName: 'Databricks',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    const workspace = withoutTrailingSlash(baseUrl ?? '');
    return {
      endpoints: {
        authorizationEndpoint: `${workspace}/oidc/v1/authorize`,
        tokenEndpoint: `${workspace}/oidc/v1/token`,
        userinfoEndpoint: `${workspace}/api/2.0/preview/scim/v2/Me`,
      },
      scope: 'all-apis offline_access',
      apiBaseUrl: `${workspace}/api`,
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: true,
      subjectClaim: 'id',
      hooks: { profileClaims: currentUserClaims(hostOf(workspace)) },
    };
  },
};
