import { describe, expect, it } from 'vitest';
import { freeagent } from './freeagent.js';

const { profileClaims } = freeagent.settings({}).hooks!;

describe('freeagent profileClaims: /v2/users/me', () => {
  it('takes the user url, the names, the login e-mail, the role and the permission level', () => {
    expect(
      profileClaims!({
        user: {
          url: 'https://api.freeagent.com/v2/users/1',
          first_name: 'Ada',
          last_name: 'Lovelace',
          email: 'ada@example.co.uk',
          role: 'Director',
          permission_level: 8,
          opening_mileage: 0,
          created_at: '2025-04-01T09:00:00Z',
        },
      }),
    ).toEqual({ url: 'https://api.freeagent.com/v2/users/1', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@example.co.uk', role: 'Director', permission_level: 8 });
  });

  it('leaves out empty names, e-mail and role, and a permission level that is not a whole number', () => {
    expect(profileClaims!({ user: { url: 'https://api.sandbox.freeagent.com/v2/users/2', first_name: ' ', last_name: 'Solo', email: '', role: '', permission_level: '8' } })).toEqual({
      url: 'https://api.sandbox.freeagent.com/v2/users/2',
      family_name: 'Solo',
    });
  });

  it.each([[{ url: 'https://api.freeagent.com/v2/users/1' }], [{ user: { email: 'a@b.c' } }], [{ user: { url: 42 } }], [{ user: { url: '' } }], [{ user: { url: 'users/1' } }], [null], [[]]])(
    'finds no one in %j',
    (body) => {
      expect(profileClaims!(body)).toBeUndefined();
    },
  );
});
