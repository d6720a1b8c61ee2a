import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { wahoo } from './wahoo.js';

const settings = wahoo.settings({});
const { profileClaims, revoke } = settings.hooks!;

describe('wahoo profileClaims: /v1/user', () => {
  it('takes the numeric id, the first and last names and the e-mail', () => {
    expect(profileClaims!({ id: 60462, height: '2.0', weight: '80.0', first: 'Bob', last: 'Smith', email: 'sample@example.com', birth: '1980-10-02', gender: 1 })).toEqual({
      id: 60462,
      given_name: 'Bob',
      family_name: 'Smith',
      email: 'sample@example.com',
    });
  });

  it('leaves out empty names, and the e-mail Wahoo sends without the email scope', () => {
    expect(profileClaims!({ id: 7, first: ' ', last: 'Solo' })).toEqual({ id: 7, family_name: 'Solo' });
  });

  it.each([[{ email: 'a@b.c' }], [{ id: '60462' }], [{ id: 1.5 }], [null], [[{ id: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('wahoo revoke: DELETE /v1/permissions', () => {
  const api = 'https://api.wahooligan.com/';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { apiBaseUrl: api, ...state });

  it('a 2xx is revoked; the access token goes as Bearer to the API base', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://api.wahooligan.com/v1/permissions');
    expect(sent[0]!.init.method).toBe('DELETE');
    expect(sent[0]!.init.headers.authorization).toBe('Bearer live');
    expect(sent[0]!.init.body).toBeUndefined();
  });

  it('its answer is read by revokeWithBearer: a 401 to a live token is already revoked, a 503 a fault of Wahoo', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error', message: 'Wahoo answered HTTP 503 to the permissions revocation.' });
  });
});
