import { describe, expect, it } from 'vitest';
import { connectionApiBase, profileApiBase } from './connection-api-base.js';
import type { ProviderSettings } from './provider-settings.js';

function settings(overrides: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    name: 'sf',
    displayName: 'Salesforce',
    clientId: 'id',
    clientSecret: 'secret',
    tokenEndpointAuthMethod: 'client_secret_post',
    scope: 'api',
    connectionApiBase: { member: 'instance_url', domains: ['salesforce.com', 'force.com'] },
    allowInsecureHttp: false,
    ...overrides,
  };
}

const refused = { code: 'provider_bad_response', status: 502, message: 'Salesforce named an API origin (instance_url) outside its own domains; no token is sent there.' };

describe('connectionApiBase', () => {
  it('is null when the provider has no per-connection API, or the answer names none', () => {
    expect(connectionApiBase(settings({ connectionApiBase: undefined }), { instance_url: 'https://acme.my.salesforce.com' })).toBeNull();
    expect(connectionApiBase(settings(), {})).toBeNull();
  });

  it('accepts an https origin on one of the domains or their subdomains, without a trailing slash', () => {
    expect(connectionApiBase(settings(), { instance_url: 'https://acme.my.salesforce.com/' })).toBe('https://acme.my.salesforce.com');
    expect(connectionApiBase(settings(), { instance_url: 'https://force.com' })).toBe('https://force.com');
    expect(connectionApiBase(settings(), { instance_url: 'https://eu1.force.com/services//' })).toBe('https://eu1.force.com/services');
  });

  it.each([
    ['another domain', 'https://acme.example.com'],
    ['a look-alike domain', 'https://evilsalesforce.com'],
    ['a domain that only starts like one', 'https://salesforce.com.evil.test'],
    ['http', 'http://acme.my.salesforce.com'],
    ['credentials in the URL', 'https://user:pass@acme.my.salesforce.com'],
    ['a user name alone in the URL', 'https://user@acme.my.salesforce.com'],
    ['something that is no URL', 'acme.my.salesforce.com'],
    ['another scheme', 'ftp://acme.my.salesforce.com'],
    ['a query', 'https://acme.my.salesforce.com/?next=https://evil.test'],
    ['a fragment', 'https://acme.my.salesforce.com/#evil.test'],
  ])('refuses %s', (_name, value) => {
    expect(() => connectionApiBase(settings(), { instance_url: value })).toThrow(expect.objectContaining(refused));
  });

  it('refuses a value that is not a string', () => {
    expect(() => connectionApiBase(settings(), { instance_url: 42 })).toThrow(expect.objectContaining(refused));
    expect(() => connectionApiBase(settings(), { instance_url: null })).toThrow(expect.objectContaining(refused));
  });

  it('accepts http only where the provider may use http (development)', () => {
    expect(connectionApiBase(settings({ allowInsecureHttp: true }), { instance_url: 'http://acme.my.salesforce.com' })).toBe('http://acme.my.salesforce.com');
  });
});

