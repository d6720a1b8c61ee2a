/**
 * ORCID (Public API or Member API credentials from orcid.org's Developer
 * Tools, or from ORCID for a member, with the callback among the redirect
 * URIs). OAuth 2.0 authorization code ("3-legged OAuth") with explicit
 * endpoints at orcid.org; ORCID is also an OpenID provider, but the person
 * is read from the token answer, which names them without an ID token. From
 * ORCID's pages:
 * - `GET https://orcid.org/oauth/authorize` with `client_id`,
 *   `response_type=code`, `scope` and `redirect_uri`; the person signs in,
 *   grants the access and is sent back with a code
 *   (https://info.orcid.org/faq/how-does-3-legged-oauth-work). The scope is
 *   `/authenticate`, which gets the person's ORCID iD and reads their
 *   public data; `/read-limited`, `/activities/update` and `/person/update`
 *   are the Member API's, added with `<NAME>_SCOPE` (the same page;
 *   https://info.orcid.org/ufaqs/what-is-openid: `openid` stands in for
 *   `/authenticate`, never both). No PKCE is described, so none is sent.
 * - `POST https://orcid.org/oauth/token`, a form with `client_id`,
 *   `client_secret`, `grant_type=authorization_code`, `code` and
 *   `redirect_uri`, `Accept: application/json`; the answer is
 *   `access_token`, `token_type` (`bearer`), `refresh_token`, `expires_in`
 *   (631138518, about 20 years), `scope`, `name` (the name on the record)
 *   and `orcid`, the person's authenticated ORCID iD
 *   (https://info.orcid.org/faq/how-does-3-legged-oauth-work,
 *   https://info.orcid.org/ufaqs/what-should-my-integration-store). That
 *   `orcid` (`0000-0002-1825-0097`) is the subject: the persistent
 *   identifier ORCID exists to give each researcher, never reassigned, where
 *   the name is the person's to change or hide. The tokenResponseProfile
 *   hook reads it, and no profile call is made; ORCID gives no e-mail here.
 * - A refresh is a form with `grant_type=refresh_token`, `refresh_token` and
 *   the client; it answers a new access and refresh token
 *   (https://info.orcid.org/ufaqs/what-are-refresh-tokens/,
 *   https://members.orcid.org/api/oauth/refresh-tokens). With a 20-year
 *   access token it comes only after the person's token was refused.
 * - The Public API is `https://pub.orcid.org/v3.0` (`/<ORCID iD>/record`,
 *   `/person`…), the token as Bearer and `Accept: application/json` (or
 *   `application/vnd.orcid+json`) for JSON; a member's integration sets
 *   `<NAME>_API_BASE_URL=https://api.orcid.org/v3.0`.
 * - Disconnect revokes at `POST https://orcid.org/oauth/revoke`, RFC 7009's
 *   form with `client_id`, `client_secret` and `token`, access or refresh:
 *   either ends the pair (https://info.orcid.org/ufaqs/how-can-i-revoke-tokens).
 * Not checked against ORCID's own pages: whether a refresh ends the spent
 * tokens by default (the `revoke_old` parameter's default reads both ways on
 * the refresh page; the newest refresh token is kept either way); what the
 * answer to a revocation of a token already ended is (RFC 7009 §2.2's 200
 * assumed, as the second request of a disconnect meets one); the refusals'
 * bodies (RFC 6749 §5.2's `error` and `error_description` at the token
 * endpoint, `invalid_token` at the API); `access_denied` for a person who
 * declines; and whether `name` may be absent (a record whose name is not
 * public): the person is then unnamed.
 */
import type { ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/** An ORCID iD as the token answer gives it: four groups of four digits, the last character a check digit or X. */
const ORCID_ID = /^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/;

/** The person of the code exchange's answer: `orcid`, the ORCID iD (the subject), and `name`; an answer without a well-formed iD names no one. */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const orcid = trimmedText(answer.orcid);
  if (!orcid || !ORCID_ID.test(orcid)) return undefined;
  const name = trimmedText(answer.name);
  return { orcid, ...(name ? { name } : {}) };
}

export const orcid: ProviderPreset = {
  displayName: 'ORCID',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://orcid.org/oauth/authorize',
      tokenEndpoint: 'https://orcid.org/oauth/token',
      revocationEndpoint: 'https://orcid.org/oauth/revoke',
    },
    scope: '/authenticate',
    apiBaseUrl: 'https://pub.orcid.org/v3.0',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'orcid',
    hooks: { tokenResponseProfile },
  }),
};
