import { describe, expect, it } from 'vitest';

import { authenticate, claimsOf, DEMO_ACCOUNTS, findAccountBySub } from './accounts.js';

describe('demo accounts', () => {
  it('have subject identifiers that never change', () => {
    // Data keyed by (provider, sub) must survive restarts and other machines.
    expect(DEMO_ACCOUNTS.map(({ username, sub }) => [username, sub])).toEqual([
      ['alice', 'f0162afdb7a70b3a067d78170360faeb'],
      ['bob', expect.stringMatching(/^[0-9a-f]{32}$/)],
      ['mallory', expect.stringMatching(/^[0-9a-f]{32}$/)],
    ]);
    expect(new Set(DEMO_ACCOUNTS.map((account) => account.sub)).size).toBe(3);
  });

  it('are alice, bob and mallory, each with the username as password', () => {
    expect(DEMO_ACCOUNTS.map(({ username, password, name, email }) => ({ username, password, name, email }))).toEqual([
      { username: 'alice', password: 'alice', name: 'Alice Liddell', email: 'alice@example.test' },
      { username: 'bob', password: 'bob', name: 'Bob Builder', email: 'bob@example.test' },
      { username: 'mallory', password: 'mallory', name: '<img src=x onerror=alert(1)>', email: 'mallory@example.test' },
    ]);
  });

  it('authenticate accepts the right password only', () => {
    expect(authenticate('alice', 'alice')?.username).toBe('alice');
    expect(authenticate(' Alice ', 'alice')?.username).toBe('alice');
    expect(authenticate('alice', 'bob')).toBeUndefined();
    expect(authenticate('alice', '')).toBeUndefined();
    expect(authenticate('nobody', 'nobody')).toBeUndefined();
  });

  it('give standard claims and are found by sub', () => {
    const bob = DEMO_ACCOUNTS[1]!;
    expect(findAccountBySub(bob.sub)).toBe(bob);
    expect(findAccountBySub('unknown')).toBeUndefined();
    expect(claimsOf(bob)).toEqual({
      sub: bob.sub,
      name: 'Bob Builder',
      preferred_username: 'bob',
      email: 'bob@example.test',
      email_verified: true,
    });
  });
});
