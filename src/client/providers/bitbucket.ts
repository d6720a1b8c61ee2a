/**
 * Bitbucket Cloud (OAuth consumers). Plain OAuth 2.0 without discovery or an
 * ID token, and not Atlassian's 3LO: its own endpoints on bitbucket.org. The
 * person is the `account_id` of `GET https://api.bitbucket.org/2.0/user`, the
 * Atlassian account id, which Bitbucket calls "the primary key for
 * interacting with users" and "a stable reference" (its `uuid` is kept too;
 * never `nickname`, which "is not guaranteed to be globally unique"):
 * https://developer.atlassian.com/cloud/bitbucket/bitbucket-api-changes-gdpr/.
 * From Bitbucket's docs (https://developer.atlassian.com/cloud/bitbucket/oauth-2/):
 * - `https://bitbucket.org/site/oauth2/authorize` with `client_id` and
 *   `response_type=code`; `POST https://bitbucket.org/site/oauth2/access_token`
 *   with the consumer's key and secret in HTTP Basic (`curl -u
 *   "client_id:secret"`, the two as they are);
 * - the scopes are the permissions ticked on the consumer
 *   (https://support.atlassian.com/bitbucket-cloud/docs/use-oauth-on-bitbucket-cloud/,
 *   https://developer.atlassian.com/cloud/bitbucket/bitbucket-cloud-rest-api-scopes/):
 *   none is asked for here, and the consumer needs Account: Read (`account`,
 *   for `/user`) and Account: Email (`email`); the granted ones come back
 *   space-separated in the token answer;
 * - access tokens live two hours (`expires_in: 7200`);
 * - since May 4th, 2026 a refresh answers a new refresh token that the client
 *   must keep, an unused refresh token ends after three months, the token
 *   answer names the granted scopes `scope` (no longer `scopes`), and an
 *   access token is taken only in the Authorization header
 *   (https://community.developer.atlassian.com/t/oauth-2-0-and-api-authentication-changes-for-bitbucket-cloud/99003):
 *   the keep-alive sweep refreshes an unused connection within its 90 days;
 * - `/2.0/user` has no e-mail: `GET /2.0/user/emails` (scope `email`) lists
 *   the addresses with `is_primary` and `is_confirmed`, and the primary one
 *   is kept when it is confirmed
 *   (https://developer.atlassian.com/cloud/bitbucket/rest/api-group-users/);
 * - the API is https://api.bitbucket.org/2.0.
 * Bitbucket documents no revocation endpoint: disconnecting deletes the tokens
 * here, and the person revokes the consumer's access in their Bitbucket
 * settings. No PKCE is documented; the challenge and verifier are sent anyway,
 * as RFC 6749 §3.1 has a server ignore parameters it does not know.
 * Its departure handled here: a refresh token it rotated out is refused as
 * Atlassian's own are, `unauthorized_client` "refresh_token is invalid"
 * (seen by GitLab.com's Bitbucket import,
 * https://gitlab.com/gitlab-org/gitlab/-/issues/640895; the docs name no
 * error), read as the `invalid_grant` it means. Not documented, so not relied
 * on: an Atlassian engineer's change to Git Credential Manager says a rotated refresh token stays usable for about
 * ten minutes (https://github.com/git-ecosystem/git-credential-manager/pull/2433).
 */
import type { FoundEmail, ProfileReader } from '../provider-hooks.js';
import { atlassianTokenResponse } from './atlassian.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

interface BitbucketEmail {
  email?: unknown;
  is_primary?: unknown;
  is_confirmed?: unknown;
}

/** The primary address of `/user/emails`, when confirmed; null without the `email` scope, or when it is not confirmed. */
async function findEmail(reader: ProfileReader): Promise<FoundEmail | null> {
  if (!reader.userinfoEndpoint) return null;
  const page = (await reader.getJson(`${withoutTrailingSlash(reader.userinfoEndpoint)}/emails`)) as { values?: unknown } | undefined;
  if (!Array.isArray(page?.values)) return null;
  const primary = (page.values as BitbucketEmail[]).find((entry) => entry?.is_primary === true);
  return primary?.is_confirmed === true && typeof primary.email === 'string' && primary.email !== '' ? { email: primary.email, verified: true } : null;
}

export const bitbucket: ProviderPreset = {
  displayName: 'Bitbucket',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://bitbucket.org/site/oauth2/authorize',
      tokenEndpoint: 'https://bitbucket.org/site/oauth2/access_token',
      userinfoEndpoint: 'https://api.bitbucket.org/2.0/user',
    },
    // The scopes are the permissions ticked on the consumer.
    scope: '',
    apiBaseUrl: 'https://api.bitbucket.org/2.0',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    refreshTokenIdleSeconds: 90 * 86_400,
    subjectClaim: 'account_id',
    claimNames: { name: 'display_name', preferredUsername: 'nickname' },
    hooks: { tokenResponse: atlassianTokenResponse, findEmail },
  }),
};
