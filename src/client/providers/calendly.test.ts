import { describe, expect, it } from 'vitest';
import { calendly } from './calendly.js';

const { profileClaims } = calendly.settings({}).hooks!;

describe('calendly profileClaims: the user under resource', () => {
  it('takes resource', () => {
    const resource = { uri: 'https://api.calendly.com/users/AAAA', name: 'Ada', email: 'ada@calendly.test', slug: 'ada', current_organization: 'https://api.calendly.com/organizations/BBBB' };
    expect(profileClaims!({ resource })).toEqual(resource);
  });

  it.each([[{ title: 'Unauthenticated', message: 'The access token is invalid' }], [{ resource: null }], [{ resource: [] }], [null], [[]]])('finds no profile in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
