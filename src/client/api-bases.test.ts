import { describe, expect, it } from 'vitest';
import { matchApiBase, parseApiBasePattern, type ApiBasePattern } from './api-bases.js';

const pattern = (text: string): ApiBasePattern => {
  const parsed = parseApiBasePattern(text);
  if (typeof parsed === 'string') throw new Error(`${text} ${parsed}`);
  return parsed;
};

describe('API base patterns', () => {
  it('refuse what is no base: another scheme, credentials, a query, a star anywhere but the whole first label, a star over a top-level domain', () => {
    expect(parseApiBasePattern('ftp://files.example.com')).toBe('is not an http(s) URL');
    expect(parseApiBasePattern('files.example.com')).toBe('is not an absolute http(s) URL');
    expect(parseApiBasePattern('https://user:pw@api.example.com')).toBe('may not hold a user name or password');
    expect(parseApiBasePattern('https://api.example.com/v1?key=1')).toBe('may not have a query or fragment');
    expect(parseApiBasePattern('https://api*.example.com')).toBe('may have a star only as its whole first label (https://*.example.com)');
    expect(parseApiBasePattern('https://*.*.example.com')).toBe('may have a star only as its whole first label (https://*.example.com)');
    expect(parseApiBasePattern('https://*.com')).toBe('names every host of a top-level domain (*.com); give a domain under it');
  });

  it('match an absolute URL by scheme, host, port and path prefix, and give the rest as written', () => {
    const patterns = [pattern('https://api.example.com/v2'), pattern('https://content.example.com'), pattern('https://*.googleapis.com')];
    expect(matchApiBase(patterns, 'https://api.example.com/v2/notes%2F1?x=1')).toEqual({ base: new URL('https://api.example.com/v2/'), rest: 'notes%2F1?x=1' });
    expect(matchApiBase(patterns, 'https://CONTENT.example.com:443/2/files/download')).toEqual({ base: new URL('https://content.example.com/'), rest: '2/files/download' });
    expect(matchApiBase(patterns, 'https://content.example.com')).toEqual({ base: new URL('https://content.example.com/'), rest: '' });
    expect(matchApiBase(patterns, 'https://sheets.googleapis.com/v4/spreadsheets/abc:batchUpdate')).toEqual({
      base: new URL('https://sheets.googleapis.com/'),
      rest: 'v4/spreadsheets/abc:batchUpdate',
    });
    for (const elsewhere of [
      'https://api.example.com/v1/notes',
      'https://api.example.com/v2',
      'http://api.example.com/v2/notes',
      'https://api.example.com:8443/v2/notes',
      'https://example.com/v2/notes',
      'https://googleapis.com/x',
      'https://a.b.googleapis.com/x',
      'https://evilgoogleapis.com/x',
      'https://sheets.googleapis.com.evil.example/x',
      'https://user@content.example.com/x',
      '//content.example.com/x',
    ]) {
      expect(matchApiBase(patterns, elsewhere), elsewhere).toBeUndefined();
    }
  });
});
