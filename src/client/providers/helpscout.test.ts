import { describe, expect, it } from 'vitest';
import { helpscout } from './helpscout.js';

const settings = helpscout.settings({});
const { profileClaims } = settings.hooks!;

describe('helpscout settings', () => {
  it('asks for no scope (Help Scout has none), with no revocation endpoint (Help Scout documents none)', () => {
    expect(settings.scope).toBe('');
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('helpscout profileClaims: /v2/users/me', () => {
  it('takes the numeric id, the first and last names and the e-mail', () => {
    expect(profileClaims!({ id: 4, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', role: 'owner', timezone: 'Europe/London' })).toEqual({
      id: 4,
      given_name: 'Ada',
      family_name: 'Lovelace',
      email: 'ada@example.com',
    });
  });

  it('leaves out empty names and e-mail', () => {
    expect(profileClaims!({ id: 7, firstName: ' ', lastName: 'Solo', email: '' })).toEqual({ id: 7, family_name: 'Solo' });
  });

  it.each([[{ email: 'a@b.c' }], [{ id: '4' }], [{ id: 1.5 }], [null], [[{ id: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
