import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { fitbit } from './fitbit.js';

const settings = fitbit.settings({});
const { tokenResponse, profileClaims, revoke } = settings.hooks!;

describe("fitbit tokenResponse: Fitbit's errors as RFC 6749's", () => {
  const read = async (response: Response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> });
  const sent = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json;charset=UTF-8' } });

  it('the first errorType is the error and its message the description, the status kept', async () => {
    const refused = { errors: [{ errorType: 'invalid_grant', message: 'Refresh token invalid: 0a1b. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.' }], success: false };
    expect(await read(await tokenResponse!(sent(400, refused)))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: refused.errors[0]!.message } });
    expect(await read(await tokenResponse!(sent(401, { errors: [{ errorType: 'invalid_client' }, { errorType: 'other' }], success: false })))).toEqual({ status: 401, body: { error: 'invalid_client' } });
  });

  it('tokens, an RFC 6749 error, and a body without an errorType are left as they came', async () => {
    const tokens = { access_token: 'a', expires_in: 28800, refresh_token: 'r', scope: 'profile activity', token_type: 'Bearer', user_id: 'GGNJL9' };
    expect(await read(await tokenResponse!(sent(200, tokens)))).toEqual({ status: 200, body: tokens });
    expect(await read(await tokenResponse!(sent(400, { error: 'invalid_grant' })))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect(await read(await tokenResponse!(sent(500, { errors: [{ message: 'oops' }] })))).toEqual({ status: 500, body: { errors: [{ message: 'oops' }] } });
  });
});

describe('fitbit profileClaims: the user of /1/user/-/profile.json', () => {
  const user = { encodedId: 'GGNJL9', fullName: 'Ada Lovelace', displayName: 'Ada L.', firstName: 'Ada', lastName: 'Lovelace', avatar: 'https://static0.fitbit.com/images/profile/defaultProfile_100.png' };

  it('takes encodedId, fullName as the name, the display name and the avatar', () => {
    expect(profileClaims!({ user })).toEqual({ encoded_id: 'GGNJL9', name: 'Ada Lovelace', display_name: 'Ada L.', picture: user.avatar });
  });

  it('no full name: the display name is the name', () => {
    expect(profileClaims!({ user: { encodedId: 'GGNJL9', fullName: ' ', displayName: 'Ada L.' } })).toEqual({ encoded_id: 'GGNJL9', name: 'Ada L.', display_name: 'Ada L.' });
  });

  it.each([[{ user: { fullName: 'No Id' } }], [{ user: { encodedId: '' } }], [{ user: { encodedId: 12 } }], [user], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('fitbit revoke: one token at /oauth2/revoke', () => {
  const endpoint = 'https://api.fitbit.com/oauth2/revoke';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { clientId: '22942C', clientSecret: 'a1b2-c3', revocationEndpoint: endpoint, ...state });

  it('200 is revoked; the refresh token goes in the form, with Basic credentials as they are', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.headers.authorization).toBe(`Basic ${Buffer.from('22942C:a1b2-c3').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.init.body))).toEqual({ token: 'refresh' });
  });

  it('without a refresh token, the access token', async () => {
    const { value, sent } = request(200, { refreshToken: null });
    expect(await revoke!(value)).toBe('revoked');
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.init.body))).toEqual({ token: 'live' });
  });

  it('a 400 or 401 once Fitbit refused the refresh token is already revoked; otherwise a failure', async () => {
    expect(await revoke!(request(400, { refreshTokenRefused: true }).value)).toBe('already_revoked');
    expect(await revoke!(request(401, { refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(401).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
