import { describe, expect, it } from 'vitest';
import { asana } from './asana.js';

const hooks = asana.settings({}).hooks!;

describe('asana profileClaims: the user under `data`', () => {
  it('takes the user from data', () => {
    expect(hooks.profileClaims!({ data: { gid: '12345', name: 'Greg Sanchez', email: 'gsanchez@example.com', resource_type: 'user' } })).toEqual({
      gid: '12345',
      name: 'Greg Sanchez',
      email: 'gsanchez@example.com',
      resource_type: 'user',
    });
  });

  it.each([[{ gid: '12345' }], [{ data: null }], [{ data: [] }], [null], ['text']])('finds no profile in %j', (body) => {
    expect(hooks.profileClaims!(body)).toBeUndefined();
  });
});