describe('connectionApiBase from a member naming a host alone (hostPath)', () => {
  const wrike = (overrides: Partial<ProviderSettings> = {}) =>
    settings({ displayName: 'Wrike', connectionApiBase: { member: 'host', domains: ['wrike.com'], hostPath: '/api/v4' }, ...overrides });
  const refusedHost = { code: 'provider_bad_response', status: 502, message: 'Wrike named an API origin (host) outside its own domains; no token is sent there.' };

  it('is https://{host}{hostPath} for a host on the domains, a port kept', () => {
    expect(connectionApiBase(wrike(), { host: 'www.wrike.com' })).toBe('https://www.wrike.com/api/v4');
    expect(connectionApiBase(wrike(), { host: 'app-eu.wrike.com' })).toBe('https://app-eu.wrike.com/api/v4');
    expect(connectionApiBase(wrike(), { host: 'app-eu.wrike.com:8443' })).toBe('https://app-eu.wrike.com:8443/api/v4');
    expect(connectionApiBase(wrike(), {})).toBeNull();
  });

  it('is http only in development with an http API base configured', () => {
    const local = { connectionApiBase: { member: 'host', domains: ['wrike.com', '127.0.0.1'], hostPath: '/api/v4' } };
    expect(connectionApiBase(wrike({ ...local, allowInsecureHttp: true, apiBaseUrl: 'http://127.0.0.1:4000/api/v4' }), { host: '127.0.0.1:4000' })).toBe('http://127.0.0.1:4000/api/v4');
    expect(connectionApiBase(wrike({ ...local, allowInsecureHttp: false, apiBaseUrl: 'http://127.0.0.1:4000/api/v4' }), { host: '127.0.0.1:4000' })).toBe('https://127.0.0.1:4000/api/v4');
    expect(connectionApiBase(wrike({ ...local, allowInsecureHttp: true }), { host: '127.0.0.1:4000' })).toBe('https://127.0.0.1:4000/api/v4');
  });

  it.each([['https://www.wrike.com'], ['www.wrike.com/api'], ['evil.test@www.wrike.com'], ['www.wrike.com?x=1'], ['www.wrike.com.evil.test'], ['wrike.com.'], [''], [42], [null]])('refuses %j', (host) => {
    expect(() => connectionApiBase(wrike(), { host })).toThrow(expect.objectContaining(refusedHost));
  });
});

describe('connectionApiBase from the callback (a parameter beside the code)', () => {
  const quickbooks = settings({
    displayName: 'QuickBooks',
    apiBaseUrl: 'https://quickbooks.api.intuit.com/v3/company/',
    connectionApiBase: { callbackParameter: 'realmId', pattern: /[0-9]{1,32}/, idTokenClaim: 'realmid' },
  });
  const signIn = (query: string, idClaims: Record<string, unknown> = {}) => ({ parameters: new URLSearchParams(query), idClaims });
  const refusedCallback = { code: 'invalid_callback', status: 400 };

  it('is the configured API base with the value as one more path segment', () => {
    expect(connectionApiBase(quickbooks, {}, signIn('code=c&state=s&realmId=9130348651845276'))).toBe('https://quickbooks.api.intuit.com/v3/company/9130348651845276');
    expect(connectionApiBase(quickbooks, {}, signIn('code=c&realmId=42', { realmid: '42' }))).toBe('https://quickbooks.api.intuit.com/v3/company/42');
  });

  it('is null on a refresh, which keeps the base the connection has', () => {
    expect(connectionApiBase(quickbooks, { realmId: '42' })).toBeNull();
  });

  it.each([
    ['missing', 'code=c&state=s'],
    ['given twice', 'code=c&realmId=42&realmId=43'],
    ['a path', 'code=c&realmId=42%2F..%2F..%2Fother'],
    ['not matching the pattern in full', 'code=c&realmId=42abc'],
    ['empty', 'code=c&realmId='],
  ])('refuses a value %s: 400, nothing kept', (_name, query) => {
    expect(() => connectionApiBase(quickbooks, {}, signIn(query))).toThrow(expect.objectContaining(refusedCallback));
  });

  it('refuses a value other than the one the ID token names', () => {
    expect(() => connectionApiBase(quickbooks, {}, signIn('code=c&realmId=43', { realmid: '42' }))).toThrow(expect.objectContaining({ ...refusedCallback, message: expect.stringContaining("named another realmId than QuickBooks's ID token") }));
  });
});

