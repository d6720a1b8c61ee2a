import { describe, expect, it } from 'vitest';
import { asgardeo } from './asgardeo.js';

describe('Asgardeo preset', () => {
  it("takes the organization's token endpoint URL as issuer and the organization as API, with no offline_access, no consent prompt, Basic, and no keep-alive for its one-day refresh tokens", () => {
    expect(asgardeo.settings({ tenant: 'bifrost' })).toEqual({
      discovery: { issuer: 'https://api.asgardeo.io/t/bifrost/oauth2/token' },
      scope: 'openid profile email',
      apiBaseUrl: 'https://api.asgardeo.io/t/bifrost',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
  });

  it("takes another region's host as the base URL", () => {
    const eu = asgardeo.settings({ tenant: 'bifrost', baseUrl: 'https://api.eu.asgardeo.io/' });
    expect(eu.discovery).toEqual({ issuer: 'https://api.eu.asgardeo.io/t/bifrost/oauth2/token' });
    expect(eu.apiBaseUrl).toBe('https://api.eu.asgardeo.io/t/bifrost');
  });

  it('with no organization (the issuer given alone), sets no API base', () => {
    expect(asgardeo.settings({})).not.toHaveProperty('apiBaseUrl');
  });
});
