import { describe, expect, it } from 'vitest';
import { apple } from './apple.js';

const callbackClaims = apple.settings({ teamId: 'TEAM123456' }).hooks!.callbackClaims!;
const claimsOf = (user?: string) => callbackClaims(new URLSearchParams(user === undefined ? { code: 'c', state: 's' } : { code: 'c', state: 's', user }));

describe('the apple preset’s name from the first authorization’s `user` field', () => {
  it('reads the first and last name as given_name and family_name, and nothing else from the field', () => {
    const user = JSON.stringify({ name: { firstName: ' Ada ', lastName: 'Lovelace' }, email: 'someone-else@example.com' });
    expect(claimsOf(user)).toEqual({ given_name: 'Ada', family_name: 'Lovelace' });
  });

  it('takes what there is of the name', () => {
    expect(claimsOf(JSON.stringify({ name: { firstName: 'Ada' } }))).toEqual({ given_name: 'Ada' });
    expect(claimsOf(JSON.stringify({ name: { firstName: '', lastName: 42 } }))).toEqual({});
    expect(claimsOf(JSON.stringify({ email: 'x@example.com' }))).toEqual({});
  });

  it('later sign-ins (no field) and a malformed or oversized field give no claims, never an error', () => {
    expect(claimsOf()).toEqual({});
    for (const bad of ['{not json', 'null', '"text"', '[]', JSON.stringify({ name: null }), JSON.stringify({ name: { firstName: 'x'.repeat(2000) } })]) {
      expect(claimsOf(bad), bad.slice(0, 30)).toEqual({});
    }
  });
});
