import { describe, expect, it } from 'vitest';
import { absoluteTime, relativeTime } from './format.js';

describe('times on pages', () => {
  it('are relative in words', () => {
    expect(relativeTime(1000, 1000)).toBe('just now');
    expect(relativeTime(1000 + 240, 1000)).toBe('in 4 min');
    expect(relativeTime(1000 - 90, 1000)).toBe('2 min ago');
    expect(relativeTime(1000 + 7200, 1000)).toBe('in 2 h');
    expect(relativeTime(1000 - 3 * 86_400, 1000)).toBe('3 d ago');
  });

  it('and absolute in UTC', () => {
    expect(absoluteTime(0)).toBe('1970-01-01 00:00:00 UTC');
  });
});
