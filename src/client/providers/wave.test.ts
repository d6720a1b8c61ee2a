import { describe, expect, it } from 'vitest';
import { wave } from './wave.js';

const { profileClaims } = wave.settings({}).hooks!;

describe('wave profileClaims: the GraphQL user query', () => {
  it('takes the user id, the first and last names and the default e-mail', () => {
    expect(
      profileClaims!({
        data: { user: { id: 'VXNlcjoxMjM0NTY3ODk=', firstName: 'Ada', lastName: 'Lovelace', defaultEmail: 'ada@example.com', createdAt: '2023-01-10T15:00:00Z', modifiedAt: '2024-12-01T09:00:00Z' } },
      }),
    ).toEqual({ id: 'VXNlcjoxMjM0NTY3ODk=', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@example.com' });
  });

  it('leaves out empty or missing names and e-mail', () => {
    expect(profileClaims!({ data: { user: { id: 'VXNlcjoy', firstName: ' ', lastName: 'Solo', defaultEmail: null } } })).toEqual({ id: 'VXNlcjoy', family_name: 'Solo' });
  });

  it.each([
    [{ user: { id: 'VXNlcjox' } }],
    [{ data: { user: null } }],
    [{ data: { user: { id: 42 } } }],
    [{ data: { user: { id: ' ' } } }],
    [{ data: null, errors: [{ message: 'Unauthorized', extensions: { code: 'UNAUTHENTICATED' } }] }],
    [null],
    [[]],
  ])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
