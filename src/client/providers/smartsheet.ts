/**
 * Smartsheet (an app registered under the account's Developer Tools, its
 * App redirect URL the callback). Plain OAuth 2.0 with explicit endpoints:
 * no discovery, no ID token. From Smartsheet's developer docs
 * (https://developers.smartsheet.com/api/smartsheet/guides/advanced-topics/oauth,
 * https://developers.smartsheet.com/api/smartsheet/openapi/tokens,
 * https://developers.smartsheet.com/api/smartsheet/openapi/users/get-current-user,
 * https://developers.smartsheet.com/api/smartsheet/guides/basics/base-url):
 * - each product is on its own domain, with the sign-in on `app.` and the API
 *   on `api.`: smartsheet.com, Smartsheet Gov's smartsheetgov.com, and the
 *   Regions Europe and Australia's smartsheet.eu and smartsheet.au, whose
 *   accounts, apps and tokens are their own. `<NAME>_DOMAIN` names the
 *   product the app is registered in (default `smartsheet.com`);
 * - `GET https://app.<domain>/b/authorize` with `response_type=code`,
 *   `client_id`, `scope` (space-separated access scopes: `READ_SHEETS` by
 *   default; an app that writes asks more, e.g. `WRITE_SHEETS CREATE_SHEETS`)
 *   and `state`. Smartsheet sends the person back to the app's redirect URL
 *   with the code, or with `error=access_denied`. Smartsheet documents no
 *   PKCE, so none is sent;
 * - `POST https://api.<domain>/2.0/token`, form-encoded, with `client_id`
 *   and, in place of the app secret, `hash`: the hex SHA-256 of the secret,
 *   a `|` and the code (or, on a refresh, the refresh token), which the
 *   tokenRequest hook makes from the secret openid-client put in the form and
 *   sends instead, so the secret never leaves this server. The answer is
 *   `access_token`, `token_type: "bearer"`, `expires_in` (604799: a week)
 *   and `refresh_token`. A refresh answers a new pair, kept in place of the
 *   old. Refusals are RFC 6749 §5.2's names (`invalid_grant` for a code or
 *   refresh token that is invalid or expired, and also for a hash that does
 *   not match: a wrong app secret is refused as `invalid_grant`);
 * - the person is `GET https://api.<domain>/2.0/users/me`: `id`, the user's
 *   numeric id, is the subject, kept as a string; `firstName` and `lastName`
 *   the name; `email` the e-mail, which Smartsheet does not say is verified,
 *   so it is kept as not; the account's `id` and `name` are kept beside them;
 * - the API base is `https://api.<domain>/2.0`, taking the token as Bearer;
 * - `DELETE /2.0/token?deleteAllForApiClient=true`, sent with the access
 *   token, ends every token this app holds for the person, the refresh token
 *   with them (without the parameter only the access token sent would end,
 *   leaving the refresh token alive): answered `{ message: "SUCCESS",
 *   resultCode: 0 }`.
 * Not checked against a running Smartsheet: which scope /users/me needs
 * (none beyond `READ_SHEETS` is assumed), the lifetime of a refresh token
 * and whether a spent one still works (none is stated: no keep-alive, and
 * the new one is kept), whether the token endpoint takes the
 * `redirect_uri` openid-client sends (it documents the deprecated
 * `redirect_url`, which must match when given), and the status a
 * revocation with a token Smartsheet no longer takes is answered with (401,
 * as the API answers such a token, is counted as revoked already once
 * Smartsheet refused the refresh token).
 */
import { createHash } from 'node:crypto';
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { joinedName, trimmedText } from './profile-text.js';

/**
 * The token request with `hash`, SHA-256 (hex) of `<app secret>|<code>` (or `|<refresh token>`), in place of the
 * `client_secret` openid-client put in the form; a form without a secret, a code or a refresh token is left as it came.
 */
function tokenRequest({ body, headers }: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const secret = body.get('client_secret');
  const grant = body.get('grant_type') === 'refresh_token' ? body.get('refresh_token') : body.get('code');
  if (secret === null || grant === null) return { body: body.toString(), headers };
  const form = new URLSearchParams(body);
  form.delete('client_secret');
  form.set('hash', createHash('sha256').update(`${secret}|${grant}`, 'utf8').digest('hex'));
  return { body: form.toString(), headers };
}

/** A Smartsheet id: a whole number, sent as a JSON number. */
function idOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  return typeof value === 'string' && /^[1-9][0-9]{0,19}$/.test(value) ? value : undefined;
}

/**
 * The user of /users/me: `id` as a string, the first and last names joined as
 * the name, the e-mail (not verified), and the account's id and name; an
 * answer without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = idOf(user?.id);
  if (!user || !id) return undefined;
  const name = joinedName(user.firstName, user.lastName);
  const email = trimmedText(user.email);
  const account = objectOf(user.account);
  const accountId = idOf(account?.id);
  const accountName = trimmedText(account?.name);
  return {
    id,
    ...(name ? { name } : {}),
    ...(email ? { email, email_verified: false } : {}),
    ...(accountId ? { account_id: accountId } : {}),
    ...(accountName ? { account_name: accountName } : {}),
  };
}

/** Ends every token of this app for the person with `DELETE /token?deleteAllForApiClient=true`, the access token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('Smartsheet revocation needs the API base URL');
  const response = await request.send(`${withoutTrailingSlash(request.apiBaseUrl)}/token?deleteAllForApiClient=true`, {
    method: 'DELETE',
    headers: { ...request.apiHeaders, accept: 'application/json', authorization: `Bearer ${request.accessToken}` },
  });
  const body = objectOf(await response.json().catch(() => undefined));
  await response.body?.cancel().catch(() => {});
  if (response.status === 200) return 'revoked';
  // The access token refused once Smartsheet had refused its refresh token too: the person's grant is gone there.
  if (response.status === 401 && request.refreshTokenRefused) return 'already_revoked';
  const code = typeof body?.errorCode === 'number' ? ` (error ${body.errorCode})` : '';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Smartsheet answered HTTP ${response.status}${code} to the token revocation.`);
}

export const smartsheet: ProviderPreset = {
  displayName: 'Smartsheet',
  values: { domain: 'optional' },
  settings: ({ domain }) => {
    const product = domain ?? 'smartsheet.com';
    const api = `https://api.${product}/2.0`;
    return {
      endpoints: {
        authorizationEndpoint: `https://app.${product}/b/authorize`,
        tokenEndpoint: `${api}/token`,
        userinfoEndpoint: `${api}/users/me`,
      },
      scope: 'READ_SHEETS',
      pkce: false,
      apiBaseUrl: api,
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
      claimNames: { name: 'name', email: 'email' },
      hooks: { tokenRequest, profileClaims, revoke },
    };
  },
};
