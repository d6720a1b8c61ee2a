import { describe, expect, it } from 'vitest';
import { clever } from './clever.js';

const hooks = clever.settings({}).hooks!;

describe('clever profileClaims: /userinfo', () => {
  // The example answer of https://dev.clever.com/docs/the-userinfo-endpoint, its e-mail an example one.
  const answer = {
    sub: '64f0e2926b100a053fc08e14',
    user_id: '64f0e2876b100a053fbf9c6e',
    multi_role_user_id: '64f0e2926b100a053fc08e14',
    user_type: 'teacher',
    district_id: '64ef5e6c8d6b17762d094e48',
    district: '64ef5e6c8d6b17762d094e48',
    email: 'john-paul.johnson@example.edu',
    name: { first: 'John-Paul', last: 'Johnson', middle: '' },
    schools: [],
    given_name: 'John-Paul',
    family_name: 'Johnson',
    email_verified: false,
  };

  it('takes the multi-role sub, the name from given_name and family_name, the e-mail as Clever verifies it, the user type and the district', () => {
    expect(hooks.profileClaims!(answer)).toEqual({
      sub: '64f0e2926b100a053fc08e14',
      name: 'John-Paul Johnson',
      email: 'john-paul.johnson@example.edu',
      user_type: 'teacher',
      district: '64ef5e6c8d6b17762d094e48',
      email_verified: false,
    });
  });

  it('falls back on the name object’s first and last, and keeps no name or verification it was not given', () => {
    const { given_name: _given, family_name: _family, email_verified: _verified, ...rest } = answer;
    expect(hooks.profileClaims!({ ...rest, name: { first: ' Ada ', middle: 'B', last: 'Lovelace' } })).toMatchObject({ name: 'Ada Lovelace' });
    expect(hooks.profileClaims!({ sub: 'abc', name: { first: '', last: ' ' }, email: '' })).toEqual({ sub: 'abc' });
  });

  it.each([[{ user_id: '64f0e2876b100a053fbf9c6e' }], [{ sub: 42 }], [{ sub: ' ' }], [null], [[answer]]])('finds no one in %j', (body) => {
    expect(hooks.profileClaims!(body)).toBeUndefined();
  });
});
