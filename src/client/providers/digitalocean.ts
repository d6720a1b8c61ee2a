/**
 * DigitalOcean (the OAuth API of https://cloud.digitalocean.com/v1/oauth).
 * Plain OAuth 2.0 without discovery or an ID token. From DigitalOcean's docs
 * (https://docs.digitalocean.com/reference/api/oauth/,
 * https://docs.digitalocean.com/reference/api/oauth-api/):
 * - `GET https://cloud.digitalocean.com/v1/oauth/authorize` with
 *   `response_type=code`, `client_id`, `redirect_uri` (the callback URL
 *   registered on the app) and `state`; `scope`, space-separated, is `read`,
 *   `write` or both (or custom scopes such as `droplet:read`), `read` when
 *   none is sent. The person picks the team the app gets access to: the
 *   token acts on that team;
 * - `POST https://cloud.digitalocean.com/v1/oauth/token` with
 *   `grant_type=authorization_code`, `code`, `client_id`, `client_secret` and
 *   `redirect_uri`. The answer is `access_token`, `token_type: "bearer"`,
 *   `expires_in` (2592000: access tokens last 30 days), `refresh_token`,
 *   `scope` and `info: { name, email, uuid }`, the person who authorized:
 *   they are read from there (the tokenResponseProfile hook), the subject
 *   being `info.uuid`;
 * - a refresh (`grant_type=refresh_token` at the same endpoint) answers a new
 *   access token and a new refresh token: a refresh token can be used
 *   exactly once, and using it ends the access token it came with. The new
 *   one is kept;
 * - `GET https://api.digitalocean.com/v2/account` answers `{ account: { uuid,
 *   email, email_verified, name, status, team: { uuid, name }, … } }`
 *   (https://docs.digitalocean.com/reference/api/digitalocean/#tag/Account):
 *   `email_verified`, the team the token acts on and the account's `status`
 *   are read from it at sign-in and kept with the profile. A token whose
 *   custom scopes leave out `account:read` is refused there (403): the
 *   sign-in goes on with what the token answer said;
 * - the API is `https://api.digitalocean.com` (`/v2/…`), the token as
 *   `Authorization: Bearer`;
 * - `POST https://cloud.digitalocean.com/v1/oauth/revoke` with the form
 *   `token=<access token>` and that token as `Authorization: Bearer`,
 *   answering 200 (as DigitalOcean's own Terraform provider and `doctl`
 *   revoke the tokens they make): not RFC 7009's client authentication, so
 *   the revoke hook sends it DigitalOcean's way.
 * Not checked against DigitalOcean's pages: whether revoking the access
 * token ends its refresh token too (assumed, as the refresh token ends with
 * the access token it came with at a refresh), whether refresh tokens end
 * when left unused (no end is stated, so none is assumed), whether the
 * refresh request needs the client (it is sent, in the form), whether
 * `info.uuid` and `/v2/account`'s `uuid` are the same id (assumed), the
 * answer to a revocation with a token DigitalOcean no longer takes (401 is
 * taken as already revoked), and the token endpoint's refusals, assumed RFC
 * 6749's `{ error, error_description }`. PKCE is sent, which DigitalOcean
 * documents for public clients and RFC 7636 §4.5 has a server check or
 * ignore.
 */
import { ProviderUnavailableError } from '../errors.js';
import type { ProfileReader, RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';

/**
 * The person of the token answer's `info`: `uuid` (the subject), `name`
 * and `email`; an answer without a uuid names no one, and the sign-in fails.
 */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const info = objectOf(answer.info);
  if (!info || typeof info.uuid !== 'string' || info.uuid === '') return undefined;
  return {
    uuid: info.uuid,
    ...(typeof info.name === 'string' && info.name !== '' ? { name: info.name } : {}),
    ...(typeof info.email === 'string' && info.email !== '' ? { email: info.email } : {}),
  };
}

/**
 * `email_verified`, the team and the account's status from `/v2/account`, kept with the profile; nothing
 * when the token may not read it (custom scopes without `account:read`). Throws on an answer without an account.
 */
async function readMoreClaims(reader: ProfileReader): Promise<Record<string, unknown>> {
  if (!reader.apiBaseUrl) return {};
  const body = await reader.getJson(`${withoutTrailingSlash(reader.apiBaseUrl)}/v2/account`);
  if (body === undefined) return {};
  const account = objectOf(objectOf(body)?.account);
  if (!account) throw new ProviderUnavailableError('provider_bad_response', 'DigitalOcean did not answer GET /v2/account with an account.');
  const team = objectOf(account.team);
  return {
    ...(typeof account.email_verified === 'boolean' ? { email_verified: account.email_verified } : {}),
    ...(team ? { team: { uuid: team.uuid, name: team.name } } : {}),
    ...(typeof account.status === 'string' ? { account_status: account.status } : {}),
  };
}

/** Revokes the access token at /v1/oauth/revoke: the token in the form, and as the Bearer credentials. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('DigitalOcean revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { authorization: `Bearer ${request.accessToken}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: request.accessToken }).toString(),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  // A token that was live refused (the person revoked the app in DigitalOcean), or one whose refresh DigitalOcean refused: the grant is gone.
  const tokenWasGood = !request.accessTokenExpired || request.refreshTokenRefused;
  if (response.status === 401 && tokenWasGood) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `DigitalOcean refused the token revocation (HTTP ${response.status}).`);
}

export const digitalocean: ProviderPreset = {
  displayName: 'DigitalOcean',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://cloud.digitalocean.com/v1/oauth/authorize',
      tokenEndpoint: 'https://cloud.digitalocean.com/v1/oauth/token',
      revocationEndpoint: 'https://cloud.digitalocean.com/v1/oauth/revoke',
    },
    scope: 'read',
    apiBaseUrl: 'https://api.digitalocean.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'uuid',
    claimNames: { name: 'name', email: 'email' },
    hooks: { tokenResponseProfile, readMoreClaims, revoke },
  }),
};
