import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import type { RevocationRequest } from '../provider-hooks.js';
import { close } from './close.js';

const { profileClaims, revoke } = close.settings({}).hooks!;

describe('close profileClaims: /api/v1/me/', () => {
  it('takes the id, the names, the e-mail and the organizations', () => {
    expect(
      profileClaims!({
        id: 'user_N6Kh',
        first_name: 'Ada',
        last_name: 'Lovelace',
        email: 'ada@example.com',
        image: 'https://secure.gravatar.com/avatar/0.png',
        organizations: [{ id: 'orga_Rb', name: 'Acme', memberships: [] }, { name: 'no id' }],
        email_accounts: [],
      }),
    ).toEqual({ id: 'user_N6Kh', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@example.com', organizations: [{ id: 'orga_Rb', name: 'Acme' }] });
  });

  it('leaves out empty names and e-mail, and organizations that are not a list', () => {
    expect(profileClaims!({ id: 'user_2', first_name: ' ', last_name: 'Solo', email: '', organizations: 'orga_1' })).toEqual({ id: 'user_2', family_name: 'Solo' });
  });

  it.each([[{ email: 'a@b.c' }], [{ id: 'orga_1' }], [{ id: 42 }], [null], [[]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('close revoke: POST /oauth2/revoke/', () => {
  const endpoint = 'https://api.close.com/oauth2/revoke/';
  const request = (status: number, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status, status === 200 ? {} : { error: 'invalid_client' }), { clientId: 'oa2client_x', clientSecret: 's3cret', revocationEndpoint: endpoint, ...state });

  it('200 is revoked; the refresh token goes as token, the client in the form', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(String(sent[0]!.init.body)))).toEqual({ client_id: 'oa2client_x', client_secret: 's3cret', token: 'refresh' });
  });

  it('without a refresh token, the access token goes as token', async () => {
    const { value, sent } = request(200, { refreshToken: null });
    expect(await revoke!(value)).toBe('revoked');
    expect(new URLSearchParams(String(sent[0]!.init.body)).get('token')).toBe('live');
  });

  it('other answers fail', async () => {
    await expect(revoke!(request(401).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
