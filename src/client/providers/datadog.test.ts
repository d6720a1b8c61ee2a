import { describe, expect, it } from 'vitest';
import { listedRegionalServer, namedServer } from '../regional-servers.js';
import { datadog } from './datadog.js';

const settings = datadog.settings({});
const { codeExchangeServer, profileClaims } = settings.hooks!;

describe('datadog codeExchangeServer: api.<domain> of the callback', () => {
  const server = (query: string) => codeExchangeServer!(new URLSearchParams(query));

  it("names the API host of the callback's domain, lower-cased, and none without a domain", () => {
    expect(server('code=c&state=s&domain=datadoghq.eu')).toBe('api.datadoghq.eu');
    expect(server('code=c&domain=US3.DatadogHQ.com')).toBe('api.us3.datadoghq.com');
    expect(server('code=c&state=s')).toBeUndefined();
  });

  it("is one of the preset's sites for each site's domain, and never for another host", () => {
    const at = (query: string) => listedRegionalServer(settings, namedServer({ allowInsecureHttp: false }, server(query)!, settings.endpoints!.tokenEndpoint));
    for (const domain of ['datadoghq.com', 'us3.datadoghq.com', 'us5.datadoghq.com', 'datadoghq.eu', 'ddog-gov.com', 'us2.ddog-gov.com', 'ap1.datadoghq.com', 'ap2.datadoghq.com']) {
      expect(at(`code=c&domain=${domain}`)).toBe(`https://api.${domain}`);
    }
    for (const domain of ['evil.example', 'datadoghq.eu.evil.example', 'datadoghq.eu@evil.example', 'evil.example/datadoghq.eu', 'evil.example#.datadoghq.eu', 'datadoghq.eu:8443', 'uk1.datadoghq.com', '']) {
      expect(at(`code=c&domain=${encodeURIComponent(domain)}`)).toBeUndefined();
    }
  });
});

describe('datadog profileClaims: /api/v2/current_user', () => {
  it("takes data.id with the name, e-mail and handle of data.attributes", () => {
    const body = {
      data: {
        type: 'users',
        id: '00000000-0000-feed-0000-000000000000',
        attributes: { name: 'Ada Lovelace', email: 'ada@example.com', handle: 'ada@example.com', status: 'Active', verified: true, disabled: false },
        relationships: { org: { data: { id: '4dee724d-00cc-11ea-a77b-570c9d03c6c5', type: 'orgs' } } },
      },
    };
    expect(profileClaims!(body)).toEqual({ id: '00000000-0000-feed-0000-000000000000', name: 'Ada Lovelace', email: 'ada@example.com', handle: 'ada@example.com' });
  });

  it('leaves out empty attributes, and names no one without an id', () => {
    expect(profileClaims!({ data: { id: 'u-1', attributes: { name: ' ', email: '' } } })).toEqual({ id: 'u-1' });
    expect(profileClaims!({ data: { attributes: { name: 'No Id' } } })).toBeUndefined();
    expect(profileClaims!({ data: { id: '' } })).toBeUndefined();
    expect(profileClaims!({ errors: ['Forbidden'] })).toBeUndefined();
  });
});

describe('datadog settings', () => {
  it('asks for no scope (the client has its scopes), sends the client in the form with PKCE, and gives each connection the API host of its site', () => {
    expect(settings.scope).toBe('');
    expect(settings.tokenEndpointAuthMethod).toBe('client_secret_post');
    expect(settings.pkce).not.toBe(false);
    expect(settings.apiBaseUrl).toBe('https://api.datadoghq.com');
    expect(settings.connectionApiBase).toEqual({ regionalServerPath: '' });
    expect(settings.regionalServers).toContain('https://api.datadoghq.eu');
  });
});
