import { describe, expect, it } from 'vitest';
import { MAX_SCOPE_LENGTH, parseScope, sameScope, scopeKeepingOfflineAccess, unionScope } from './scope.js';

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

describe('sameScope and scopeKeepingOfflineAccess', () => {
  it('the same tokens in any order are the same scope; null and empty name none', () => {
    expect(sameScope('openid email', 'email  openid')).toBe(true);
    expect(sameScope(null, '')).toBe(true);
    expect(sameScope('openid email', 'openid')).toBe(false);
    expect(sameScope('openid openid', 'openid email')).toBe(false);
  });

  it('a new scope without the offline-access token the kept refresh token was granted with gets it back, and nothing else', () => {
    expect(scopeKeepingOfflineAccess('openid profile notes:read', 'openid profile offline_access notes:read notes:write')).toBe('openid profile notes:read offline_access');
    expect(scopeKeepingOfflineAccess('tweet.read', 'tweet.read offline.access')).toBe('tweet.read offline.access');
    expect(scopeKeepingOfflineAccess('openid', 'openid email')).toBe('openid');
    expect(scopeKeepingOfflineAccess(null, 'openid offline_access')).toBeNull();
  });
});
