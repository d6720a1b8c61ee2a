/**
 * TeamViewer (its Web API at webapi.teamviewer.com, for an app created in the
 * TeamViewer Management Console under Edit profile, Apps). Plain OAuth 2.0
 * authorization code with explicit endpoints: no discovery, no ID token.
 * From TeamViewer's "Build a TeamViewer integration"
 * (https://www.teamviewer.com/en/global/support/knowledge-base/teamviewer-classic/for-developers/build-a-teamviewer-integration/),
 * its API documentation (https://dl.teamviewer.com/integrate/TeamViewer_API_Documentation.pdf,
 * "OAuth 2.0 Authorization", "Account Management", "Errors") and its own
 * PowerShell module (https://github.com/teamviewer/TeamViewerPS):
 * - `GET https://login.teamviewer.com/oauth2/authorize` with
 *   `response_type=code`, `client_id`, `redirect_uri` (the app's) and
 *   `state`; the app's permissions are chosen when it is created (step 7
 *   of the integration guide), so no scope is asked;
 * - `POST https://webapi.teamviewer.com/api/v1/oauth2/token`, a URL-encoded
 *   form with `client_id` and `client_secret`, exchanges the code (with the
 *   `redirect_uri` again) and answers `access_token`, `token_type` "bearer",
 *   `expires_in` (86400: a day) and `refresh_token`; a refresh is the same
 *   POST with `grant_type=refresh_token` and answers a new access token and
 *   a new refresh token, which is kept;
 * - the API is `https://webapi.teamviewer.com/api/v1`, the token as
 *   `Authorization: Bearer`; its refusals are JSON `{ error,
 *   error_description, error_code }` (`invalid_token`, `token_expired`…,
 *   as TeamViewerPS reads them);
 * - `GET /api/v1/account` is the account the token belongs to: `userid`
 *   (the subject), `name`, `email`, `email_validated` (read as
 *   `email_verified`), `company_name` (kept with the profile); the fields
 *   as TeamViewerPS's Get-TeamViewerAccount reads them;
 * - `POST https://webapi.teamviewer.com/api/v1/oauth2/revoke` with the
 *   access token as Bearer revokes it.
 * Not checked against TeamViewer's own pages, whose OAuth sections were not
 * at hand in full (the endpoints above are those every integration calls):
 * the token answer's members and the day's lifetime, whether a refresh
 * rotates the refresh token and refuses the one spent (assumed), whether
 * revocation ends the refresh token too (assumed), the token endpoint's
 * refusals (RFC 6749 §5.2's are assumed), whether PKCE is taken (none is
 * sent), and that `userid` is the account's own across TeamViewer, not one
 * company's (TeamViewer accounts exist outside companies; the `u`-prefixed
 * id is kept as it is).
 */
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The account of `/api/v1/account`: `userid` as the subject, `name`, `email`, `email_validated` as `email_verified`
 * and `company_name`; an answer without a userid names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const account = objectOf(body);
  const userid = trimmedText(account?.userid);
  if (userid === undefined) return undefined;
  return {
    userid,
    ...textMembers({ name: account!.name, email: account!.email, company_name: account!.company_name }),
    ...(trimmedText(account!.email) !== undefined && typeof account!.email_validated === 'boolean' ? { email_verified: account!.email_validated } : {}),
  };
}

/** Revokes the access token with `POST /api/v1/oauth2/revoke`, the token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('TeamViewer revocation needs the revocation endpoint');
  return revokeWithBearer(request, request.revocationEndpoint, { method: 'POST' }, { provider: 'TeamViewer', what: 'the token revocation' });
}

export const teamviewer: ProviderPreset = {
  displayName: 'TeamViewer',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://login.teamviewer.com/oauth2/authorize',
      tokenEndpoint: 'https://webapi.teamviewer.com/api/v1/oauth2/token',
      userinfoEndpoint: 'https://webapi.teamviewer.com/api/v1/account',
      revocationEndpoint: 'https://webapi.teamviewer.com/api/v1/oauth2/revoke',
    },
    // None: the person grants the permissions the app was created with.
    scope: '',
    apiBaseUrl: 'https://webapi.teamviewer.com/api/v1',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'userid',
    hooks: { profileClaims, revoke },
  }),
};
