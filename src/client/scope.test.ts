import { describe, expect, it } from 'vitest';
import { MAX_SCOPE_LENGTH, parseScope, unionScope } from './scope.js';

describe('parseScope', () => {
  it('takes space-separated scope tokens, any printable ASCII but space, quote and backslash', () => {
    expect(parseScope('openid  notes:read https://www.googleapis.com/auth/drive.readonly')).toEqual(['openid', 'notes:read', 'https://www.googleapis.com/auth/drive.readonly']);
    expect(parseScope("a!#$%&'()*+,-./:;<=>?@[]^_`{|}~z")).toEqual(["a!#$%&'()*+,-./:;<=>?@[]^_`{|}~z"]);
    expect(parseScope('a a b')).toEqual(['a', 'b']);
    expect(parseScope('')).toEqual([]);
  });

  it('refuses the characters RFC 6749 §3.3 leaves out, control characters, non-ASCII and overlong text', () => {
    for (const bad of ['a"b', 'a\\b', 'a\tb', 'a\nb', 'a\0b', 'é', 'a\x7fb', 'x'.repeat(MAX_SCOPE_LENGTH + 1)]) expect(parseScope(bad), JSON.stringify(bad)).toBeUndefined();
  });
});

describe('unionScope', () => {
  it('keeps every token once, in the order first seen, and skips nulls', () => {
    expect(unionScope('openid email', null, 'email profile', undefined, ' notes:read ')).toBe('openid email profile notes:read');
    expect(unionScope(null)).toBe('');
  });
});
