import { describe, expect, it } from 'vitest';
import { absoluteTime, relativeTime } from './format.js';

describe('times on pages', () => {
  it('are relative in words', () => {
    expect(relativeTime(1000, 1000)).toBe('just now');
    expect(relativeTime(997, 1000)).toBe('just now');
    expect(relativeTime(1003, 1000)).toBe('in a few seconds');
    expect(relativeTime(1000 + 240, 1000)).toBe('in 4 min');
    expect(relativeTime(1000 - 90, 1000)).toBe('2 min ago');
    expect(relativeTime(1000 + 7200, 1000)).toBe('in 2 h');
    expect(relativeTime(1000 - 3 * 86_400, 1000)).toBe('3 d ago');
  });

  it('and absolute in UTC', () => {
    expect(absoluteTime(0)).toBe('1970-01-01 00:00:00 UTC');
    expect(absoluteTime(253_402_300_799)).toBe('9999-12-31 23:59:59 UTC');
  });

  it('show a time past the last a Date holds (a lifetime stored unbounded) as it is, without failing the page', () => {
    expect(absoluteTime(9_007_201_051_192_844)).toBe('9007201051192844 s after 1970, beyond any date');
    expect(absoluteTime(1e300)).toBe('1e+300 s after 1970, beyond any date');
  });
});
