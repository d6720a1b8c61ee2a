/**
 * Yandex ID (an app registered in Yandex OAuth for user login). Plain OAuth
 * 2.0 with explicit endpoints: no discovery, no ID token. From Yandex ID's
 * docs (https://yandex.com/dev/id/doc/en/concepts/ya-oauth-intro,
 * https://yandex.com/dev/id/doc/en/register-client,
 * https://yandex.com/dev/id/doc/en/tokens/refresh-client,
 * https://yandex.com/dev/id/doc/en/tokens/token-invalidate,
 * https://yandex.com/dev/id/doc/en/user-information):
 * - `GET https://oauth.yandex.com/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (one of the app's Callback URIs) and `state`.
 *   Without `scope`, the token gets the rights set on the app, so none is
 *   sent by default (`scope`, space-separated, may ask only for rights among
 *   those). `device_id` and `device_name` ask for a token for one device,
 *   the only kind Yandex lets an app revoke, named on the person's Data
 *   access page: the preset sends `device_id=tokenkeeper` and
 *   `device_name=Tokenkeeper` (`<NAME>_AUTHORIZATION_PARAMS` may name the
 *   device otherwise). oauth.yandex.com and oauth.yandex.ru are the same
 *   service, whose pages and error descriptions are in English on the first;
 *   the user API is on login.yandex.ru for both;
 * - `POST https://oauth.yandex.com/token` with the code, the client as Basic
 *   (`client_id:client_secret` in base64, as they are) or in the form; the
 *   answer is `token_type: "bearer"`, `access_token`, `expires_in`,
 *   `refresh_token` and, when fewer rights were granted than asked,
 *   `scope`. A code lives 10 minutes; refusals are RFC 6749 §5.2's
 *   `{ error, error_description }` (`invalid_grant`, `invalid_client`);
 * - a refresh token lives as long as its access token (the docs' words): the
 *   tokenResponse hook says so as `refresh_token_expires_in`, which Yandex
 *   does not send, so the keep-alive sweep refreshes an unused connection in
 *   the last week of a token's life. A refresh answers a token (the one held
 *   while it has long to live) and a new refresh token, which is kept;
 * - the person is `GET https://login.yandex.ru/info?format=json` with
 *   `Authorization: OAuth <token>`: `id`, the Yandex user id, is the subject,
 *   with `login`, `real_name` or `display_name`, `default_email` (Yandex
 *   says nothing of its verification) and `default_avatar_id`, whose picture
 *   is `https://avatars.yandex.net/get-yapic/{id}/islands-200` unless
 *   `is_avatar_empty`. Yandex's APIs take the token the same way, so every
 *   API call sends `Authorization: OAuth` (apiTokenScheme); the API base is
 *   login.yandex.ru, and the other Yandex APIs an app may reach (Disk's
 *   cloud-api.yandex.net…) are `<NAME>_API_BASE_URL` or
 *   `<NAME>_EXTRA_API_BASE_URLS`;
 * - `POST https://oauth.yandex.com/revoke_token` with `access_token` in the
 *   form and the client as Basic revokes a device token (its refresh token
 *   with it), answering `{ status: "ok" }` also for one already invalid; a
 *   token not issued for a device is `400 unsupported_token_type`, and then
 *   the person removes the app on their Data access page.
 * Not checked against Yandex's pages: whether PKCE is checked (a challenge
 * is sent, which RFC 7636 §4.5 has a server ignore), what a new sign-in of
 * a person with the same `device_id` does to the token issued before (the
 * newest is kept), whether the refresh token spent still works (the new one
 * is kept either way), and whether the e-mail is verified (kept as not known
 * to be).
 */
import { ProviderUnavailableError } from '../errors.js';
import { plainBasicAuthorization, readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * A token answer with `refresh_token_expires_in` set to its `expires_in` when it carries a refresh token and no
 * end for it: Yandex's refresh token lives as long as the token it came with. Anything else as it came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text: body, fields } = await readTokenEndpointBody(response);
  if (!response.ok || !fields || typeof fields.refresh_token !== 'string' || fields.refresh_token_expires_in !== undefined || typeof fields.expires_in !== 'number') {
    return rebuiltAnswer(response, response.status, body);
  }
  return rebuiltAnswer(response, response.status, JSON.stringify({ ...fields, refresh_token_expires_in: fields.expires_in }), 'application/json');
}

/**
 * The person of /info: `id` (digits, as a string), `real_name` (else
 * `display_name`) as the name, `login`, `default_email`, and the avatar's
 * URL when the person has one; an answer without an id names no one, and
 * the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const person = objectOf(body);
  const id = person?.id;
  if (typeof id !== 'string' || !/^\d+$/.test(id)) return undefined;
  const name = trimmedText(person!.real_name) ?? trimmedText(person!.display_name) ?? joinedName(person!.first_name, person!.last_name);
  // An avatar id is path segments (`21493/enc-…`), put in the picture's path as they are.
  const avatarId = person!.is_avatar_empty === true ? undefined : trimmedText(person!.default_avatar_id);
  const avatar = avatarId !== undefined && /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(avatarId) ? avatarId : undefined;
  const login = trimmedText(person!.login);
  const email = trimmedText(person!.default_email);
  return {
    id,
    ...textMembers({ name, login, email }),
    ...(avatar ? { picture: `https://avatars.yandex.net/get-yapic/${avatar}/islands-200` } : {}),
    ...(typeof person!.psuid === 'string' ? { psuid: person!.psuid } : {}),
  };
}

/** Revokes the device token at /revoke_token, the access token in the form and the client as Basic. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Yandex revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { accept: 'application/json', authorization: plainBasicAuthorization(request.clientId, request.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ access_token: request.accessToken }).toString(),
  });
  const error = response.status === 400 ? objectOf(await response.json().catch(() => undefined))?.error : undefined;
  await response.body?.cancel().catch(() => {});
  // Yandex answers 200 for a token it revoked and for one already invalid.
  if (response.status === 200) return 'revoked';
  if (error === 'unsupported_token_type') {
    throw new ProviderUnavailableError('provider_bad_response', 'Yandex revokes only tokens issued for a device (device_id), and this one was not: the person removes the app on their Yandex ID Data access page.');
  }
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Yandex answered HTTP ${response.status}${typeof error === 'string' ? ` (${error})` : ''} to the token revocation.`);
}

export const yandex: ProviderPreset = {
  displayName: 'Yandex',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://oauth.yandex.com/authorize',
      tokenEndpoint: 'https://oauth.yandex.com/token',
      userinfoEndpoint: 'https://login.yandex.ru/info?format=json',
      revocationEndpoint: 'https://oauth.yandex.com/revoke_token',
    },
    scope: '',
    authorizationParams: { device_id: 'tokenkeeper', device_name: 'Tokenkeeper' },
    apiBaseUrl: 'https://login.yandex.ru',
    apiTokenScheme: 'OAuth',
    userinfoTokenScheme: 'OAuth',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'login' },
    hooks: { tokenResponse, profileClaims, revoke },
  }),
};
