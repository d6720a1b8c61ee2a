import { describe, expect, it } from 'vitest';
import { bearerTokenCheck } from './bearer-token.js';

const SECRET = 'metrics-secret-0123456789abcdef0123';

describe('bearerTokenCheck', () => {
  const check = bearerTokenCheck(SECRET);

  it('accepts the secret as a bearer token, whatever the case of the scheme', () => {
    expect(check(`Bearer ${SECRET}`)).toBe(true);
    expect(check(`bearer ${SECRET}`)).toBe(true);
    expect(check(`BEARER  ${SECRET} `)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['the scheme alone', 'Bearer '],
    ['another scheme', `Basic ${SECRET}`],
    ['the token without a scheme', SECRET],
    ['a prefix of the secret', `Bearer ${SECRET.slice(0, -1)}`],
    ['the secret and more', `Bearer ${SECRET}x`],
    ['a second value after it', `Bearer ${SECRET} other`],
    ['the secret in another case', `Bearer ${SECRET.toUpperCase()}`],
  ])('refuses %s', (_what, header) => {
    expect(check(header)).toBe(false);
  });

  it('an empty secret matches nothing, not even a missing header', () => {
    const empty = bearerTokenCheck('');
    expect([undefined, '', 'Bearer ', 'Bearer'].map(empty)).toEqual([false, false, false, false]);
  });
});
