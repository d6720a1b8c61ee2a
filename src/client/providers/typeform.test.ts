import { describe, expect, it } from 'vitest';
import { typeform } from './typeform.js';

const settings = typeform.settings({});
const { profileClaims } = settings.hooks!;

describe('typeform settings', () => {
  it('asks for accounts:read and offline, with no revocation endpoint (Typeform documents none)', () => {
    expect(settings.scope).toBe('accounts:read offline');
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('typeform profileClaims: the account of /me', () => {
  it('takes user_id as a string, with the alias, e-mail and language', () => {
    expect(profileClaims!({ alias: 'Ada Lovelace', email: 'ada@example.com', language: 'en', user_id: '01HXYZ' })).toEqual({ user_id: '01HXYZ', alias: 'Ada Lovelace', email: 'ada@example.com', language: 'en' });
    expect(profileClaims!({ user_id: 12_345_678, alias: ' ', email: '' })).toEqual({ user_id: '12345678' });
  });

  it.each([[{ alias: 'No Id', email: 'a@b.c' }], [{ user_id: '' }], [{ user_id: 1.5 }], [{ user_id: null }], [null], [[{ user_id: '1' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
