import { describe, expect, it } from 'vitest';
import { connectReturnOrigins } from './connect-return-origins.js';

const BASE = new URL('https://keeper.example.com');

describe('CONNECT_RETURN_ORIGINS', () => {
  it("defaults to BASE_URL's origin alone", () => {
    expect(connectReturnOrigins({}, BASE, true)).toEqual(['https://keeper.example.com']);
    expect(connectReturnOrigins({ CONNECT_RETURN_ORIGINS: '  ' }, BASE, true)).toEqual(['https://keeper.example.com']);
  });

  it('takes comma-separated origins, spaces around them allowed', () => {
    expect(connectReturnOrigins({ CONNECT_RETURN_ORIGINS: 'https://app.example.com, http://localhost:5173' }, BASE, false)).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it('refuses what is not exactly an origin, naming the variable and the fix', () => {
    const refusal = (value: string, production = false) => {
      try {
        connectReturnOrigins({ CONNECT_RETURN_ORIGINS: value }, BASE, production);
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal('https://app.example.com/')).toMatch(/CONNECT_RETURN_ORIGINS .*without a path.*write "https:\/\/app.example.com"/);
    expect(refusal('https://app.example.com/done')).toMatch(/CONNECT_RETURN_ORIGINS .*without a path/);
    expect(refusal('https://App.example.com')).toMatch(/in lower case/);
    expect(refusal('https://app.example.com:443')).toMatch(/default port/);
    expect(refusal('app.example.com')).toMatch(/CONNECT_RETURN_ORIGINS must list/);
    expect(refusal('ftp://app.example.com')).toMatch(/http\(s\) origins/);
    expect(refusal('https://a.example,,https://b.example')).toMatch(/empty entry/);
    expect(refusal('http://app.example.com', true)).toMatch(/https in production/);
  });
});
