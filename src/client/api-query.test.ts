import { describe, expect, it } from 'vitest';
import { withAccessTokenParameter, withApiQueryParameters } from './api-query.js';

const settings = { apiQueryParameters: { key: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' } };

describe('withApiQueryParameters', () => {
  it('adds each fixed parameter after the query, keeping the rest as it was encoded, and leaves the caller its URL', () => {
    const url = new URL('https://api.example/api/v4/systems?page=2&sort_by=-id&q=a%20b+c');
    expect(withApiQueryParameters(settings, url).search).toBe('?page=2&sort_by=-id&q=a%20b+c&key=0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    expect(url.search).toBe('?page=2&sort_by=-id&q=a%20b+c');
    expect(withApiQueryParameters(settings, new URL('https://api.example/api/v4/systems')).search).toBe('?key=0f1e2d3c4b5a69788796a5b4c3d2e1f0');
  });

  it("replaces a caller's own value, however its name is encoded, and encodes the value given", () => {
    const url = new URL('https://api.example/systems?key=theirs&%6Bey=again&size=5');
    expect(withApiQueryParameters(settings, url).search).toBe('?size=5&key=0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    expect(withApiQueryParameters({ apiQueryParameters: { 'api key': 'a+b/c=' } }, new URL('https://api.example/x')).search).toBe('?api%20key=a%2Bb%2Fc%3D');
  });

  it('leaves the URL alone for a provider without fixed parameters', () => {
    const url = new URL('https://api.example/me?key=theirs');
    expect(withApiQueryParameters({}, url)).toBe(url);
    expect(withApiQueryParameters({ apiQueryParameters: {} }, url)).toBe(url);
  });
});

describe('withAccessTokenParameter', () => {
  it("puts the token in the provider's parameter in place of a caller's own, and leaves the caller its URL", () => {
    const url = new URL('https://api.example/v2/users/self?oauth_token=theirs&v=20240101');
    expect(withAccessTokenParameter({ accessTokenParameter: 'oauth_token' }, url, 'tok/en+1').search).toBe('?v=20240101&oauth_token=tok%2Fen%2B1');
    expect(url.search).toBe('?oauth_token=theirs&v=20240101');
  });

  it('leaves the URL alone for a provider that takes the token in a header', () => {
    const url = new URL('https://api.example/me?oauth_token=theirs');
    expect(withAccessTokenParameter({}, url, 'token')).toBe(url);
  });
});
