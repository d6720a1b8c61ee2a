import { describe, expect, it } from 'vitest';
import { originForm } from './request-target.js';

describe('a request target in origin form', () => {
  it('keeps the origin form, and takes the path and query of the absolute form (RFC 9112 §3.2.2)', () => {
    expect(originForm('/connect/abc?x=1')).toBe('/connect/abc?x=1');
    expect(originForm('http://app.example.com/connect/abc?x=1')).toBe('/connect/abc?x=1');
    expect(originForm('https://user@app.example.com:8443/a/b')).toBe('/a/b');
    expect(originForm('http://app.example.com?x=1')).toBe('/?x=1');
    expect(originForm('http://app.example.com')).toBe('/');
    expect(originForm('*')).toBe('*');
  });
});
