import { describe, expect, it } from 'vitest';
import { sap_cloud_identity } from './sap_cloud_identity.js';

const profileClaims = sap_cloud_identity.settings({ baseUrl: 'https://acme.accounts.ondemand.com' }).hooks!.profileClaims!;

describe('SAP Cloud Identity Services preset', () => {
  it("finds the tenant's discovery document with the client named, and calls the tenant, with offline_access and no consent prompt, and Basic", () => {
    const settings = sap_cloud_identity.settings({ baseUrl: 'https://acme.accounts.ondemand.com/' }, { clientId: 'a123456e-314a-4923-899c-05c535c3d7f9' });
    expect({ ...settings, hooks: undefined }).toEqual({
      discovery: { metadataUrl: 'https://acme.accounts.ondemand.com/.well-known/openid-configuration?client_id=a123456e-314a-4923-899c-05c535c3d7f9' },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://acme.accounts.ondemand.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
      hooks: undefined,
    });
  });

  it('reads first_name, last_name and mail as given_name, family_name and email', () => {
    expect(profileClaims({ sub: 'P123456', first_name: 'Dona', last_name: 'Moore', mail: 'dona.moore@example.com' })).toEqual({
      sub: 'P123456',
      first_name: 'Dona',
      last_name: 'Moore',
      mail: 'dona.moore@example.com',
      given_name: 'Dona',
      family_name: 'Moore',
      email: 'dona.moore@example.com',
    });
  });

  it('keeps the OpenID Connect names where the tenant sends them, and refuses an answer that is no object', () => {
    expect(profileClaims({ sub: 'P1', given_name: 'Ada', first_name: 'Other', email: 'ada@example.com', mail: 'old@example.com' })).toMatchObject({ given_name: 'Ada', email: 'ada@example.com' });
    expect(profileClaims([])).toBeUndefined();
    expect(profileClaims(null)).toBeUndefined();
  });
});
