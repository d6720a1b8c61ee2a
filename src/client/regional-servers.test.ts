import { describe, expect, it } from 'vitest';
import { atRegionalServer, listedRegionalServer, namedServer } from './regional-servers.js';

describe('atRegionalServer', () => {
  it("is the endpoint's path and query on the server's origin", () => {
    expect(atRegionalServer('https://api.datadoghq.com/oauth2/v1/token?x=1', 'https://api.datadoghq.eu/')).toBe('https://api.datadoghq.eu/oauth2/v1/token?x=1');
  });
});

describe('listedRegionalServer', () => {
  const settings = { regionalServers: ['https://api.datadoghq.eu', 'https://api.us3.datadoghq.com'] };

  it("is the origin of a listed server, whatever path it came with", () => {
    expect(listedRegionalServer(settings, 'https://api.datadoghq.eu/')).toBe('https://api.datadoghq.eu');
    expect(listedRegionalServer(settings, 'https://api.us3.datadoghq.com/oauth2')).toBe('https://api.us3.datadoghq.com');
  });

  it.each([['https://api.datadoghq.eu.evil.example'], ['http://api.datadoghq.eu'], ['https://user@evil.example'], ['api.datadoghq.eu'], ['not a url']])('is undefined for %s', (server) => {
    expect(listedRegionalServer(settings, server)).toBeUndefined();
  });
});

describe('namedServer (what a codeExchangeServer hook named, as a URL)', () => {
  const production = { allowInsecureHttp: false };
  const development = { allowInsecureHttp: true };

  it('is a URL as it came', () => {
    expect(namedServer(production, 'https://accounts.zoho.eu', 'https://accounts.zoho.com/oauth/v2/token')).toBe('https://accounts.zoho.eu');
    expect(namedServer(development, 'http://127.0.0.1:4000', 'http://127.0.0.1:3999/token')).toBe('http://127.0.0.1:4000');
  });

  it('is a host alone on https, or on http only in development with an http token endpoint', () => {
    expect(namedServer(production, 'api.datadoghq.eu', 'https://api.datadoghq.com/oauth2/v1/token')).toBe('https://api.datadoghq.eu');
    expect(namedServer(production, 'api.dd.localhost:4000', 'http://api.dd.localhost:3999/oauth2/v1/token')).toBe('https://api.dd.localhost:4000');
    expect(namedServer(development, 'api.dd.localhost:4000', 'https://api.datadoghq.com/oauth2/v1/token')).toBe('https://api.dd.localhost:4000');
    expect(namedServer(development, 'api.dd.localhost:4000', 'http://api.dd.localhost:3999/oauth2/v1/token')).toBe('http://api.dd.localhost:4000');
    expect(namedServer(development, 'api.dd.localhost:4000', undefined)).toBe('https://api.dd.localhost:4000');
  });

  it.each([['api.datadoghq.eu/path'], ['evil.example@api.datadoghq.eu'], ['api.datadoghq.eu?x'], ['api datadoghq eu'], ['']])('leaves %j as it came, for listedRegionalServer to refuse', (named) => {
    expect(namedServer(production, named, 'https://api.datadoghq.com/oauth2/v1/token')).toBe(named);
    expect(listedRegionalServer({ regionalServers: ['https://api.datadoghq.eu'] }, namedServer(production, named, undefined))).toBeUndefined();
  });
});
