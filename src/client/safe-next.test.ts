import { describe, expect, it } from 'vitest';
import { safeNextPath } from './safe-next.js';

const base = new URL('http://localhost:3000');

describe('next after sign-in', () => {
  it.each([
    ['/account', '/account'],
    ['/account?tab=tokens#top', '/account?tab=tokens#top'],
    ['/a/../account', '/account'],
  ])('keeps the same-origin path %s', (next, expected) => {
    expect(safeNextPath(next, base)).toBe(expected);
  });

  it.each([
    '//evil.com',
    'https://evil.com',
    'http://localhost:3000.evil.com/',
    '/\\evil.com',
    '\\\\evil.com',
    'javascript:alert(1)',
    '/%2fevil.com',
    '/%5Cevil.com',
    '/\t/evil.com',
    '/\n/evil.com',
    '/.//evil.com/path',
    '/a/..//evil.com',
    '/%2e%2e//evil.com',
    '/%2E//evil.com',
    '/a/b/../..//evil.com',
    '/./%2fevil.com',
    'evil.com',
    '',
    undefined,
    ['/a', '/b'],
    'x'.repeat(3000),
  ])('sends %j to /', (next) => {
    expect(safeNextPath(next, base)).toBe('/');
  });
});
