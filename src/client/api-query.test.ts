import { describe, expect, it } from 'vitest';
import { withAccessTokenParameter, withApiQueryParameters, withoutTokenInAnswer } from './api-query.js';

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

describe('withoutTokenInAnswer', () => {
  const answered = (headers: Record<string, string>, url: string) => {
    const response = new Response('{}', { status: 200, headers });
    Object.defineProperty(response, 'url', { value: url });
    return response;
  };

  it('drops each header that repeats the token, as sent or encoded, and keeps the others and the body', async () => {
    const response = answered({ link: '<https://api.example/v2/x?oauth_token=tok%2Fen&offset=20>; rel="next"', 'x-echo': 'tok/en', 'content-type': 'application/json' }, 'https://api.example/v2/x?oauth_token=tok%2Fen');
    const answer = withoutTokenInAnswer({ accessTokenParameter: 'oauth_token' }, response, 'tok/en');
    expect([...answer.headers.keys()]).toEqual(['content-type']);
    expect(await answer.text()).toBe('{}');
  });

  it('shows the URL that answered without the token parameter, however its name is encoded', () => {
    const response = answered({}, 'https://api.example/v2/x?v=20240101&oauth%5Ftoken=secret&limit=5');
    expect(withoutTokenInAnswer({ accessTokenParameter: 'oauth_token' }, response, 'secret').url).toBe('https://api.example/v2/x?v=20240101&limit=5');
  });

  it('gives the answer itself for a provider that takes the token in a header', () => {
    const response = answered({ 'x-echo': 'token' }, 'https://api.example/me');
    expect(withoutTokenInAnswer({}, response, 'token')).toBe(response);
  });
});