describe('connectionApiBase at the regional server the code was exchanged at (regionalServerPath)', () => {
  const datadog = settings({
    displayName: 'Datadog',
    apiBaseUrl: 'https://api.datadoghq.com',
    regionalServers: ['https://api.datadoghq.eu', 'https://api.us3.datadoghq.com'],
    connectionApiBase: { regionalServerPath: '' },
  });
  const signIn = (regionalServer?: string) => ({ parameters: new URLSearchParams('code=c&state=s&domain=datadoghq.eu'), idClaims: {}, ...(regionalServer ? { regionalServer } : {}) });

  it("is that server's origin and the rule's path, without a trailing slash", () => {
    expect(connectionApiBase(datadog, {}, signIn('https://api.datadoghq.eu'))).toBe('https://api.datadoghq.eu');
    expect(connectionApiBase(datadog, {}, signIn('https://api.us3.datadoghq.com/'))).toBe('https://api.us3.datadoghq.com');
    const withPath = settings({ ...datadog, connectionApiBase: { regionalServerPath: '/api/2.0/' } });
    expect(connectionApiBase(withPath, {}, signIn('https://api.datadoghq.eu'))).toBe('https://api.datadoghq.eu/api/2.0');
  });

  it('is null for a connection made at the configured server (its base is apiBaseUrl), and on a refresh, which keeps the base the connection has', () => {
    expect(connectionApiBase(datadog, {}, signIn())).toBeNull();
    expect(connectionApiBase(datadog, { api_domain: 'https://api.datadoghq.eu' })).toBeNull();
  });

  it('takes nothing the token answer or the callback names: only the server the code went to', () => {
    const answer = { instance_url: 'https://evil.example', domain: 'evil.example' };
    expect(connectionApiBase(datadog, answer, { parameters: new URLSearchParams('domain=evil.example'), idClaims: {}, regionalServer: 'https://api.datadoghq.eu' })).toBe('https://api.datadoghq.eu');
  });
});

describe('profileApiBase (a base the user API names, at sign-in)', () => {
  const mailchimp = settings({ displayName: 'Mailchimp', connectionApiBase: { profileMember: 'api_base', domains: ['api.mailchimp.com'] } });
  const refusedOrigin = { code: 'provider_bad_response', status: 502, message: 'Mailchimp named an API origin (api_base) outside its own domains; no token is sent there.' };

  it('is the member checked as a token response member is, without a trailing slash', () => {
    expect(profileApiBase(mailchimp, { api_base: 'https://us6.api.mailchimp.com/3.0/' })).toBe('https://us6.api.mailchimp.com/3.0');
  });

  it('is null for a provider whose rule is another, and the token answer or a refresh names none for this rule', () => {
    expect(profileApiBase(settings(), { api_base: 'https://us6.api.mailchimp.com' })).toBeNull();
    expect(connectionApiBase(mailchimp, { api_base: 'https://us6.api.mailchimp.com' })).toBeNull();
  });

  it.each([
    ['another domain', 'https://collector.example.net/3.0'],
    ['a host that only ends like one', 'https://evilapi.mailchimp.com/3.0'],
    ['the domain as a path', 'https://collector.example.net/us6.api.mailchimp.com/3.0'],
    ['the domain as credentials', 'https://us6.api.mailchimp.com@collector.example.net/3.0'],
    ['a backslash before the host', 'https://collector.example.net\\.api.mailchimp.com/3.0'],
    ['http', 'http://us6.api.mailchimp.com/3.0'],
    ['a query', 'https://us6.api.mailchimp.com/3.0?x=1'],
    ['no URL', 'us6.api.mailchimp.com'],
  ])('refuses %s: 502, no token sent there', (_name, value) => {
    expect(() => profileApiBase(mailchimp, { api_base: value })).toThrow(expect.objectContaining(refusedOrigin));
  });

  it('refuses a profile that names none, since the connection would have no API', () => {
    for (const api_base of [undefined, null, '']) {
      expect(() => profileApiBase(mailchimp, { api_base })).toThrow(expect.objectContaining({ code: 'provider_bad_response', message: 'Mailchimp did not name an API origin (api_base) for this connection; nothing was kept.' }));
    }
    expect(() => profileApiBase(mailchimp, { api_base: 42 })).toThrow(expect.objectContaining(refusedOrigin));
  });
});
