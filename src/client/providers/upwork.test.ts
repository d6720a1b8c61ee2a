import { describe, expect, it } from 'vitest';
import { upwork } from './upwork.js';

const { profileClaims } = upwork.settings({}).hooks!;

describe('upwork profileClaims: the user of the GraphQL answer', () => {
  it('takes data.user: its id, and its name and e-mail trimmed', () => {
    expect(profileClaims!({ data: { user: { id: '~01a2b3c4d5e6f7a8b9', name: ' Ada Lovelace ', email: 'ada@upwork.test' } } })).toEqual({ id: '~01a2b3c4d5e6f7a8b9', name: 'Ada Lovelace', email: 'ada@upwork.test' });
  });

  it('leaves out a name or e-mail that is not text', () => {
    expect(profileClaims!({ data: { user: { id: '1484254785678', name: null, email: '' } } })).toEqual({ id: '1484254785678' });
  });

  it.each([
    [{ data: null, errors: [{ message: 'Authentication failed' }] }],
    [{ data: { user: null } }],
    [{ data: { user: { id: 42, name: 'Numeric Id' } } }],
    [{ data: { user: { id: '  ', name: 'Blank Id' } } }],
    [{ user: { id: 'x' } }],
    [null],
    [[]],
  ])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
