import { describe, expect, it } from 'vitest';
import { bentley } from './bentley.js';

const { profileClaims } = bentley.settings({}).hooks!;

describe('bentley profileClaims: /users/me', () => {
  it("takes the id, the given name and surname (joined as the name), the e-mail and the organization's name", () => {
    expect(
      profileClaims!({
        user: { id: '00000000-0000-0000-0000-000000000001', displayName: 'John.Smith@example.com', givenName: 'John', surname: 'Smith', email: 'John.Smith@example.com', organizationName: 'Example Organization', country: 'US' },
      }),
    ).toEqual({ id: '00000000-0000-0000-0000-000000000001', name: 'John Smith', given_name: 'John', family_name: 'Smith', email: 'John.Smith@example.com', organization_name: 'Example Organization' });
  });

  it('falls back on displayName without names, and leaves out empty members', () => {
    expect(profileClaims!({ user: { id: 'u-1', displayName: 'Jo', givenName: ' ', email: '' } })).toEqual({ id: 'u-1', name: 'Jo' });
  });

  it.each([[{ id: 'u-1' }], [{ user: { email: 'a@b.c' } }], [{ user: { id: 7 } }], [{ error: { code: 'InvalidToken' } }], [null], [[]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
