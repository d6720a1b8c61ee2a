import { describe, expect, it } from 'vitest';
import { imgur } from './imgur.js';

const { profileClaims } = imgur.settings({}).hooks!;

describe('imgur profileClaims: /3/account/me', () => {
  it("takes data's integer id as a string and the username (url) as the name", () => {
    expect(profileClaims!({ data: { id: 384077, url: 'joshTest', bio: 'A real hoopy frood', reputation: 15303.84, created: 1376951504, pro_expiration: false }, success: true, status: 200 })).toEqual({
      id: '384077',
      name: 'joshTest',
      preferred_username: 'joshTest',
    });
  });

  it('leaves out an empty username', () => {
    expect(profileClaims!({ data: { id: 7, url: ' ' }, success: true, status: 200 })).toEqual({ id: '7' });
  });

  it.each([[{ id: 384077, url: 'joshTest' }], [{ data: { id: '384077' } }], [{ data: { id: 0 } }], [{ data: { id: 1.5 } }], [{ data: null }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
