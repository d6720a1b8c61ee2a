import { describe, expect, it } from 'vitest';
import { connectionApiBase } from '../connection-api-base.js';
import type { ProviderSettings } from '../provider-settings.js';
import { wrike } from './wrike.js';

const settings = wrike.settings({});
const { authorizationScope, profileClaims } = settings.hooks!;

describe('wrike settings', () => {
  it('asks for its scopes comma-separated', () => {
    expect(authorizationScope!('wsReadOnly amReadOnlyUser')).toBe('wsReadOnly,amReadOnlyUser');
  });

  it("takes each connection's API base from the token answer's host, on wrike.com only", () => {
    const provider = { ...settings, name: 'wrike', displayName: 'Wrike', clientId: 'c', clientSecret: 's', scope: settings.scope!, allowInsecureHttp: false } as ProviderSettings;
    expect(connectionApiBase(provider, { access_token: 'a', host: 'app-eu.wrike.com' })).toBe('https://app-eu.wrike.com/api/v4');
    expect(() => connectionApiBase(provider, { host: 'wrike.com.evil.test' })).toThrow(expect.objectContaining({ code: 'provider_bad_response' }));
    expect(settings.connectionApiBase).toMatchObject({ userinfoPath: '/contacts?me=true' });
  });
});

describe('wrike profileClaims: the contact of /contacts?me=true', () => {
  const contacts = (contact: Record<string, unknown>) => ({ kind: 'contacts', data: [{ type: 'Person', me: true, ...contact }] });

  it('takes the id, the first and last names and the first profile’s e-mail', () => {
    const body = contacts({ id: 'KUAJ25LC', firstName: 'Ada', lastName: 'Lovelace', profiles: [{ accountId: 'IEAGIITR', email: 'ada@example.com', role: 'User', external: false, admin: false, owner: true }, { accountId: 'IEAX', email: 'ada@other.example' }] });
    expect(profileClaims!(body)).toEqual({ id: 'KUAJ25LC', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@example.com' });
  });

  it('leaves out empty names and a missing e-mail', () => {
    expect(profileClaims!(contacts({ id: 'KUAJ25LC', firstName: ' ', lastName: 'Solo', profiles: [] }))).toEqual({ id: 'KUAJ25LC', family_name: 'Solo' });
    expect(profileClaims!(contacts({ id: 'KUAJ25LC' }))).toEqual({ id: 'KUAJ25LC' });
  });

  it.each([[contacts({ id: '' })], [contacts({ id: 7 })], [{ data: [] }], [{ data: { id: 'KUAJ25LC' } }], [{ id: 'KUAJ25LC' }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
