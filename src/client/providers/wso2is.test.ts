import { describe, expect, it } from 'vitest';
import { wso2is } from './wso2is.js';

describe('WSO2 Identity Server preset', () => {
  it("takes the server's token endpoint URL as issuer and the server as API, with no offline_access, no consent prompt, and Basic", () => {
    expect(wso2is.settings({ baseUrl: 'https://is.acme.test:9443/' })).toEqual({
      discovery: { issuer: 'https://is.acme.test:9443/oauth2/token' },
      scope: 'openid profile email',
      apiBaseUrl: 'https://is.acme.test:9443',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
  });

  it('with the issuer given alone, sets no API base', () => {
    expect(wso2is.settings({})).not.toHaveProperty('apiBaseUrl');
  });
});
