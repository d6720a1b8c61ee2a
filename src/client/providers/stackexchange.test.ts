import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { stackexchange } from './stackexchange.js';

const settings = stackexchange.settings({});
const { tokenResponse, profileClaims, tokenRejected, revoke } = settings.hooks!;

const jsonAnswer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
/** An API error in the common wrapper, HTTP 400 as Stack Exchange answers every error. */
const apiError = (id: number, name: string, message: string) => jsonAnswer(400, { error_id: id, error_message: message, error_name: name });

describe('stackexchange tokenResponse: `expires` and no token type', () => {
  it('reads `expires` as `expires_in` and adds Bearer, keeping the token', async () => {
    const rewritten = await tokenResponse!(jsonAnswer(200, { access_token: 'abcd*(01234', expires: 86_400 }));
    expect(rewritten.status).toBe(200);
    expect(rewritten.headers.get('content-type')).toBe('application/json');
    expect(await rewritten.json()).toEqual({ access_token: 'abcd*(01234', token_type: 'Bearer', expires_in: 86_400 });
  });

  it('a no_expiry token has no `expires`, and gets no `expires_in`', async () => {
    expect(await (await tokenResponse!(jsonAnswer(200, { access_token: 'efghi*(56789' }))).json()).toEqual({ access_token: 'efghi*(56789', token_type: 'Bearer' });
  });

  it('the form-encoded answer of /oauth/access_token is read too, its `expires` as a number', async () => {
    const form = new Response('access_token=abcd*(01234&expires=1234', { status: 200, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(await (await tokenResponse!(form)).json()).toEqual({ access_token: 'abcd*(01234', token_type: 'Bearer', expires_in: 1234 });
  });

  it('an error (HTTP 400) and an answer that names its token type pass as they came', async () => {
    const refused = await tokenResponse!(jsonAnswer(400, { error: 'invalid_grant', error_description: 'code expired' }));
    expect({ status: refused.status, body: await refused.json() }).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'code expired' } });
    expect(await (await tokenResponse!(jsonAnswer(200, { access_token: 'a', token_type: 'bearer', expires_in: 5 }))).json()).toEqual({ access_token: 'a', token_type: 'bearer', expires_in: 5 });
  });
});

describe('stackexchange profileClaims: the wrapper of /2.3/me', () => {
  const me = (user: Record<string, unknown>) => ({ items: [user], has_more: false, quota_max: 10_000, quota_remaining: 9_998 });

  it('keeps the network-wide account_id (not the site user_id), the name with its HTML entities decoded, the profile page and the picture', () => {
    const user = { account_id: 11_683, user_id: 22_656, display_name: 'Se&#225;n O&#39;Brien &amp; co &#x1F600;', link: 'https://stackoverflow.com/users/22656/sean', profile_image: 'https://i.sstatic.net/a.png', reputation: 9001, user_type: 'registered' };
    expect(profileClaims!(me(user))).toEqual({ account_id: 11_683, name: "Seán O'Brien & co 😀", profile: 'https://stackoverflow.com/users/22656/sean', picture: 'https://i.sstatic.net/a.png' });
  });

  it('leaves out what is empty and an entity that names no character; no item, or an account_id that is not a positive whole number, names no one', () => {
    expect(profileClaims!(me({ account_id: 7, display_name: 'a &#0; b &bogus;', link: ' ' }))).toEqual({ account_id: 7, name: 'a &#0; b &bogus;' });
    expect(profileClaims!({ items: [], has_more: false })).toBeUndefined();
    expect(profileClaims!(me({ user_id: 22_656, display_name: 'No Account' }))).toBeUndefined();
    expect(profileClaims!(me({ account_id: '11683' }))).toBeUndefined();
    expect(profileClaims!(me({ account_id: 0 }))).toBeUndefined();
    expect(profileClaims!({ error_id: 402, error_name: 'invalid_access_token', error_message: 'expired' })).toBeUndefined();
  });
});

describe('stackexchange tokenRejected: the wrapper’s error', () => {
  it('invalid_access_token (402) and access_token_compromised (406) are the token refused, by name or by id alone', async () => {
    expect(await tokenRejected!(apiError(402, 'invalid_access_token', 'access_token is invalid'))).toBe(true);
    expect(await tokenRejected!(apiError(406, 'access_token_compromised', 'used over http'))).toBe(true);
    expect(await tokenRejected!(jsonAnswer(400, { error_id: 402 }))).toBe(true);
    expect(await tokenRejected!(jsonAnswer(401, { error_id: 402, error_name: 'invalid_access_token' }))).toBe(true);
  });

  it('another error (no token sent, a scope missing, a bad parameter), another status or another body is the caller’s', async () => {
    expect(await tokenRejected!(apiError(401, 'access_token_required', 'no token'))).toBe(false);
    expect(await tokenRejected!(apiError(403, 'access_denied', 'write_access needed'))).toBe(false);
    expect(await tokenRejected!(apiError(400, 'bad_parameter', 'site is required'))).toBe(false);
    expect(await tokenRejected!(jsonAnswer(404, { error_id: 402, error_name: 'invalid_access_token' }))).toBe(false);
    expect(await tokenRejected!(new Response('Bad Request', { status: 400 }))).toBe(false);
  });
});

describe('stackexchange revoke: GET /2.3/apps/{token}/de-authenticate', () => {
  it('200 is revoked; the token goes in the path, encoded, and no token in a header or the query', async () => {
    const { value, sent } = revocationRequest(answer(200, { items: [{ access_token: 'abcd*(01/234', account_id: 11_683 }], has_more: false }), { apiBaseUrl: 'https://api.stackexchange.com/', accessToken: 'abcd*(01/234' });
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://api.stackexchange.com/2.3/apps/abcd*(01%2F234/de-authenticate');
    expect(sent[0]!.init.method).toBe('GET');
    expect(sent[0]!.init.headers).not.toHaveProperty('authorization');
  });

  it('a live token refused as invalid was de-authenticated already; an expired one refused, another error or an outage fails', async () => {
    const refused = (fields: Parameters<typeof revocationRequest>[1] = {}) =>
      revocationRequest(() => apiError(402, 'invalid_access_token', 'access_token is invalid'), { apiBaseUrl: 'https://api.stackexchange.com', ...fields }).value;
    expect(await revoke!(refused())).toBe('already_revoked');
    await expect(revoke!(refused({ accessTokenExpired: true }))).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(revocationRequest(() => apiError(400, 'bad_parameter', 'nope'), { apiBaseUrl: 'https://api.stackexchange.com' }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(revocationRequest(answer(503), { apiBaseUrl: 'https://api.stackexchange.com' }).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
