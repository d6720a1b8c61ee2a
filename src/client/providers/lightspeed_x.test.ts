import { describe, expect, it } from 'vitest';
import { listedRegionalServer, namedServer } from '../regional-servers.js';
import { lightspeed_x } from './lightspeed_x.js';

const settings = lightspeed_x.settings({});
const { codeExchangeServer, profileClaims } = settings.hooks!;
const TOKEN_ENDPOINT = 'https://secure.retail.lightspeed.app/api/1.0/token';

describe('lightspeed_x codeExchangeServer: the store of the callback’s domain_prefix', () => {
  const server = (query: string, tokenEndpoint: string | undefined = TOKEN_ENDPOINT) => codeExchangeServer!(new URLSearchParams(query), tokenEndpoint);
  const listed = (query: string) => listedRegionalServer(settings, namedServer({ allowInsecureHttp: false }, server(query)!, TOKEN_ENDPOINT));

  it("names the store's host beside the token endpoint's, the prefix lower-cased", () => {
    expect(server('code=c&domain_prefix=acme&state=s')).toBe('acme.retail.lightspeed.app');
    expect(server('code=c&domain_prefix=Acme-Store-2')).toBe('acme-store-2.retail.lightspeed.app');
    expect(server('code=c&domain_prefix=acme', undefined)).toBe('acme.retail.lightspeed.app');
    expect(server('code=c&domain_prefix=acme', 'http://secure.retail.localhost:4000/api/1.0/token')).toBe('acme.retail.localhost:4000');
  });

  it('is one of the preset’s servers for a prefix of one DNS label, and never for anything else', () => {
    expect(listed('code=c&domain_prefix=acme')).toBe('https://acme.retail.lightspeed.app');
    expect(listed('code=c&domain_prefix=ACME')).toBe('https://acme.retail.lightspeed.app');
    for (const prefix of ['', 'a.b', 'evil.example/x', 'evil.example#', 'evil@example', 'acme:8443', 'acme.retail.lightspeed.app.evil', 'ac_me', '-acme', 'acme%2eevil']) {
      expect(listed(`code=c&domain_prefix=${encodeURIComponent(prefix)}`)).toBeUndefined();
    }
    expect(listed('code=c')).toBeUndefined();
  });
});

describe('lightspeed_x profileClaims: /api/2.0/retailer', () => {
  it('takes data.id with the name and domain prefix', () => {
    const body = { data: { id: '0adaafb3-6583-11e5-fb60-e7d6a8e51a2b', name: 'Acme Outfitters', domain_prefix: 'acme', currency: { code: 'NZD', symbol: '$' }, timezone: 'Pacific/Auckland' } };
    expect(profileClaims!(body)).toEqual({ id: '0adaafb3-6583-11e5-fb60-e7d6a8e51a2b', name: 'Acme Outfitters', domain_prefix: 'acme' });
  });

  it('names no one without an id', () => {
    expect(profileClaims!({ data: { name: 'No Id' } })).toBeUndefined();
    expect(profileClaims!({ error: 'Unauthorized' })).toBeUndefined();
    expect(profileClaims!({ data: { id: 'r-1', name: ' ' } })).toEqual({ id: 'r-1' });
  });
});

describe('lightspeed_x settings', () => {
  it('asks for retailer:read, the client in the form, each store on its own host under retail.lightspeed.app with its API at /api/2.0', () => {
    expect(settings.scope).toBe('retailer:read');
    expect(settings.tokenEndpointAuthMethod).toBe('client_secret_post');
    expect(settings.regionalServers).toEqual(['https://*.retail.lightspeed.app']);
    expect(settings.connectionApiBase).toEqual({ regionalServerPath: '/api/2.0' });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
  });
});
