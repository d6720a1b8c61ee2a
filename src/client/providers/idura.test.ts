import { describe, expect, it } from 'vitest';
import { idura } from './idura.js';

describe('Idura Verify preset', () => {
  it("makes the issuer and the API from the Idura domain, with openid alone and Basic, and sends no acr_values (the person picks the eID)", () => {
    expect(idura.settings({ domain: 'acme-corp.idura.broker' })).toEqual({
      discovery: { issuer: 'https://acme-corp.idura.broker' },
      scope: 'openid',
      apiBaseUrl: 'https://acme-corp.idura.broker',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it("takes an older criipto.id domain or the tenant's own DNS domain as the issuer's host too", () => {
    expect(idura.settings({ domain: 'acme-corp.criipto.id' }).discovery).toEqual({ issuer: 'https://acme-corp.criipto.id' });
    expect(idura.settings({ domain: 'login.acme.dk' }).discovery).toEqual({ issuer: 'https://login.acme.dk' });
  });

  it('leaves Basic form-encoded (RFC 6749 §2.3.1), as Idura asks, and PKCE on', () => {
    const settings = idura.settings({ domain: 'acme-corp.idura.broker' });
    expect(settings.basicCredentials).toBeUndefined();
    expect(settings.pkce).toBeUndefined();
  });
});
