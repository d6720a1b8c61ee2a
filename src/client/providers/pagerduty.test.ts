import { describe, expect, it } from 'vitest';
import { pagerduty } from './pagerduty.js';

const { profileClaims } = pagerduty.settings({}).hooks!;

describe('pagerduty profileClaims: /users/me', () => {
  it("takes the user's id, name, e-mail and avatar", () => {
    expect(profileClaims!({ user: { id: 'PXPGF42', type: 'user', name: 'Earline Greenholt', email: 'earline@example.com', avatar_url: 'https://secure.gravatar.com/avatar/1?d=mm', role: 'admin' } })).toEqual({
      id: 'PXPGF42',
      name: 'Earline Greenholt',
      email: 'earline@example.com',
      picture: 'https://secure.gravatar.com/avatar/1?d=mm',
    });
  });

  it('leaves out an empty name, e-mail or avatar', () => {
    expect(profileClaims!({ user: { id: 'PXPGF42', name: ' ', email: '', avatar_url: null } })).toEqual({ id: 'PXPGF42' });
  });

  it.each([[{ id: 'PXPGF42' }], [{ user: { id: 42 } }], [{ user: { id: '' } }], [{ user: null }], [{ error: { message: 'Unauthorized', code: 2006 } }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
