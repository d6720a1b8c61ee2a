import { describe, expect, it } from 'vitest';
import { describeClockSkew, describeError } from './doctor-checks.js';

describe('the clock check', () => {
  it.each([
    [0, 'ok', "within 60 s of github's (its Date header)"],
    [-60.4, 'ok', "within 60 s of github's (its Date header)"],
    [61, 'warn', "this machine's clock is 61 s behind github's (its Date header): token and ID token expiries will be off; check NTP"],
    [-119, 'warn', "this machine's clock is 119 s ahead of github's (its Date header): token and ID token expiries will be off; check NTP"],
    [-7260, 'warn', "this machine's clock is 121 min ahead of github's (its Date header): token and ID token expiries will be off; check NTP"],
  ])('a provider %d s ahead: %s', (skew, status, detail) => {
    expect(describeClockSkew(skew, 'github')).toEqual({ status, check: 'clock github', detail });
  });
});

describe('errors in a check line', () => {
  it('carry the system code found underneath, once', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    expect(describeError(new Error('Toolkit could not be reached for the discovery.', { cause: refused }))).toBe('Toolkit could not be reached for the discovery. (ECONNREFUSED)');
    expect(describeError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toBe('connect ECONNREFUSED 127.0.0.1:9');
    expect(describeError('plain')).toBe('plain');
  });
});
