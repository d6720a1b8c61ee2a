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

describe('listedRegionalServer with a pattern (https://*. and a domain)', () => {
  const settings = { regionalServers: ['https://*.retail.lightspeed.app', 'https://accounts.zoho.eu'] };
  const withPort = { regionalServers: ['https://*.retail.lightspeed.app:8443'] };
  const local = { regionalServers: ['http://*.localhost:4000'] };

  it('lists each host of exactly one label under the domain, lower-cased, on its scheme and port', () => {
    expect(listedRegionalServer(settings, 'https://acme.retail.lightspeed.app')).toBe('https://acme.retail.lightspeed.app');
    expect(listedRegionalServer(settings, 'https://ACME-store-2.Retail.Lightspeed.app/api/1.0/token')).toBe('https://acme-store-2.retail.lightspeed.app');
    expect(listedRegionalServer(settings, 'https://acme.retail.lightspeed.app:443')).toBe('https://acme.retail.lightspeed.app');
    expect(listedRegionalServer(withPort, 'https://acme.retail.lightspeed.app:8443')).toBe('https://acme.retail.lightspeed.app:8443');
    expect(listedRegionalServer(local, 'http://acme.localhost:4000')).toBe('http://acme.localhost:4000');
    expect(listedRegionalServer(settings, 'https://accounts.zoho.eu')).toBe('https://accounts.zoho.eu');
  });

  it.each([
    ['two labels', 'https://a.b.retail.lightspeed.app'],
    ['an encoded dot making two labels', 'https://a%2eb.retail.lightspeed.app'],
    ['an empty label', 'https://.retail.lightspeed.app'],
    ['the domain itself', 'https://retail.lightspeed.app'],
    ['another suffix', 'https://acme.retail.lightspeed.app.evil.example'],
    ['a look-alike domain', 'https://acme.evilretail.lightspeed.app'],
    ['a trailing dot', 'https://acme.retail.lightspeed.app.'],
    ['an underscore', 'https://ac_me.retail.lightspeed.app'],
    ['a label that ends with a hyphen', 'https://acme-.retail.lightspeed.app'],
    ['a user name', 'https://evil@acme.retail.lightspeed.app'],
    ['a user name and password', 'https://evil:pw@acme.retail.lightspeed.app'],
    ['http', 'http://acme.retail.lightspeed.app'],
    ['a port the pattern does not have', 'https://acme.retail.lightspeed.app:8443'],
    ['the pattern itself', 'https://*.retail.lightspeed.app'],
    ['a host alone', 'acme.retail.lightspeed.app'],
  ])('does not list %s', (_name, server) => {
    expect(listedRegionalServer(settings, server)).toBeUndefined();
  });

  it('lists no host on another port than the pattern\'s, nor https for an http pattern', () => {
    expect(listedRegionalServer(withPort, 'https://acme.retail.lightspeed.app')).toBeUndefined();
    expect(listedRegionalServer(local, 'http://acme.localhost:4001')).toBeUndefined();
    expect(listedRegionalServer(local, 'https://acme.localhost:4000')).toBeUndefined();
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
