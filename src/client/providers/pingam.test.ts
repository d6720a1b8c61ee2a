import { describe, expect, it } from 'vitest';
import { pingam } from './pingam.js';

describe('PingAM preset', () => {
  it("takes the realm's OAuth 2.0 URL under the deployment as issuer and API, with no offline_access and Basic", () => {
    expect(pingam.settings({ baseUrl: 'https://am.example.com:8443/am/', realm: 'alpha' })).toEqual({
      discovery: { issuer: 'https://am.example.com:8443/am/oauth2/realms/root/realms/alpha' },
      scope: 'openid profile email',
      apiBaseUrl: 'https://am.example.com:8443/am/oauth2/realms/root/realms/alpha',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('with no deployment or realm (the issuer given alone), sets no API base', () => {
    expect(pingam.settings({})).not.toHaveProperty('apiBaseUrl');
    expect(pingam.settings({ baseUrl: 'https://am.example.com/am' })).not.toHaveProperty('apiBaseUrl');
  });
});
