/**
 * Quip (its Automation API at platform.quip.com, for an API key a Quip
 * admin creates in the Admin Console under Settings, Integrations, the
 * callback among its redirect URIs). Plain OAuth 2.0 authorization code with
 * explicit endpoints: no discovery, no ID token. From Quip's Automation API
 * documentation (https://quip.com/dev/automation/documentation/current) and
 * Quip's own client libraries (https://github.com/quip/quip-api, `python/quip.py`
 * and `nodejs/quip.js`):
 * - the API is REST at `https://platform.quip.com`, its methods under `/1/`
 *   and `/2/`, answering JSON, its errors standard HTTP statuses with a JSON
 *   body (`error_description` read by Quip's clients), the token as
 *   `Authorization: Bearer`; the OAuth endpoints are the only ones that take
 *   no Bearer token;
 * - `GET https://platform.quip.com/1/oauth/login` with `client_id`,
 *   `redirect_uri`, `state` and `response_type=code`, and no scope: the
 *   permissions (`USER_READ`, `USER_WRITE`, `USER_MANAGE`) are those of the
 *   API key;
 * - `https://platform.quip.com/1/oauth/access_token` takes `grant_type`
 *   (`authorization_code`, or `refresh_token` with the refresh token), the
 *   code and `redirect_uri`, and `client_id` and `client_secret` as
 *   parameters (the client goes in the form here, never as Basic);
 * - `GET /1/users/current` is the person the token belongs to: `id` (the
 *   subject: a Quip object id, not a name or an e-mail), `name` and `emails`,
 *   a list of which the first is kept as the e-mail, with `company_id` and
 *   more this preset does not keep;
 * - `POST https://platform.quip.com/1/oauth/revoke` is the revocation
 *   endpoint, taking `token`, `client_id` and `client_secret` in a form: RFC
 *   7009 as the core sends it.
 * Not checked against Quip's own pages, whose OAuth sections were not at
 * hand in full (the endpoints above are those of Quip's own OpenAPI
 * description as integrations list it, and of its client libraries): the
 * token answer's members (`access_token`, `refresh_token`, `expires_in`,
 * `token_type`, as integrations read them) and the 30 days integrations give
 * an access token (the answer's `expires_in` is used); whether a refresh
 * rotates the refresh token (a new one kept when answered, the one held
 * otherwise); whether revoking the refresh token ends the access token too
 * (both are revoked); the token endpoint's refusals (RFC 6749 §5.2's are
 * assumed); whether PKCE is taken (none is sent); whether the first e-mail
 * is verified (it is kept with its verification unknown); and that `id` is
 * the person's own across all of quip.com, not one company's (Quip's ids
 * name users across companies, who share threads with each other). A
 * Virtual Private Cloud site (`platform.<customer>.onquip.com`) is another
 * Quip with ids of its own: this preset is for quip.com, and a VPC site is
 * configured as a provider of its own with every endpoint set.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/1/users/current`: `id` as the subject, `name`, and the first of `emails` as `email`; an answer
 * without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = trimmedText(user?.id);
  if (id === undefined) return undefined;
  const emails = Array.isArray(user!.emails) ? user!.emails : [];
  return { id, ...textMembers({ name: user!.name, email: emails.map(trimmedText).find((email) => email !== undefined) }) };
}

export const quip: ProviderPreset = {
  displayName: 'Quip',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://platform.quip.com/1/oauth/login',
      tokenEndpoint: 'https://platform.quip.com/1/oauth/access_token',
      userinfoEndpoint: 'https://platform.quip.com/1/users/current',
      revocationEndpoint: 'https://platform.quip.com/1/oauth/revoke',
    },
    // None: the person grants the permissions of the admin's API key.
    scope: '',
    apiBaseUrl: 'https://platform.quip.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
