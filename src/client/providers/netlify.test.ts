import { describe, expect, it } from 'vitest';
import { netlify } from './netlify.js';

const hooks = netlify.settings({}).hooks!;

describe('netlify profileClaims: /api/v1/user', () => {
  it('takes the id, the full name, the e-mail and the uid, and leaves the rest', () => {
    const user = { id: '5d4f6c1e2a3b4c5d6e7f8091', uid: 'a1b2c3', full_name: 'Ada Lovelace', avatar_url: 'https://example.com/a.png', email: 'ada@example.com', site_count: 3 };
    expect(hooks.profileClaims!(user)).toEqual({ id: '5d4f6c1e2a3b4c5d6e7f8091', full_name: 'Ada Lovelace', email: 'ada@example.com', uid: 'a1b2c3' });
  });

  it('leaves out an empty name and e-mail', () => {
    expect(hooks.profileClaims!({ id: 'abc', full_name: ' ', email: '' })).toEqual({ id: 'abc' });
  });

  it.each([[{ full_name: 'No Id' }], [{ id: 42 }], [{ id: '' }], [null], [[{ id: 'abc' }]]])('finds no one in %j', (body) => {
    expect(hooks.profileClaims!(body)).toBeUndefined();
  });
});
