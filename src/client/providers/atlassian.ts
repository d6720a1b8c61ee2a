/**
 * Atlassian Cloud (OAuth 2.0 "3LO" apps: Jira, Confluence…). Plain OAuth 2.0
 * without an ID token: the person is the `account_id` of
 * `GET https://api.atlassian.com/me` (scope `read:me`), which identifies
 * them across every Atlassian product. From Atlassian's docs:
 * - the authorization request names `audience=api.atlassian.com` and
 *   `prompt=consent`; scopes are space-separated; the token endpoint takes
 *   the client id and secret in the request body
 *   (https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/,
 *   https://developer.atlassian.com/cloud/oauth/getting-started/implementing-oauth-3lo);
 * - `offline_access` brings a refresh token, and refresh tokens rotate: every
 *   refresh answers a new one and disables the one used; a dead one is
 *   refused with 403 `invalid_grant`
 *   (https://developer.atlassian.com/cloud/oauth/getting-started/refresh-tokens);
 * - a rotating refresh token ends after 90 days unused (each refresh's new one
 *   starts another 90), and the grant a year after the first authorization
 *   however often it is refreshed (Atlassian's announcement of rotating refresh
 *   tokens, https://community.developer.atlassian.com/t/updated-31-january-2022-action-required-deprecating-persistent-refresh-tokens/54172):
 *   the keep-alive sweep refreshes an unused connection within the 90 days;
 *   nothing outlives the year but a new sign-in;
 * - `/me` and its fields (https://developer.atlassian.com/cloud/oauth/getting-started/faq).
 * Atlassian asks for consent on every authorization (`prompt=consent` is part
 * of the request it documents), so consent is never added on top of it, and
 * it issues a refresh token for `offline_access` each time. It documents no
 * revocation endpoint: a person removes the app under their account's
 * connected apps, so disconnecting deletes the tokens here only.
 * Its departure handled here: a refresh token it does not know, or one it
 * rotated out, is refused with 403 `unauthorized_client` "refresh_token is
 * invalid", not the documented `invalid_grant` (measured by the Atlassian
 * clients jira.js and confluence.js,
 * https://github.com/MrRefactoring/confluence.js/blob/master/docs/guide/oauth2.md;
 * https://github.com/ParabolInc/parabol/issues/11849). Read as RFC 6749's
 * `unauthorized_client` (the client's own fault), it would leave a dead grant
 * retried with back-off for ever instead of asking the person to sign in again.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** Atlassian's description of a refresh token it no longer accepts, under `unauthorized_client`. */
const DEAD_REFRESH_TOKEN = /^refresh_token is invalid\b/i;

/**
 * Atlassian's refusal of a dead refresh token as the RFC 6749 §5.2 `invalid_grant` it means; every other answer as
 * it was. Bitbucket Cloud, Atlassian's too, refuses one the same way.
 */
export async function atlassianTokenResponse(response: Response): Promise<Response> {
  if (response.status < 400 || response.status >= 500) return response;
  const { text, fields } = await readTokenEndpointBody(response);
  const description = fields?.error_description;
  if (fields?.error === 'unauthorized_client' && typeof description === 'string' && DEAD_REFRESH_TOKEN.test(description)) {
    return rebuiltAnswer(response, response.status, JSON.stringify({ error: 'invalid_grant', error_description: description, atlassian_error: 'unauthorized_client' }), 'application/json');
  }
  return rebuiltAnswer(response, response.status, text);
}

export const atlassian: ProviderPreset = {
  displayName: 'Atlassian',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://auth.atlassian.com/authorize',
      tokenEndpoint: 'https://auth.atlassian.com/oauth/token',
      userinfoEndpoint: 'https://api.atlassian.com/me',
    },
    scope: 'read:me offline_access',
    apiBaseUrl: 'https://api.atlassian.com',
    // Jira refuses an attachment upload without `X-Atlassian-Token: no-check`, its guard against cross-site forms
    // (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-attachments/#api-rest-api-3-issue-issueidorkey-attachments-post).
    proxyHeaders: { request: ['x-atlassian-token'], response: [] },
    authorizationParams: { audience: 'api.atlassian.com', prompt: 'consent' },
    refreshTokenNeedsConsent: false,
    refreshTokenIdleSeconds: 90 * 86_400,
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'account_id',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'nickname' },
    hooks: { tokenResponse: atlassianTokenResponse },
  }),
};
