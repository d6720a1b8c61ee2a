import { describe, expect, it } from 'vitest';
import { id_porten } from './id_porten.js';

describe('id_porten settings', () => {
  it('production by default: discovery at idporten.no, openid profile, the client by Basic, the API under the issuer', () => {
    expect(id_porten.settings({})).toEqual({
      discovery: { issuer: 'https://idporten.no' },
      scope: 'openid profile',
      tokenEndpointAuthMethod: 'client_secret_basic',
      apiBaseUrl: 'https://idporten.no',
    });
  });

  it('the test environment by its base URL, trailing slashes dropped', () => {
    expect(id_porten.settings({ baseUrl: 'https://test.idporten.no//' })).toMatchObject({
      discovery: { issuer: 'https://test.idporten.no' },
      apiBaseUrl: 'https://test.idporten.no',
    });
  });

  it('leaves PKCE on, as the new ID-porten requires, and reads the subject from the ID token as it comes', () => {
    const settings = id_porten.settings({});
    expect(settings.pkce).toBeUndefined();
    expect(settings.subjectClaim).toBeUndefined();
    expect(settings.hooks).toBeUndefined();
  });
});
